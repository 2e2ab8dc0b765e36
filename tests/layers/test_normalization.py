"""`LayerNormalization` and `BatchNormalization` vs Keras 3: numerics, training statistics, masks."""

import warnings

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from layer_parity import (
    assert_same_error,
    check_layer,
    current_trees,
    keras_weights_into,
    raised,
    to_numpy,
)

import kerasish
from kerasish import layers


@pytest.mark.parametrize(
    "kwargs, input_shape, num_weights",
    [
        ({}, (2, 3, 4), 2),
        ({"axis": [1, 2], "epsilon": 1e-5}, (2, 3, 4), 2),
        ({"axis": 1}, (2, 3, 4), 2),
        ({"center": False, "gamma_initializer": "random_normal"}, (2, 5), 1),
        ({"scale": False, "beta_regularizer": "l2", "beta_constraint": "non_neg"}, (2, 5), 1),
        ({"rms_scaling": True}, (2, 3, 4), 1),
    ],
)
def test_layer_normalization_contract(kwargs, input_shape, num_weights):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rms_scaling is deprecated in Keras too
        layer = check_layer(
            layers.LayerNormalization,
            kwargs,
            input_shape,
            expected_output_shape=input_shape,
            expected_num_trainable_weights=num_weights,
            supports_masking=True,
        )
    assert (
        layer.get_config()["axis"] == sorted(kwargs.get("axis", [-1]))
        if isinstance(kwargs.get("axis", -1), list)
        else [kwargs.get("axis", -1)]
    )


@pytest.mark.parametrize(
    "dtype, tolerance", [("float16", 2e-3), ("bfloat16", 2e-2), ("mixed_float16", 2e-3)]
)
def test_layer_normalization_half_precision_matches_keras(dtype, tolerance):
    x = (np.random.default_rng(0).standard_normal((4, 3, 8)) * 30 + 100).astype("float32")
    ours, theirs = (
        layers.LayerNormalization(dtype=dtype),
        keras.layers.LayerNormalization(dtype=dtype),
    )
    theirs.build(x.shape)
    ours.build(x.shape)
    weights = [
        np.random.default_rng(1).standard_normal(w.shape).astype(w.dtype)
        for w in theirs.get_weights()
    ]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    for inputs in (x, jnp.asarray(x, "float16"), jnp.asarray(x, "bfloat16")):
        expected = np.asarray(theirs(inputs))
        got = ours(inputs)
        assert str(got.dtype) == str(expected.dtype)
        np.testing.assert_allclose(
            np.asarray(got, "float32"), expected.astype("float32"), rtol=tolerance, atol=tolerance
        )


def test_layer_normalization_bad_axis_matches_keras():
    assert raised(lambda: layers.LayerNormalization(axis="1")) == raised(
        lambda: keras.layers.LayerNormalization(axis="1")
    )
    ours = raised(lambda: layers.LayerNormalization(axis=3).compute_output_shape((2, 3)))
    assert ours == raised(
        lambda: keras.layers.LayerNormalization(axis=3).compute_output_shape((2, 3))
    )


@pytest.mark.parametrize(
    "kwargs, input_shape, training, num_weights",
    [
        ({}, (4, 3), False, 2),
        ({}, (4, 3, 5), True, 2),
        ({"axis": 1, "momentum": 0.9, "epsilon": 1e-5}, (4, 3, 5), True, 2),
        ({"center": False, "scale": False}, (4, 3), True, 0),
        (
            {
                "beta_initializer": "random_uniform",
                "gamma_initializer": "random_normal",
                "moving_mean_initializer": "random_normal",
                "moving_variance_initializer": "ones",
                "gamma_regularizer": "l2",
            },
            (4, 3),
            False,
            2,
        ),
        (
            {"renorm": True, "renorm_clipping": {"rmax": 2.0, "rmin": 0.5, "dmax": 1.0}},
            (4, 3),
            True,
            2,
        ),
        ({"synchronized": False, "renorm": True}, (4, 3), False, 2),
    ],
)
def test_batch_normalization_contract(kwargs, input_shape, training, num_weights):
    check_layer(
        layers.BatchNormalization,
        kwargs,
        input_shape,
        training=training,
        expected_output_shape=input_shape,
        expected_num_trainable_weights=num_weights,
        expected_num_non_trainable_weights=5 if kwargs.get("renorm") else 2,
        supports_masking=True,
    )


def test_batch_normalization_weight_order_matches_keras():
    ours, theirs = (
        layers.BatchNormalization(renorm=True),
        keras.layers.BatchNormalization(renorm=True),
    )
    ours.build((None, 3))
    theirs.build((None, 3))
    assert [v.name for v in ours.weights] == [v.name for v in theirs.weights]
    assert [v.name for v in ours.weights][:4] == ["gamma", "beta", "moving_mean", "moving_variance"]


def _bn_model(module, **kwargs):
    inputs = module.Input((6,))
    x = module.layers.Dense(4, kernel_initializer="glorot_uniform")(inputs)
    return module.Model(inputs, module.layers.BatchNormalization(**kwargs)(x))


@pytest.mark.parametrize(
    "kwargs", [{}, {"momentum": 0.5, "epsilon": 1e-2}, {"renorm": True, "renorm_momentum": 0.5}]
)
def test_batch_normalization_training_step_matches_keras(kwargs):
    theirs, ours = _bn_model(keras, **kwargs), _bn_model(kerasish, **kwargs)
    params, state = keras_weights_into(ours, theirs)
    x = np.random.default_rng(0).standard_normal((8, 6)).astype("float32") * 3 + 1
    expected = np.asarray(theirs(x, training=True))  # updates Keras's moving statistics
    outputs, new_state = jax.jit(lambda p, s, x: ours.apply(p, s, x, training=True))(
        params, state, x
    )
    np.testing.assert_allclose(outputs, expected, rtol=1e-5, atol=1e-5)
    bn_name = ours.layers[-1].name
    for variable in theirs.layers[-1].non_trainable_weights:
        np.testing.assert_allclose(
            to_numpy(new_state[bn_name][variable.name]), np.asarray(variable), rtol=1e-5, atol=1e-6
        )
    # The facade's own variables are untouched by the pure call; inference uses the new state.
    np.testing.assert_array_equal(ours.layers[-1].moving_mean.value, np.zeros(4))
    inference, unchanged = ours.apply(params, new_state, x, training=False)
    np.testing.assert_allclose(inference, theirs(x, training=False), rtol=1e-5, atol=1e-5)
    assert jax.tree.all(jax.tree.map(lambda a, b: bool(jnp.all(a == b)), unchanged, new_state))


def test_batch_normalization_frozen_layer_uses_moving_statistics():
    layer = layers.BatchNormalization()
    layer.build((None, 3))
    layer.trainable = False
    params, state = current_trees(layer)
    assert params == {}
    x = jnp.arange(12.0).reshape(4, 3)
    outputs, new_state = layer.apply(params, state, x, training=True)
    np.testing.assert_allclose(outputs, x / np.sqrt(1.0 + 1e-3), rtol=1e-6)
    np.testing.assert_array_equal(new_state["moving_mean"], np.zeros(3))


def test_batch_normalization_masked_moments_match_keras():
    x = np.random.default_rng(0).standard_normal((3, 5, 4)).astype("float32")
    mask = np.array([[1, 1, 0, 0, 0], [1, 1, 1, 1, 0], [1, 0, 0, 0, 0]], bool)
    ours, theirs = (
        layers.BatchNormalization(momentum=0.5),
        keras.layers.BatchNormalization(momentum=0.5),
    )
    expected = theirs(x, training=True, mask=mask)
    np.testing.assert_allclose(ours(x, training=True, mask=mask), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours.moving_mean.value, theirs.moving_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        ours.moving_variance.value, theirs.moving_variance, rtol=1e-5, atol=1e-6
    )
    assert_same_error(
        lambda: layers.BatchNormalization()(x, training=True, mask=mask[..., None]),
        lambda: keras.layers.BatchNormalization()(x, training=True, mask=mask[..., None]),
    )


@pytest.mark.parametrize("dtype", ["float16", "mixed_bfloat16"])
def test_batch_normalization_half_precision_matches_keras(dtype):
    x = (np.random.default_rng(0).standard_normal((8, 3)) * 20 + 50).astype("float32")
    ours, theirs = (
        layers.BatchNormalization(dtype=dtype),
        keras.layers.BatchNormalization(dtype=dtype),
    )
    expected = np.asarray(theirs(x, training=True))
    got = ours(x, training=True)
    assert str(got.dtype) == str(expected.dtype)
    np.testing.assert_allclose(
        np.asarray(got, "float32"), expected.astype("float32"), rtol=1e-2, atol=1e-2
    )
    np.testing.assert_allclose(ours.moving_mean.value, theirs.moving_mean, rtol=1e-3)


@pytest.mark.parametrize("clipping", [{"rmax": 1.0, "rmin": 2.0}, {"dmax": -1.0}, {"bad": 1.0}])
def test_batch_normalization_renorm_clipping_errors_match_keras(clipping):
    ours = raised(lambda: layers.BatchNormalization(renorm=True, renorm_clipping=clipping))
    theirs = raised(lambda: keras.layers.BatchNormalization(renorm=True, renorm_clipping=clipping))
    # Keras forgot the f-prefix on two of these messages ("Received: rmax={rmax}"); ours
    # shows the values and is otherwise identical.
    assert ours[0] is theirs[0]
    assert ours[1].split("Received")[0] == theirs[1].split("Received")[0]
    assert "={" not in ours[1]


def test_batch_normalization_synchronized_is_accepted_as_a_no_op():
    # Keras allows synchronized=True only on TensorFlow; under jit the statistics are global.
    layer = layers.BatchNormalization(synchronized=True)
    x = jnp.arange(12.0).reshape(4, 3)
    np.testing.assert_allclose(
        layer(x, training=True), layers.BatchNormalization()(x, training=True)
    )
    assert layer.get_config()["synchronized"] is True
