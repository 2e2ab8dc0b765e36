"""`ConvLSTM1D/2D/3D` vs Keras 3: contract, data formats, strides, states, dropout, errors."""

import jax
import keras
import numpy as np
import pytest
from layer_parity import assert_same_error, check_layer

from kerasish import layers

RNG = np.random.default_rng(3)


def _assert_all_close(ours, theirs):
    ours, theirs = jax.tree.leaves(ours), jax.tree.leaves(theirs)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-5)


@pytest.mark.slow  # vmap and grad of convolutions inside a scan: ~5 s of compilation
def test_conv_lstm2d_contract():
    check_layer(
        layers.ConvLSTM2D,
        {"filters": 2, "kernel_size": 3, "padding": "same", "return_sequences": True},
        (2, 3, 4, 4, 2),
        expected_output_shape=(2, 3, 4, 4, 2),
        expected_num_trainable_weights=3,
        supports_masking=True,
    )


@pytest.mark.parametrize(
    "class_name, kwargs, input_shape",
    [
        (
            "ConvLSTM1D",
            {"kernel_size": 2, "dilation_rate": 2, "return_state": True},
            (2, 3, 6, 2),
        ),
        (
            "ConvLSTM2D",
            {
                "kernel_size": (3, 2),
                "strides": 2,
                "data_format": "channels_first",
                "unit_forget_bias": False,
                "bias_initializer": "ones",
                "dropout": 0.3,
                "seed": 4,
                "go_backwards": True,
            },
            (2, 3, 2, 5, 4),
        ),
    ],
)
def test_conv_lstm_matches_keras(class_name, kwargs, input_shape):
    sequences = RNG.standard_normal(input_shape).astype("float32")
    kwargs = {"recurrent_initializer": "zeros", **kwargs}  # no QR: the weights are replaced
    ours = getattr(layers, class_name)(3, **kwargs)
    theirs = getattr(keras.layers, class_name)(3, **kwargs)
    theirs.build(input_shape)
    ours.build(input_shape)
    theirs.set_weights(
        [RNG.standard_normal(w.shape).astype("float32") * 0.3 for w in theirs.weights]
    )
    ours.set_weights(theirs.get_weights())
    with jax.disable_jit():
        training = kwargs.get("dropout", 0) > 0  # then the dropout masks match Keras's too
        _assert_all_close(ours(sequences, training=training), theirs(sequences, training=training))
    assert {k: v for k, v in ours.get_config().items() if k != "name"} == {
        k: v for k, v in theirs.get_config().items() if k != "name"
    }
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]


def test_conv_lstm3d_shapes_and_config_match_keras():
    kwargs = {
        "kernel_size": 2,
        "strides": (1, 2, 1),
        "return_sequences": True,
        "return_state": True,
    }
    ours, theirs = layers.ConvLSTM3D(3, **kwargs), keras.layers.ConvLSTM3D(3, **kwargs)
    assert ours.compute_output_shape((2, 5, 4, 6, 3, 2)) == theirs.compute_output_shape(
        (2, 5, 4, 6, 3, 2)
    )
    assert {k: v for k, v in ours.get_config().items() if k != "name"} == {
        k: v for k, v in theirs.get_config().items() if k != "name"
    }


def test_conv_lstm_errors_match_keras():
    for kwargs in (
        {"kernel_size": 3, "strides": 2, "dilation_rate": 2},
        {"kernel_size": (3, 3, 3)},
        {"kernel_size": 0},
        {"kernel_size": 3, "padding": "causal"},
    ):
        assert_same_error(
            lambda kwargs=kwargs: layers.ConvLSTM2D(2, **kwargs),
            lambda kwargs=kwargs: keras.layers.ConvLSTM2D(2, **kwargs),
        )
    sequences = np.ones((1, 2, 2, 2, 1), "float32")
    error_type, message = _raised(lambda: layers.ConvLSTM2D(2, 3)(sequences))
    assert error_type is ValueError
    assert message.startswith("Computed output size would be zero or negative.")
    assert_same_error(
        lambda: layers.ConvLSTM2D(2, 3).build((1, 2, None, 4, 1)),
        lambda: keras.layers.ConvLSTM2D(2, 3).build((1, 2, None, 4, 1)),
    )


def _raised(function):
    with pytest.raises(Exception) as info:
        function()
    return type(info.value), str(info.value)
