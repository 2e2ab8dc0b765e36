"""`Sum`, `Mean`, `MeanMetricWrapper` against Keras 3, masks included."""

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from keras.src.backend import set_keras_mask as keras_set_mask
from metric_parity import Case, assert_same_values, check_metric, floats, make_pair, weight_like

import kerasish.metrics
from kerasish.engine.masking import set_keras_mask


def values_only(*shape):
    make = floats(*shape)
    return lambda rng: (make(rng),)


CASES = [
    Case("Sum", {}, values_only(8), weight_like(1)),
    Case("Sum", {}, values_only(8, 3, 2), weight_like(2), id="Sum-rank3-weights-rank2"),
    Case("Mean", {}, values_only(8), weight_like(1)),
    Case("Mean", {}, values_only(8, 3), weight_like(1), id="Mean-rank2"),
    Case("Mean", {}, values_only(8, 3, 2), weight_like(2), id="Mean-rank3-weights-rank2"),
    Case("Mean", {}, values_only(8, 3), weight_like(2), id="Mean-elementwise-weights"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_against_keras(case):
    check_metric(case)


def test_scalar_values_and_python_lists():
    ours, theirs = make_pair("Mean", {})
    for values in ([1.0, 3.0], 5.0, [[2.0], [4.0]]):
        ours.update_state(values)
        theirs.update_state(values)
    assert_same_values(ours.result(), theirs.result())
    ours, theirs = make_pair("Sum", {})
    ours.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    theirs.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert_same_values(ours.result(), theirs.result())


def squared_error(y_true, y_pred):
    return jnp.mean(jnp.square(jnp.asarray(y_true) - jnp.asarray(y_pred)), axis=-1)


def test_wrapper_with_custom_function_and_kwargs():
    def scaled(y_true, y_pred, scale=1.0):
        return scale * jnp.abs(jnp.asarray(y_true) - jnp.asarray(y_pred))

    ours = kerasish.metrics.MeanMetricWrapper(scaled, name="w", scale=3.0)
    theirs = keras.metrics.MeanMetricWrapper(scaled, name="w", scale=3.0)
    rng = np.random.RandomState(0)
    for _ in range(2):
        y_true, y_pred = rng.rand(4, 3).astype("float32"), rng.rand(4, 3).astype("float32")
        ours.update_state(y_true, y_pred, sample_weight=[1.0, 0.0, 2.0, 1.0])
        theirs.update_state(y_true, y_pred, sample_weight=[1.0, 0.0, 2.0, 1.0])
    assert_same_values(ours.result(), theirs.result())
    assert ours.get_config()["scale"] == 3.0


def test_wrapper_config_names_loss_functions_as_keras_does():
    ours = kerasish.metrics.MeanMetricWrapper(kerasish.metrics.mean_squared_error, name="w")
    theirs = keras.metrics.MeanMetricWrapper(keras.metrics.mean_squared_error, name="w")
    assert ours.get_config() == theirs.get_config()
    clone = kerasish.metrics.MeanMetricWrapper.from_config(theirs.get_config())
    assert clone._fn is kerasish.metrics.mean_squared_error
    assert clone._direction == "down"


MASKED = [
    ("MeanSquaredError", {}, (4, 5, 3)),
    ("MeanAbsoluteError", {}, (4, 5, 3)),
    ("CategoricalAccuracy", {}, (4, 5, 3)),
    ("BinaryAccuracy", {}, (4, 5, 3)),
    ("BinaryCrossentropy", {}, (4, 5, 3)),
]


def masked_batch(shape, seed):
    rng = np.random.RandomState(seed)
    y_true = rng.randint(0, 2, size=shape).astype("float32")
    y_pred = rng.uniform(0.05, 0.95, size=shape).astype("float32")
    mask = rng.rand(*shape[:-1]) > 0.3
    weight = rng.uniform(0, 2, size=shape[:2]).astype("float32")  # temporal weights
    return y_true, y_pred, mask, weight


@pytest.mark.parametrize("class_name, kwargs, shape", MASKED, ids=[m[0] for m in MASKED])
def test_mask_on_y_pred_is_honoured(class_name, kwargs, shape):
    ours, theirs = make_pair(class_name, kwargs)
    reference = None
    for seed, weighted in ((0, False), (1, True)):
        y_true, y_pred, mask, weight = masked_batch(shape, seed)
        y_pred = jnp.asarray(y_pred)  # one array for both libraries' mask registries
        set_keras_mask(y_pred, jnp.asarray(mask))
        keras_set_mask(y_pred, jnp.asarray(mask))
        weights = {"sample_weight": weight} if weighted else {}
        ours.update_state(y_true, y_pred, **weights)
        theirs.update_state(y_true, y_pred, **weights)
        assert_same_values(ours.result(), theirs.result())
        reference = ours.result()
    unmasked = getattr(kerasish.metrics, class_name)(**kwargs)
    for seed in (0, 1):
        y_true, y_pred, _, _ = masked_batch(shape, seed)
        unmasked.update_state(y_true, y_pred)
    assert not np.allclose(unmasked.result(), reference)

    # The pure API sees masks attached to traced arrays inside the jitted step.
    metric = getattr(kerasish.metrics, class_name)()

    @jax.jit
    def step(state, y_true, y_pred, mask, weight):
        set_keras_mask(y_pred, mask)
        return metric.stateless_update_state(state, y_true, y_pred, sample_weight=weight)

    state = metric.stateless_reset_state()
    for seed in (0, 1):
        y_true, y_pred, mask, weight = masked_batch(shape, seed)
        weight = np.ones_like(weight) if seed == 0 else weight
        state = step(state, y_true, y_pred, jnp.asarray(mask), weight)
    assert_same_values(metric.stateless_result(state), reference)
