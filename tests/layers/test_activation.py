"""`Activation` vs Keras 3."""

import jax.numpy as jnp
import keras
import numpy as np
import pytest
from layer_parity import check_layer

import kerasish
from kerasish import layers
from kerasish.engine.masking import get_keras_mask


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
