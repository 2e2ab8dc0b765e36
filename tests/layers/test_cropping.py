"""`Cropping1D/2D/3D` vs Keras 3: values, output shapes (None dims too), argument errors."""

import keras
import numpy as np
import pytest
from layer_parity import assert_same_error, check_layer, comparable_config, raised

import kerasish
from kerasish import layers


@pytest.mark.parametrize(
    "cls, kwargs, input_shape, output_shape",
    [
        ("Cropping1D", {"cropping": (0, 2)}, (2, 5, 3), (2, 3, 3)),
        ("Cropping2D", {"cropping": ((1, 0), (2, 1))}, (2, 4, 5, 3), (2, 3, 2, 3)),
        (
            "Cropping2D",
            {"cropping": (1, (0, 2)), "data_format": "channels_first"},
            (2, 3, 4, 5),
            (2, 3, 2, 3),
        ),
        ("Cropping3D", {"cropping": ((0, 1), (2, 0), 1)}, (1, 3, 4, 5, 2), (1, 2, 2, 3, 2)),
        (
            "Cropping3D",
            {"cropping": (0, 1, (0, 2)), "data_format": "channels_first"},
            (1, 2, 3, 4, 5),
            (1, 2, 3, 2, 3),
        ),
    ],
)
def test_cropping_contract(cls, kwargs, input_shape, output_shape):
    check_layer(
        getattr(layers, cls),
        kwargs,
        input_shape,
        expected_output_shape=output_shape,
        expected_num_trainable_weights=0,
    )


def test_cropping_defaults_and_int_arguments_match_keras():
    x3, x4, x5 = (
        np.random.default_rng(0).random(s).astype("float32")
        for s in [(2, 5, 3), (2, 4, 5, 3), (1, 3, 4, 5, 2)]
    )
    cases = [
        ("Cropping1D", {}, x3),
        ("Cropping1D", {"cropping": 2}, x3),
        ("Cropping2D", {}, x4),
        ("Cropping2D", {"cropping": 1}, x4),
        ("Cropping2D", {"cropping": (1, 2)}, x4),
        ("Cropping3D", {}, x5),
        ("Cropping3D", {"cropping": (0, 1, 2)}, x5),
    ]
    for cls, kwargs, x in cases:
        ours, theirs = getattr(layers, cls)(**kwargs), getattr(keras.layers, cls)(**kwargs)
        np.testing.assert_array_equal(ours(x), theirs(x), err_msg=f"{cls} {kwargs}")
        assert comparable_config(ours.get_config()) == comparable_config(theirs.get_config())


def test_cropping_output_shape_with_unknown_dims_matches_keras():
    cases = [
        ("Cropping1D", {"cropping": (1, 2)}, (None, None, 3)),
        ("Cropping2D", {"cropping": ((1, 0), (2, 1))}, (None, None, 6, 3)),
        ("Cropping2D", {"cropping": 1, "data_format": "channels_first"}, (None, 3, 5, None)),
        ("Cropping3D", {"cropping": (1, 0, 2)}, (4, None, 3, 5, 2)),
    ]
    for cls, kwargs, input_shape in cases:
        ours = getattr(layers, cls)(**kwargs)
        theirs = getattr(keras.layers, cls)(**kwargs)
        assert ours.compute_output_shape(input_shape) == theirs.compute_output_shape(input_shape)
        symbolic = ours(kerasish.Input(batch_shape=input_shape))
        assert symbolic.shape == theirs(keras.Input(batch_shape=input_shape)).shape


def test_cropping_keeps_integer_values():
    x = np.arange(2 * 4 * 4 * 1).reshape(2, 4, 4, 1).astype("int32")
    ours = np.asarray(layers.Cropping2D(((1, 2), (0, 1)))(x))
    np.testing.assert_array_equal(ours, x[:, 1:2, 0:3])
    assert ours.dtype == np.int32


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        ("Cropping1D", {"cropping": -1}),
        ("Cropping1D", {"cropping": (1, 2, 3)}),
        ("Cropping1D", {"cropping": "a"}),
        ("Cropping2D", {"cropping": -1}),
        ("Cropping2D", {"cropping": (1, 2, 3)}),
        ("Cropping2D", {"cropping": 1.5}),
        ("Cropping2D", {"cropping": ((1, 2, 3), 1)}),
        ("Cropping2D", {"cropping": (1, -2)}),
        ("Cropping2D", {"data_format": "nhwc"}),
        ("Cropping3D", {"cropping": -2}),
        ("Cropping3D", {"cropping": (1, 2)}),
        ("Cropping3D", {"cropping": 1.5}),
        ("Cropping3D", {"cropping": (1, 2, (3, "x"))}),
    ],
)
def test_cropping_argument_errors_match_keras(cls, kwargs):
    assert raised(lambda: getattr(layers, cls)(**kwargs)) == raised(
        lambda: getattr(keras.layers, cls)(**kwargs)
    )


@pytest.mark.parametrize(
    "cls, kwargs, input_shape",
    [
        ("Cropping1D", {"cropping": (2, 3)}, (2, 5, 3)),
        ("Cropping2D", {"cropping": ((1, 1), (2, 3))}, (2, 4, 5, 3)),
        ("Cropping2D", {"cropping": 2, "data_format": "channels_first"}, (2, 3, 4, 5)),
        ("Cropping3D", {"cropping": (1, 2, 1)}, (1, 3, 4, 5, 2)),
    ],
)
def test_cropping_too_much_matches_keras(cls, kwargs, input_shape):
    x = np.ones(input_shape, "float32")
    assert_same_error(
        lambda: getattr(layers, cls)(**kwargs)(x), lambda: getattr(keras.layers, cls)(**kwargs)(x)
    )
    assert_same_error(
        lambda: getattr(layers, cls)(**kwargs).compute_output_shape(input_shape),
        lambda: getattr(keras.layers, cls)(**kwargs).compute_output_shape(input_shape),
    )


def test_cropping_input_rank_is_checked():
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        layers.Cropping2D(1)(np.ones((2, 5, 5), "float32"))
