"""The `Metric` base class, custom subclasses, names, and `get` / `serialize` / `deserialize`."""

import inspect
import re

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from keras.src.metrics import ALL_OBJECTS_DICT as KERAS_OBJECTS
from metric_parity import as_plain

import kerasish.metrics
from kerasish.engine.naming import to_snake_case
from kerasish.metrics import Metric

KERAS_CLASSES = sorted(
    {cls.__name__ for cls in KERAS_OBJECTS.values()} - {"Metric", "MeanMetricWrapper"}
)
REQUIRED = {
    "IoU": {"num_classes": 3, "target_class_ids": [0]},
    "OneHotIoU": {"num_classes": 3, "target_class_ids": [0]},
    "MeanIoU": {"num_classes": 3},
    "OneHotMeanIoU": {"num_classes": 3},
    "PrecisionAtRecall": {"recall": 0.5},
    "RecallAtPrecision": {"precision": 0.5},
    "SensitivityAtSpecificity": {"specificity": 0.5},
    "SpecificityAtSensitivity": {"sensitivity": 0.5},
}


class BinaryTruePositives(Metric):
    """Keras's own example of a custom metric, verbatim in spirit."""

    def __init__(self, name="binary_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(
            shape=(), initializer="zeros", name="true_positives"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = jnp.logical_and(jnp.asarray(y_true, bool), jnp.asarray(y_pred, bool))
        values = values.astype(self.dtype)
        if sample_weight is not None:
            values = values * jnp.broadcast_to(jnp.asarray(sample_weight, self.dtype), values.shape)
        self.true_positives.assign(self.true_positives + jnp.sum(values))

    def result(self):
        return self.true_positives.value


def test_custom_metric_runs_pure_under_jit_and_scan():
    metric = BinaryTruePositives()
    y_true = jnp.array([[1, 0, 1, 1], [0, 1, 1, 0], [1, 1, 1, 1]])
    y_pred = jnp.array([[1, 1, 0, 1], [0, 1, 1, 1], [0, 0, 1, 1]])
    for t, p in zip(y_true, y_pred):
        metric.update_state(t, p)
    assert float(metric.result()) == 6.0
    assert [v.path for v in metric.variables] == ["binary_true_positives/true_positives"]
    assert metric.variables[0].trainable is False

    def step(state, batch):
        return metric.stateless_update_state(state, *batch), None

    state, _ = jax.jit(lambda s: jax.lax.scan(step, s, (y_true, y_pred)))(
        metric.stateless_reset_state()
    )
    assert float(metric.stateless_result(state)) == 6.0
    assert float(metric.result()) == 6.0  # untouched by the pure calls
    metric.reset_state()
    assert float(metric.result()) == 0.0


def test_call_updates_then_returns_result():
    metric = kerasish.metrics.Mean()
    assert float(metric([1.0, 3.0])) == 2.0
    assert float(metric([5.0])) == 3.0


def test_metrics_held_as_attributes_contribute_their_variables():
    class Pair(Metric):
        def __init__(self):
            super().__init__(name="pair")
            self.first = kerasish.metrics.Mean(name="first")
            self.second = kerasish.metrics.Sum(name="second")
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

        def update_state(self, values):
            self.first.update_state(values)
            self.second.update_state(values)

        def result(self):
            return self.scale.value * (self.first.result() + self.second.result())

    metric = Pair()
    assert [v.path for v in metric.variables] == [
        "pair/scale",
        "first/total",
        "first/count",
        "second/total",
    ]
    state = [v.value for v in metric.variables]
    state = jax.jit(metric.stateless_update_state)(state, jnp.array([1.0, 3.0]))
    assert float(metric.stateless_result(state)) == 6.0
    # Keras resets every variable to zeros, the "ones" one included.
    assert [float(v) for v in metric.stateless_reset_state()] == [0.0] * 4


def test_wrong_number_of_values_is_reported_as_keras_does():
    ours, theirs = kerasish.metrics.Mean(), keras.metrics.Mean()
    for method in ("stateless_update_state", "stateless_result"):
        args = ([1.0],) if method == "stateless_update_state" else ()
        with pytest.raises(ValueError) as mine:
            getattr(ours, method)([jnp.zeros(())], *args)
        with pytest.raises(ValueError) as reference:
            getattr(theirs, method)([jnp.zeros(())], *args)
        assert str(mine.value) == str(reference.value)


def test_forgetting_super_init_is_explained():
    class Broken(Metric):
        def __init__(self):
            pass

    with pytest.raises(RuntimeError, match="super"):
        Broken().add_variable((), "zeros")


def test_dtype_policy_and_repr():
    metric = kerasish.metrics.Mean(dtype="float16")
    assert metric.dtype == "float16"
    assert [str(v.dtype) for v in metric.variables] == ["float16", "float16"]
    metric.update_state([1.0, 2.0])
    assert metric.result().dtype == jnp.float16
    assert repr(metric) == "<Mean name=mean>"
    assert kerasish.metrics.IoU(3, [0]).dtype == keras.metrics.IoU(3, [0]).dtype == "int32"


@pytest.mark.parametrize("class_name", KERAS_CLASSES)
def test_default_name_and_config_equal_keras(class_name):
    kwargs = REQUIRED.get(class_name, {})
    ours = getattr(kerasish.metrics, class_name)(**kwargs)
    theirs = getattr(keras.metrics, class_name)(**kwargs)
    default = inspect.signature(getattr(keras.metrics, class_name)).parameters["name"].default
    if default is None:  # named after the class, made unique by a counter each library keeps
        base = to_snake_case(class_name)
        assert re.fullmatch(rf"{base}(_\d+)?", ours.name), ours.name
        assert re.fullmatch(rf"{base}(_\d+)?", theirs.name), theirs.name
        ours_config = {**ours.get_config(), "name": None}
        theirs_config = {**theirs.get_config(), "name": None}
    else:
        assert ours.name == theirs.name == default
        ours_config, theirs_config = ours.get_config(), theirs.get_config()
    assert as_plain(ours_config) == as_plain(theirs_config)
    assert [v.name for v in ours.variables] == [v.name for v in theirs.variables]


def test_get_accepts_every_name_keras_accepts():
    for key, keras_cls in KERAS_OBJECTS.items():
        if keras_cls.__name__ in ("Metric", "MeanMetricWrapper", *REQUIRED):
            assert (
                getattr(kerasish.metrics, keras_cls.__name__)
                is kerasish.metrics.ALL_OBJECTS_DICT[key]
            )
            continue
        metric = kerasish.metrics.get(key)
        assert type(metric).__name__ == keras_cls.__name__, key
    assert kerasish.metrics.get(None) is None
    assert (
        kerasish.metrics.get(kerasish.metrics.binary_accuracy) is kerasish.metrics.binary_accuracy
    )
    auc = kerasish.metrics.AUC()
    assert kerasish.metrics.get(auc) is auc
    with pytest.raises(ValueError, match="Could not interpret metric identifier: nonsense"):
        kerasish.metrics.get("nonsense")


@pytest.mark.parametrize(
    "metric",
    [
        keras.metrics.AUC(name="a", curve="PR", num_thresholds=7, label_weights=[1.0, 2.0]),
        keras.metrics.Precision(name="p", thresholds=[0.2, 0.4], class_id=1),
        keras.metrics.MeanIoU(name="iou", num_classes=4, ignore_class=0),
        keras.metrics.SparseTopKCategoricalAccuracy(name="top", k=3, from_sorted_ids=True),
        keras.metrics.MeanMetricWrapper(keras.metrics.mean_absolute_error, name="w"),
        keras.metrics.F1Score(name="f", average="micro", threshold=0.4),
    ],
    ids=lambda m: type(m).__name__,
)
def test_serialize_and_deserialize_keras_configs(metric):
    config = keras.metrics.serialize(metric)
    ours = kerasish.metrics.deserialize(config)
    assert type(ours).__name__ == type(metric).__name__
    assert as_plain(kerasish.metrics.get(config).get_config()) == as_plain(metric.get_config())
    if not isinstance(metric, keras.metrics.AUC):  # Keras writes its weights as "__tensor__"
        assert as_plain(kerasish.metrics.serialize(ours)) == as_plain(config)


def test_symbolic_build_creates_lazy_variables_and_changes_nothing():
    y = jax.ShapeDtypeStruct((4, 2), "float32")
    lazy = [
        kerasish.metrics.R2Score(),
        kerasish.metrics.AUC(multi_label=True),
        kerasish.metrics.FBetaScore(beta=2.0),
    ]
    for metric in lazy:
        metric.symbolic_build(y, y)
        assert all(v.shape[-1] == 2 for v in metric.variables if v.shape)
        assert not any(np.any(np.asarray(v.value)) for v in metric.variables)
    built = kerasish.metrics.MeanSquaredError()
    built.update_state(np.ones((4, 2)), np.zeros((4, 2)))
    built.symbolic_build(y, y, sample_weight=jax.ShapeDtypeStruct((4,), "float32"))
    assert float(built.result()) == 1.0
    assert [float(v.value) for v in built.variables] == [4.0, 4.0]
