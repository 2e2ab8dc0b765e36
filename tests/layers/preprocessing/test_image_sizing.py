"""`Rescaling`, `Resizing`, `CenterCrop` vs Keras 3: outputs in both data formats, batched and
single images, integer inputs, aspect-ratio modes, configs and errors."""

import jax.numpy as jnp
import keras
import numpy as np
import pytest
from image_parity import NCHW, NHWC, check_image_layer, images, without_name

import kerasish
from kerasish import layers


def test_rescaling_contract():
    kwargs = {"scale": np.array([1.0, 0.5, 0.25], "float32"), "offset": 0.5}
    check_image_layer(
        "Rescaling", kwargs, (2, 4, 3), expected_output_shape=(2, 4, 3), supports_masking=True
    )
    x = images((2, 3))
    for kwargs in [{"scale": 1 / 255.0}, {"scale": 2.0, "offset": -1.0}]:
        ours, theirs = layers.Rescaling(**kwargs), keras.layers.Rescaling(**kwargs)
        np.testing.assert_allclose(ours(x), theirs(x), rtol=1e-6)
        assert without_name(ours.get_config()) == without_name(theirs.get_config())


def test_rescaling_integer_inputs_and_channels_first_scale():
    x = np.arange(2 * 3 * 2 * 2).reshape(2, 3, 2, 2).astype("uint8")
    ours = layers.Rescaling(1 / 255.0)(x)
    assert ours.dtype == jnp.float32
    np.testing.assert_allclose(ours, keras.layers.Rescaling(1 / 255.0)(x), rtol=1e-6)
    scale = np.array([1.0, 2.0, 3.0], "float32")
    previous = kerasish.config.image_data_format()
    kerasish.config.set_image_data_format("channels_first")
    keras.config.set_image_data_format("channels_first")
    try:
        ours = layers.Rescaling(scale)(x)
        theirs = keras.layers.Rescaling(scale)(x)
    finally:
        kerasish.config.set_image_data_format(previous)
        keras.config.set_image_data_format(previous)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape",
    [
        ({"height": 3, "width": 5}, NHWC, (2, 3, 5, 2)),
        (
            {
                "height": 4,
                "width": 6,
                "pad_to_aspect_ratio": True,
                "fill_value": 0.5,
                "interpolation": "nearest",
                "data_format": "channels_first",
            },
            NCHW,
            (2, 2, 4, 6),
        ),
    ],
)
def test_resizing_contract(kwargs, input_shape, output_shape):
    check_image_layer("Resizing", kwargs, input_shape, expected_output_shape=output_shape)


def test_resizing_options_match_keras():
    cases = [
        ({"height": 4, "width": 4, "interpolation": "bicubic", "antialias": True}, NHWC),
        ({"height": 4, "width": 4, "interpolation": "lanczos3"}, NHWC),
        ({"height": 4, "width": 6, "crop_to_aspect_ratio": True}, NHWC),
        ({"height": 6, "width": 2, "pad_to_aspect_ratio": True}, NHWC),
    ]
    for kwargs, shape in cases:
        x = images(shape)
        ours, theirs = layers.Resizing(**kwargs), keras.layers.Resizing(**kwargs)
        np.testing.assert_allclose(ours(x), theirs(x), rtol=1e-5, atol=1e-5, err_msg=f"{kwargs}")
        assert without_name(ours.get_config()) == without_name(theirs.get_config())


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_resizing_integer_images_keep_their_dtype_like_keras(interpolation):
    x = (images(NHWC, scale=255.0)).astype("uint8")
    ours = layers.Resizing(4, 3, interpolation=interpolation)(x)
    theirs = keras.layers.Resizing(4, 3, interpolation=interpolation)(x)
    assert ours.dtype == jnp.uint8
    np.testing.assert_array_equal(ours, theirs)


def test_resizing_symbolic_shapes():
    inputs = kerasish.Input((None, None, 3))
    assert layers.Resizing(8, 6)(inputs).shape == (None, 8, 6, 3)
    assert layers.Resizing(8, 6).compute_output_shape((10, 10, 3)) == (8, 6, 3)
    first = layers.Resizing(8, 6, data_format="channels_first")
    assert first.compute_output_shape((None, 3, None, None)) == (None, 3, 8, 6)


def test_resizing_both_aspect_ratio_modes_is_an_error():
    layer = layers.Resizing(2, 2, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="Only one of `pad_to_aspect_ratio` & `crop_to_aspect"):
        layer(np.ones((1, 4, 4, 1), "float32"))


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape",
    [
        ({"height": 2, "width": 3}, NHWC, (2, 2, 3, 2)),
        ({"height": 7, "width": 9, "data_format": "channels_first"}, NCHW, (2, 2, 7, 9)),
    ],
)
def test_center_crop_contract(kwargs, input_shape, output_shape):
    check_image_layer("CenterCrop", kwargs, input_shape, expected_output_shape=output_shape)


def test_single_images_and_other_sizes_match_keras():
    cases = [
        ("Resizing", {"height": 3, "width": 5, "data_format": "channels_first"}, NCHW[1:]),
        ("CenterCrop", {"height": 2, "width": 3}, NHWC[1:]),
        ("CenterCrop", {"height": 8, "width": 3}, NHWC),
    ]
    for cls, kwargs, shape in cases:
        x = images(shape)
        ours = getattr(layers, cls)(**kwargs)(x)
        theirs = getattr(keras.layers, cls)(**kwargs)(x)
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5, err_msg=f"{cls} {kwargs}")


def test_center_crop_casts_integer_images_and_checks_shapes():
    x = np.arange(36).reshape(1, 6, 6, 1).astype("int32")
    ours = layers.CenterCrop(2, 4)(x)
    assert ours.dtype == jnp.float32
    np.testing.assert_array_equal(ours, keras.layers.CenterCrop(2, 4)(x))
    for shape in [(2, 3), (1, 2, 3, 4, 5)]:
        message = "`input_shape` must be a non-nested tuple or list of rank-1 with size 3"
        with pytest.raises(ValueError, match=message):
            layers.CenterCrop(2, 2).compute_output_shape(shape)
    with pytest.raises(ValueError, match="Expected image tensor to have rank 3"):
        layers.CenterCrop(2, 2)(np.ones((4, 4), "float32"))
