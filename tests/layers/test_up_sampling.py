"""`UpSampling1D/2D/3D` vs Keras 3: nearest and interpolated resizing, shapes, errors."""

import keras
import numpy as np
import pytest
from layer_parity import check_layer, comparable_config, raised

import kerasish
from kerasish import layers


@pytest.mark.parametrize(
    "cls, kwargs, input_shape, output_shape",
    [
        ("UpSampling1D", {"size": 3}, (2, 3, 4), (2, 9, 4)),
        ("UpSampling2D", {"size": (1, 3)}, (2, 3, 4, 2), (2, 3, 12, 2)),
        ("UpSampling2D", {"size": 2, "data_format": "channels_first"}, (2, 2, 3, 4), (2, 2, 6, 8)),
        (
            "UpSampling3D",
            {"size": (1, 2, 3), "data_format": "channels_first"},
            (1, 2, 2, 3, 2),
            (1, 2, 2, 6, 6),
        ),
    ],
)
def test_up_sampling_contract(cls, kwargs, input_shape, output_shape):
    check_layer(
        getattr(layers, cls),
        kwargs,
        input_shape,
        expected_output_shape=output_shape,
        expected_num_trainable_weights=0,
    )


def test_up_sampling_defaults_and_interpolations_match_keras():
    x3, x4, x5 = (
        np.random.default_rng(0).random(s).astype("float32")
        for s in [(2, 3, 4), (2, 3, 4, 2), (1, 2, 3, 2, 2)]
    )
    cases = [
        ("UpSampling1D", {}, x3),
        ("UpSampling2D", {}, x4),
        ("UpSampling2D", {"size": (2, 3), "interpolation": "bilinear"}, x4),
        ("UpSampling2D", {"interpolation": "bilinear", "data_format": "channels_first"}, x4),
        ("UpSampling2D", {"size": 2, "interpolation": "bicubic"}, x4),
        ("UpSampling2D", {"interpolation": "Nearest", "data_format": "channels_first"}, x4),
        ("UpSampling3D", {}, x5),
    ]
    for cls, kwargs, x in cases:
        ours, theirs = getattr(layers, cls)(**kwargs), getattr(keras.layers, cls)(**kwargs)
        np.testing.assert_allclose(ours(x), theirs(x), rtol=1e-5, atol=1e-6, err_msg=f"{kwargs}")
        assert comparable_config(ours.get_config()) == comparable_config(theirs.get_config())


def test_up_sampling_output_shape_with_unknown_dims_matches_keras():
    cases = [
        ("UpSampling1D", {"size": 3}, (None, None, 3)),
        ("UpSampling2D", {"size": (2, 3)}, (None, None, 6, 3)),
        ("UpSampling2D", {"data_format": "channels_first"}, (None, 3, 5, None)),
        ("UpSampling3D", {"size": (1, 2, 3)}, (4, None, 3, 5, 2)),
    ]
    for cls, kwargs, input_shape in cases:
        ours = getattr(layers, cls)(**kwargs)
        theirs = getattr(keras.layers, cls)(**kwargs)
        assert tuple(ours.compute_output_shape(input_shape)) == tuple(
            theirs.compute_output_shape(input_shape)
        )
        symbolic = ours(kerasish.Input(batch_shape=input_shape))
        assert symbolic.shape == theirs(keras.Input(batch_shape=input_shape)).shape


def test_up_sampling_nearest_repeats_values():
    x = np.array([[[[1], [2]], [[3], [4]]]], "int32")
    ours = np.asarray(layers.UpSampling2D((2, 1))(x))
    np.testing.assert_array_equal(ours[0, :, :, 0], [[1, 2], [1, 2], [3, 4], [3, 4]])
    assert ours.dtype == np.int32


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        ("UpSampling1D", {"size": 0}),
        ("UpSampling1D", {"size": 1.5}),
        ("UpSampling1D", {"size": True}),
        ("UpSampling2D", {"size": (2, 0)}),
        ("UpSampling2D", {"size": (1, 2, 3)}),
        ("UpSampling2D", {"data_format": "nhwc"}),
        ("UpSampling3D", {"size": (2, 2)}),
        ("UpSampling3D", {"size": -1}),
    ],
)
def test_up_sampling_argument_errors_match_keras(cls, kwargs):
    assert raised(lambda: getattr(layers, cls)(**kwargs)) == raised(
        lambda: getattr(keras.layers, cls)(**kwargs)
    )
