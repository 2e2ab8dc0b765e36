"""`Activation` vs Keras 3."""

import jax.numpy as jnp
import keras
import numpy as np
import pytest
from layer_parity import assert_same_error, check_layer, comparable_config, raised

import kerasish
from kerasish import layers
from kerasish.engine.masking import get_keras_mask, set_keras_mask


@pytest.mark.parametrize(
    "activation, input_shape",
    [
        ("relu", (2, 3)),
        ("softmax", (2, 3, 4)),
        ("gelu", (2, 3)),
        ("linear", (2, 3)),
        (kerasish.activations.silu, (2, 3)),
    ],
)
def test_activation_contract(activation, input_shape):
    check_layer(
        layers.Activation,
        {"activation": activation},
        input_shape,
        expected_output_shape=input_shape,
        expected_num_trainable_weights=0,
        supports_masking=True,
    )


def test_activation_values_and_masks():
    x = jnp.array([-3.0, -1.0, 0.0, 2.0])
    assert layers.Activation("relu")(x).tolist() == [0.0, 0.0, 0.0, 2.0]
    np.testing.assert_allclose(
        layers.Activation("softmax")(x[None]),
        keras.layers.Activation("softmax")(x[None]),
        rtol=1e-6,
    )
    embedded = layers.Embedding(3, 2, mask_zero=True)(jnp.array([[1, 0]]))
    np.testing.assert_array_equal(
        get_keras_mask(layers.Activation("tanh")(embedded)), [[True, False]]
    )


def test_unknown_activation_is_an_error():
    with pytest.raises(ValueError, match="Could not interpret activation function identifier"):
        layers.Activation("not_an_activation")


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        ("ReLU", {"max_value": 1.0, "negative_slope": 0.1, "threshold": 0.5}),
        ("LeakyReLU", {}),
        ("ELU", {"alpha": 0.5}),
        ("Softmax", {"axis": [1, 2]}),
    ],
)
def test_activation_layer_contract(cls, kwargs):
    check_layer(
        getattr(layers, cls),
        kwargs,
        (2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=0,
        supports_masking=True,
    )


def test_activation_layer_variants_match_keras():
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype("float32") * 4
    cases = [
        ("ReLU", {}),
        ("ReLU", {"max_value": 6.0}),
        ("ReLU", {"threshold": 1.0}),
        ("ReLU", {"negative_slope": 0.2, "max_value": 3.0}),
        ("LeakyReLU", {"negative_slope": 0.05}),
        ("ELU", {}),
        ("Softmax", {}),
        ("Softmax", {"axis": 1}),
        ("Softmax", {"axis": (0, 2)}),
    ]
    for cls, kwargs in cases:
        ours, theirs = getattr(layers, cls)(**kwargs), getattr(keras.layers, cls)(**kwargs)
        np.testing.assert_allclose(ours(x), theirs(x), rtol=1e-6, atol=1e-6, err_msg=f"{cls}")
        assert comparable_config(ours.get_config()) == comparable_config(theirs.get_config())


@pytest.mark.parametrize(
    "kwargs, input_shape, alpha_shape",
    [
        (
            {"shared_axes": 2, "alpha_regularizer": "l2", "alpha_constraint": "non_neg"},
            (2, 3, 4),
            (3, 1),
        ),
    ],
)
def test_prelu_contract(kwargs, input_shape, alpha_shape):
    layer = check_layer(
        layers.PReLU,
        kwargs,
        input_shape,
        expected_output_shape=input_shape,
        expected_num_trainable_weights=1,
        supports_masking=True,
    )
    assert layer.alpha.shape == alpha_shape


def test_prelu_with_keras_weights_and_input_spec():
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype("float32")
    theirs = keras.layers.PReLU(alpha_initializer="random_uniform", shared_axes=[1])
    expected = np.asarray(theirs(x))
    ours = layers.PReLU(shared_axes=[1])
    ours.build(x.shape)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(x), expected, rtol=1e-6, atol=1e-6)
    # The shared axis may change size; the others are fixed by the input spec.
    assert ours(np.ones((2, 7, 4), "float32")).shape == (2, 7, 4)
    with pytest.raises(ValueError, match="expected axis 2 of input shape to have value 4"):
        ours(np.ones((2, 3, 5), "float32"))


def test_leaky_relu_alpha_is_deprecated_like_keras():
    with pytest.warns(UserWarning, match="Argument `alpha` is deprecated"):
        layer = layers.LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1
    assert layer.get_config()["negative_slope"] == 0.1
    assert "alpha" not in layer.get_config()


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        ("ReLU", {"max_value": -1.0}),
        ("ReLU", {"negative_slope": -0.1}),
        ("ReLU", {"negative_slope": None}),
        ("ReLU", {"threshold": -1.0}),
        ("LeakyReLU", {"negative_slope": -0.3}),
        ("LeakyReLU", {"negative_slope": None}),
    ],
)
def test_activation_layer_argument_errors_match_keras(cls, kwargs):
    assert raised(lambda: getattr(layers, cls)(**kwargs)) == raised(
        lambda: getattr(keras.layers, cls)(**kwargs)
    )


@pytest.mark.parametrize(
    "axis, mask",
    [
        (-1, np.array([[[1, 1, 0, 1]], [[0, 0, 0, 0]]], "float32")),
        (-1, np.array([True, False, True, True])),
        (1, np.array([[[True], [False], [True]], [[False], [True], [True]]])),
        ([1, 2], np.random.default_rng(1).random((2, 3, 4)) > 0.4),
    ],
)
def test_softmax_mask_matches_keras(axis, mask):
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype("float32")
    ours = layers.Softmax(axis=axis)(x, mask=mask)
    theirs = keras.layers.Softmax(axis=axis)(x, mask=mask)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


def test_softmax_masked_positions_are_zero_and_float16_uses_a_smaller_adder():
    x = jnp.array([[2.0, 1.0, 0.5]], "float16")
    mask = jnp.array([[True, False, True]])
    ours = layers.Softmax(dtype="float16")(x, mask=mask)
    theirs = keras.layers.Softmax(dtype="float16")(np.asarray(x), mask=np.asarray(mask))
    assert float(ours[0, 1]) == 0.0
    np.testing.assert_allclose(
        np.asarray(ours, "float32"), np.asarray(theirs, "float32"), atol=1e-3
    )


def test_softmax_takes_the_mask_attached_to_its_inputs():
    scores = jnp.array([[0.5, 1.0, 3.0, 2.0]])
    set_keras_mask(scores, jnp.array([[True, True, False, False]]))
    probabilities = layers.Softmax()(scores)
    np.testing.assert_allclose(probabilities[0, 2:], [0.0, 0.0])
    np.testing.assert_allclose(float(probabilities.sum()), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(get_keras_mask(probabilities), [[True, True, False, False]])


@pytest.mark.parametrize("mask_shape", [(2, 2, 3, 4), (2, 3, 3)])
def test_softmax_bad_mask_matches_keras(mask_shape):
    x = np.ones((2, 3, 4), "float32")
    mask = np.ones(mask_shape, bool)
    assert_same_error(
        lambda: layers.Softmax()(x, mask=mask), lambda: keras.layers.Softmax()(x, mask=mask)
    )
