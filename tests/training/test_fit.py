"""fit / evaluate / predict: the same curves as Keras 3 given the same weights and data order."""

import contextlib
import io

import jax
import keras as reference
import numpy as np
import pytest

import kerasish as keras
from kerasish import layers


def _data(n=64, features=8, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)).astype("float32")
    y = rng.integers(0, classes, size=(n,)).astype("int32")
    return x, y


def _pair(seed=0):
    ours = keras.Sequential(
        [keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(3)]
    )
    theirs = reference.Sequential(
        [
            reference.Input((8,)),
            reference.layers.Dense(16, activation="relu"),
            reference.layers.Dense(3),
        ]
    )
    ours.set_weights(theirs.get_weights())
    return ours, theirs


def test_fit_matches_keras_losses_per_epoch():
    x, y = _data()
    ours, theirs = _pair()
    for model, lib in ((ours, keras), (theirs, reference)):
        model.compile(
            optimizer=lib.optimizers.Adam(1e-2),
            loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
    ours_history = ours.fit(x, y, batch_size=16, epochs=4, shuffle=False, verbose=0).history
    theirs_history = theirs.fit(x, y, batch_size=16, epochs=4, shuffle=False, verbose=0).history
    assert set(ours_history) == set(theirs_history)
    for key in theirs_history:
        np.testing.assert_allclose(ours_history[key], theirs_history[key], rtol=2e-5, atol=2e-6)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_evaluate_and_predict_match_keras():
    x, y = _data(seed=1)
    ours, theirs = _pair()
    for model in (ours, theirs):
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    np.testing.assert_allclose(
        ours.evaluate(x, y, verbose=0), theirs.evaluate(x, y, verbose=0), rtol=1e-5
    )
    assert (
        ours.evaluate(x, y, verbose=0, return_dict=True).keys()
        == theirs.evaluate(x, y, verbose=0, return_dict=True).keys()
    )
    np.testing.assert_allclose(
        ours.predict(x, batch_size=10, verbose=0),
        theirs.predict(x, batch_size=10, verbose=0),
        atol=1e-5,
    )
    np.testing.assert_allclose(
        ours.predict_on_batch(x[:5]), theirs.predict_on_batch(x[:5]), atol=1e-5
    )


def test_steps_per_execution_equals_single_steps():
    x, y = _data(n=70)
    single, _ = _pair()
    multi, _ = _pair()
    multi.set_weights(single.get_weights())
    single.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    multi.compile(optimizer="adam", loss="sparse_categorical_crossentropy", steps_per_execution=4)
    single.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    multi.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(single.get_weights(), multi.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_validation_split_takes_last_fraction_like_keras():
    x, y = _data(n=40)
    ours, theirs = _pair()
    for model in (ours, theirs):
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    ours_history = ours.fit(
        x, y, batch_size=8, epochs=2, validation_split=0.25, shuffle=False, verbose=0
    ).history
    theirs_history = theirs.fit(
        x, y, batch_size=8, epochs=2, validation_split=0.25, shuffle=False, verbose=0
    ).history
    np.testing.assert_allclose(ours_history["val_loss"], theirs_history["val_loss"], rtol=1e-5)


def test_sample_and_class_weights_match_keras():
    x, y = _data(n=32)
    weights = np.linspace(0.1, 2.0, 32).astype("float32")
    ours, theirs = _pair()
    for model in (ours, theirs):
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    a = ours.fit(
        x, y, sample_weight=weights, batch_size=8, epochs=2, shuffle=False, verbose=0
    ).history["loss"]
    b = theirs.fit(
        x, y, sample_weight=weights, batch_size=8, epochs=2, shuffle=False, verbose=0
    ).history["loss"]
    np.testing.assert_allclose(a, b, rtol=1e-5)
    class_weight = {0: 1.0, 1: 3.0, 2: 0.5}
    a = ours.fit(
        x, y, class_weight=class_weight, batch_size=8, epochs=1, shuffle=False, verbose=0
    ).history["loss"]
    b = theirs.fit(
        x, y, class_weight=class_weight, batch_size=8, epochs=1, shuffle=False, verbose=0
    ).history["loss"]
    np.testing.assert_allclose(a, b, rtol=1e-5)


def test_multi_output_dict_losses_and_metrics_log_names():
    x = keras.Input((4,), name="x")
    model = keras.Model(
        x, {"out_a": layers.Dense(1, name="out_a")(x), "out_b": layers.Dense(3, name="out_b")(x)}
    )
    model.compile(
        "adam",
        loss={"out_a": "mse", "out_b": "sparse_categorical_crossentropy"},
        metrics={"out_a": ["mae"], "out_b": ["accuracy"]},
    )
    data_x = np.ones((8, 4), "float32")
    history = model.fit(
        data_x, {"out_a": np.ones((8, 1)), "out_b": np.zeros((8, 1))}, epochs=1, verbose=0
    )
    assert set(history.history) == {
        "loss",
        "out_a_loss",
        "out_a_mae",
        "out_b_accuracy",
        "out_b_loss",
    }


def test_missing_output_in_loss_dict_is_a_clear_error():
    x = keras.Input((4,), name="x")
    model = keras.Model(x, {"a": layers.Dense(1, name="a")(x), "b": layers.Dense(1, name="b")(x)})
    model.compile("adam", loss={"a": "mse", "c": "mse"})
    with pytest.raises(ValueError, match="key 'c' does not correspond to any model output"):
        model.fit(np.ones((4, 4)), {"a": np.ones((4, 1)), "b": np.ones((4, 1))}, verbose=0)


def test_unsupported_data_type_names_the_type():
    model, _ = _pair()
    model.compile("adam", "mse")
    with pytest.raises(ValueError, match="Unrecognized data type"):
        model.fit(object(), verbose=0)


def test_generator_input_and_steps_per_epoch():
    x, y = _data(n=32)
    model, _ = _pair()
    model.compile("adam", "sparse_categorical_crossentropy")

    def batches():
        while True:
            for i in range(0, 32, 8):
                yield x[i : i + 8], y[i : i + 8]

    history = model.fit(batches(), steps_per_epoch=4, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_progress_bar_output_format():
    x, y = _data(n=32)
    model, _ = _pair()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    stream = io.StringIO()
    with contextlib.redirect_stdout(stream):
        model.fit(x, y, batch_size=8, epochs=2, verbose=1)
    text = stream.getvalue()
    assert "Epoch 1/2" in text and "Epoch 2/2" in text
    assert "4/4" in text and "━" in text and "accuracy:" in text and "loss:" in text
    stream = io.StringIO()
    with contextlib.redirect_stdout(stream):
        model.fit(x, y, batch_size=8, epochs=1, verbose=2)
    lines = [layer for layer in stream.getvalue().splitlines() if layer.strip()]
    assert len(lines) == 1 and lines[0].startswith("4/4 - ") and "/step - accuracy:" in lines[0]


def test_train_and_test_on_batch():
    x, y = _data(n=16)
    ours, theirs = _pair()
    for model in (ours, theirs):
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    np.testing.assert_allclose(ours.train_on_batch(x, y), theirs.train_on_batch(x, y), rtol=1e-5)
    np.testing.assert_allclose(ours.test_on_batch(x, y), theirs.test_on_batch(x, y), rtol=1e-5)


def test_custom_train_step_in_keras_jax_form():
    class Custom(keras.Model):
        def train_step(self, state, data):
            trainable, non_trainable, optimizer_variables, metrics_variables = state
            x, y = data

            def loss_fn(trainable):
                y_pred, new_non_trainable = self.stateless_call(
                    trainable, non_trainable, x, training=True
                )
                return keras.ops.mean((y_pred - y) ** 2), new_non_trainable

            (loss, non_trainable), grads = jax.value_and_grad(loss_fn, has_aux=True)(trainable)
            trainable, optimizer_variables = self.optimizer.stateless_apply(
                optimizer_variables, grads, trainable
            )
            return {"loss": loss}, (
                trainable,
                non_trainable,
                optimizer_variables,
                metrics_variables,
            )

    inputs = keras.Input((3,))
    model = Custom(inputs, layers.Dense(1)(inputs))
    model.compile(optimizer="sgd")
    x = np.random.default_rng(0).standard_normal((32, 3)).astype("float32")
    y = x @ np.array([[1.0], [2.0], [3.0]], "float32")
    history = model.fit(x, y, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_py_dataset_with_workers_trains_like_arrays():
    x, y = _data(n=32)

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, index):
            return x[index * 8 : (index + 1) * 8], y[index * 8 : (index + 1) * 8]

    from_arrays, _ = _pair()
    from_dataset, _ = _pair()
    from_dataset.set_weights(from_arrays.get_weights())
    for model in (from_arrays, from_dataset):
        model.compile("sgd", "sparse_categorical_crossentropy")
    a = from_arrays.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    b = from_dataset.fit(Batches(workers=2), epochs=2, verbose=0).history["loss"]
    np.testing.assert_allclose(a, b, rtol=1e-6)


def test_ragged_last_batch_compiles_once_more_not_every_epoch():
    x, y = _data(n=20)
    model, _ = _pair()
    model.compile("sgd", "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    train_function = model._function("train")
    before = train_function._cache_size()
    model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    assert train_function._cache_size() == before == 2


def test_mixed_bfloat16_policy_trains_with_float32_variables():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = keras.Sequential(
            [keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(3)]
        )
    finally:
        keras.mixed_precision.set_global_policy(None)
    assert model.layers[0].compute_dtype == "bfloat16"
    assert all(w.dtype == "float32" for w in model.weights)
    x, y = _data(n=32)
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(x, verbose=0).dtype.name == "bfloat16"
