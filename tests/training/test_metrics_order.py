"""`Model.metrics`, `metrics_names` and the order of `evaluate`'s list, as Keras 3: the loss
tracker, one ``compile_metrics`` entry, the per-output loss trackers (in the ``loss`` dict's
order for dict outputs), then metrics held as attributes; compared with Keras on the same
weights and data."""

import keras
import numpy as np
import pytest

import kerasish

X = np.random.default_rng(0).random((8, 3)).astype("float32")
Y = {"a": np.ones((8, 1), "float32"), "b": np.zeros((8, 1), "float32")}


def _two_outputs(lib, as_dict):
    inputs = lib.Input((3,))
    a = lib.layers.Dense(1, name="a")(inputs)
    b = lib.layers.Dense(1, name="b")(inputs)
    return lib.Model(inputs, {"b": b, "a": a} if as_dict else [b, a])


def _pair(as_dict, **compile_kwargs):
    ours, theirs = _two_outputs(kerasish, as_dict), _two_outputs(keras, as_dict)
    theirs.set_weights(ours.get_weights())
    for model in (ours, theirs):
        model.compile(optimizer="sgd", **compile_kwargs)
    return ours, theirs


CASES = [
    (True, {"loss": "mse", "metrics": {"a": ["mae"], "b": ["mae"]}}),
    (
        True,
        {
            "loss": {"b": "mse", "a": "mae"},
            "metrics": {"b": ["mse"], "a": ["mae"]},
            "weighted_metrics": {"a": ["mse"]},
        },
    ),
    (False, {"loss": ["mse", "mae"], "metrics": [["mse"], ["mae", "mse"]]}),
    (False, {"loss": ["mse", "mse"], "loss_weights": [2.0, 0.5]}),
]


@pytest.mark.parametrize("as_dict, compile_kwargs", CASES)
def test_names_history_and_evaluate_order_match_keras(as_dict, compile_kwargs):
    ours, theirs = _pair(as_dict, **compile_kwargs)
    y = Y if as_dict else [Y["b"], Y["a"]]
    histories = [
        m.fit(X, y, epochs=2, batch_size=4, shuffle=False, verbose=0) for m in (ours, theirs)
    ]
    assert list(histories[0].history) == list(histories[1].history)
    assert ours.metrics_names == theirs.metrics_names
    np.testing.assert_allclose(
        ours.evaluate(X, y, verbose=0), theirs.evaluate(X, y, verbose=0), rtol=1e-5
    )
    ours_dict = ours.evaluate(X, y, verbose=0, return_dict=True)
    assert list(ours_dict) == list(theirs.evaluate(X, y, verbose=0, return_dict=True))


def test_single_output_without_metrics_has_only_the_loss():
    model = kerasish.Sequential([kerasish.Input((3,)), kerasish.layers.Dense(1)])
    assert model.metrics_names == []
    model.compile("sgd", "mse")
    assert model.metrics_names == ["loss"]
    model.fit(X, Y["a"], verbose=0)
    assert model.metrics_names == ["loss"]
    assert isinstance(model.evaluate(X, Y["a"], verbose=0), float)
    model.compile("sgd", "mse", metrics=["mae", kerasish.metrics.RootMeanSquaredError()])
    assert model.metrics_names == ["loss", "compile_metrics"]
    assert len(model.evaluate(X, Y["a"], verbose=0)) == 3


def _with_tracker(lib):
    class WithTracker(lib.Model):
        def __init__(self):
            super().__init__()
            self.dense = lib.layers.Dense(1)
            self.tracker = lib.metrics.Mean(name="my_tracker")

        def call(self, x):
            return self.dense(x)

    return WithTracker()


def test_metrics_held_as_attributes_are_tracked_like_keras():
    ours, theirs = _with_tracker(kerasish), _with_tracker(keras)
    results = []
    for model in (ours, theirs):
        model.compile("sgd", "mse", metrics=["mae"])
        model.fit(X, Y["a"], verbose=0)
        results.append(model.evaluate(X, Y["a"], verbose=0))
    assert ours.metrics_names == theirs.metrics_names == ["loss", "compile_metrics", "my_tracker"]
    assert len(results[0]) == len(results[1]) == 3 and results[0][2] == results[1][2] == 0.0
    assert ours.tracker.variables[0] in ours.metrics_variables


def _guide_model(lib):
    """The loop over `self.metrics` of the Keras guide "Customizing what happens in fit() with
    JAX": the loss tracker by name, every other metric (``compile_metrics``) with y, y_pred."""
    import jax

    class CustomModel(lib.Model):
        def compute_loss_and_updates(self, trainable, non_trainable, x, y, training=False):
            y_pred, non_trainable = self.stateless_call(
                trainable, non_trainable, x, training=training
            )
            return self.compute_loss(x, y, y_pred), (y_pred, non_trainable)

        def train_step(self, state, data):
            trainable, non_trainable, optimizer_variables, metrics_variables = state
            x, y = data
            grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
            (loss, (y_pred, non_trainable)), grads = grad_fn(
                trainable, non_trainable, x, y, training=True
            )
            trainable, optimizer_variables = self.optimizer.stateless_apply(
                optimizer_variables, grads, trainable
            )
            new_metrics_variables, logs = [], {}
            for metric in self.metrics:
                start = len(new_metrics_variables)
                values = metrics_variables[start : start + len(metric.variables)]
                if metric.name == "loss":
                    values = metric.stateless_update_state(values, loss)
                else:
                    values = metric.stateless_update_state(values, y, y_pred)
                logs[metric.name] = metric.stateless_result(values)
                new_metrics_variables += values
            return logs, (trainable, non_trainable, optimizer_variables, new_metrics_variables)

    inputs = lib.Input((3,))
    return CustomModel(inputs, lib.layers.Dense(1)(inputs))


def test_the_guides_custom_train_step_logs_the_compiled_metrics_like_keras():
    ours, theirs = _guide_model(kerasish), _guide_model(keras)
    theirs.set_weights(ours.get_weights())
    histories = []
    for model in (ours, theirs):
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        histories.append(model.fit(X, Y["a"], epochs=3, batch_size=4, shuffle=False, verbose=0))
    assert set(histories[0].history) == set(histories[1].history) == {"loss", "mae"}
    for key in ("loss", "mae"):
        np.testing.assert_allclose(histories[0].history[key], histories[1].history[key], rtol=1e-5)
