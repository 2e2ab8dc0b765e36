"""`ZeroPadding1D/2D/3D` vs Keras 3: values, output shapes (None dims too), argument errors."""

import keras
import numpy as np
import pytest
from layer_parity import check_layer, comparable_config, raised

import kerasish
from kerasish import layers


@pytest.mark.parametrize(
    "cls, kwargs, input_shape, output_shape",
    [
        ("ZeroPadding1D", {"padding": (0, 2)}, (2, 3, 4), (2, 5, 4)),
        ("ZeroPadding1D", {"padding": 1, "data_format": "channels_first"}, (2, 3, 4), (2, 3, 6)),
        ("ZeroPadding2D", {"padding": ((1, 0), (2, 1))}, (2, 3, 4, 2), (2, 4, 7, 2)),
        (
            "ZeroPadding2D",
            {"padding": (2, (0, 1)), "data_format": "channels_first"},
            (2, 2, 3, 4),
            (2, 2, 7, 5),
        ),
        (
            "ZeroPadding3D",
            {"padding": (0, 1, (2, 0)), "data_format": "channels_first"},
            (1, 2, 2, 3, 4),
            (1, 2, 2, 5, 6),
        ),
    ],
)
def test_zero_padding_contract(cls, kwargs, input_shape, output_shape):
    check_layer(
        getattr(layers, cls),
        kwargs,
        input_shape,
        expected_output_shape=output_shape,
        expected_num_trainable_weights=0,
    )


def test_zero_padding_defaults_and_other_arguments_match_keras():
    x3, x4, x5 = (
        np.random.default_rng(0).random(s).astype("float32")
        for s in [(2, 3, 4), (2, 3, 4, 2), (1, 2, 3, 4, 2)]
    )
    cases = [
        ("ZeroPadding1D", {}, x3),
        ("ZeroPadding2D", {}, x4),
        ("ZeroPadding2D", {"padding": 2}, x4),
        ("ZeroPadding2D", {"padding": (1, 2)}, x4),
        ("ZeroPadding3D", {}, x5),
        ("ZeroPadding3D", {"padding": ((0, 1), 2, (1, 0))}, x5),
    ]
    for cls, kwargs, x in cases:
        ours, theirs = getattr(layers, cls)(**kwargs), getattr(keras.layers, cls)(**kwargs)
        np.testing.assert_array_equal(ours(x), theirs(x), err_msg=f"{cls} {kwargs}")
        assert comparable_config(ours.get_config()) == comparable_config(theirs.get_config())


def test_zero_padding_output_shape_with_unknown_dims_matches_keras():
    cases = [
        ("ZeroPadding1D", {"padding": (1, 2)}, (None, None, 3)),
        ("ZeroPadding2D", {"padding": ((1, 0), (2, 1))}, (None, None, 6, 3)),
        ("ZeroPadding2D", {"padding": 1, "data_format": "channels_first"}, (None, 3, 5, None)),
        ("ZeroPadding3D", {"padding": (1, 0, 2)}, (4, None, 3, 5, 2)),
    ]
    for cls, kwargs, input_shape in cases:
        ours = getattr(layers, cls)(**kwargs)
        theirs = getattr(keras.layers, cls)(**kwargs)
        assert ours.compute_output_shape(input_shape) == theirs.compute_output_shape(input_shape)
        symbolic = ours(kerasish.Input(batch_shape=input_shape))
        assert symbolic.shape == theirs(keras.Input(batch_shape=input_shape)).shape


def test_zero_padding_pads_with_zeros_and_keeps_dtype():
    x = np.arange(1, 5).reshape(1, 2, 2, 1).astype("int32")
    ours = np.asarray(layers.ZeroPadding2D(((1, 0), (0, 1)))(x))
    assert ours.dtype == np.int32
    np.testing.assert_array_equal(ours[0, :, :, 0], [[0, 0, 0], [1, 2, 0], [3, 4, 0]])


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        ("ZeroPadding1D", {"padding": -1}),
        ("ZeroPadding1D", {"padding": (1, 2, 3)}),
        ("ZeroPadding2D", {"padding": (1, 2, 3)}),
        ("ZeroPadding2D", {"padding": 1.5}),
        ("ZeroPadding2D", {"padding": ((1, 2, 3), 1)}),
        ("ZeroPadding2D", {"padding": (1, -2)}),
        ("ZeroPadding2D", {"data_format": "nhwc"}),
        ("ZeroPadding3D", {"padding": (1, 2)}),
        ("ZeroPadding3D", {"padding": 1.5}),
        ("ZeroPadding3D", {"padding": (1, 2, (3, -1))}),
    ],
)
def test_zero_padding_argument_errors_match_keras(cls, kwargs):
    assert raised(lambda: getattr(layers, cls)(**kwargs)) == raised(
        lambda: getattr(keras.layers, cls)(**kwargs)
    )
