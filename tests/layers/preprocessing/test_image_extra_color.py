"""Colour and tone layers vs Keras 3 (seeded calls equal Keras's, in training and at
inference), their contract, random properties and argument errors: RandomHue,
RandomSaturation, RandomColorDegeneration, RandomGrayscale, RandomInvert,
RandomPosterization, Solarization, RandomSharpness, RandomGaussianBlur, RandomColorJitter."""

import numpy as np
import pytest
from image_extra_cases import (
    assert_call_matches_keras,
    assert_random_properties,
    assert_same_error,
    images,
    run_docstring_examples,
)
from image_parity import check_image_layer

from kerasish import layers

RGB = images((3, 5, 4, 3))
RGB_255 = RGB * 255.0
RGB_FIRST = np.moveaxis(RGB_255, -1, 1)
RGB_UINT8 = RGB_255.astype("uint8")

CASES = [
    ("RandomHue", {"factor": 0.7, "value_range": (0, 1), "seed": 2}, RGB),
    ("RandomHue", {"factor": (0.2, 0.9), "seed": 2, "data_format": "channels_first"}, RGB_FIRST),
    ("RandomSaturation", {"factor": 0.7, "value_range": (0, 1), "seed": 2}, RGB),
    ("RandomSaturation", {"factor": (0.3, 0.9), "value_range": (1, 0), "seed": 5}, RGB[0]),
    ("RandomColorDegeneration", {"factor": 0.7, "value_range": (0, 1), "seed": 2}, RGB),
    ("RandomColorDegeneration", {"factor": (0.2, 0.9), "data_format": "channels_first", "seed": 1}, RGB_FIRST),
    ("RandomGrayscale", {"factor": 0.5, "seed": 3}, RGB),
    ("RandomGrayscale", {"factor": 0.5, "seed": 3}, RGB_UINT8),
    ("RandomGrayscale", {"factor": 1.0, "data_format": "channels_first"}, RGB_FIRST),
    ("RandomInvert", {"factor": 0.8, "value_range": (0, 1), "seed": 3}, RGB),
    ("RandomInvert", {"seed": 3}, RGB_UINT8[0]),
    ("RandomPosterization", {"factor": 5, "value_range": (0, 1), "seed": 2}, RGB),
    ("RandomPosterization", {"factor": (3, 3), "data_format": "channels_first"}, RGB_FIRST),
    ("RandomPosterization", {"factor": (2, 7), "seed": 2}, RGB_UINT8),
    ("Solarization", {"addition_factor": 0.3, "threshold_factor": (0.2, 0.8), "value_range": (0, 1), "seed": 2}, RGB),
    ("Solarization", {"threshold_factor": (0.0, 0.0)}, RGB_255),  # fixed: every pixel inverted
    ("Solarization", {"addition_factor": 0.5, "seed": 1}, RGB_UINT8),
    ("RandomSharpness", {"factor": 0.9, "value_range": (0, 1), "seed": 2}, RGB),
    ("RandomSharpness", {"factor": (0.1, 0.9), "seed": 2, "data_format": "channels_first"}, RGB_FIRST),
    ("RandomSharpness", {"factor": (0.2, 0.7), "seed": 2}, RGB_UINT8[0]),
    ("RandomGaussianBlur", {"factor": 0.8, "kernel_size": (3, 5), "sigma": (0.3, 0.9), "value_range": (0, 1), "seed": 2}, RGB),
    ("RandomGaussianBlur", {"seed": 4, "data_format": "channels_first"}, RGB_FIRST),
    ("RandomColorJitter", {"value_range": (0, 255), "brightness_factor": 0.2, "contrast_factor": 0.3, "saturation_factor": (0.3, 0.8), "hue_factor": 0.2, "seed": 3}, RGB_255),
    ("RandomColorJitter", {"value_range": (0, 1), "hue_factor": 0.1, "seed": 1}, RGB),
]  # fmt: skip


@pytest.mark.parametrize("cls, kwargs, x", CASES)
def test_seeded_calls_match_keras(cls, kwargs, x):
    trained = assert_call_matches_keras(cls, kwargs, x, training=True)
    assert trained.shape == x.shape
    assert_call_matches_keras(cls, kwargs, x, training=False)


def test_fixed_factors_are_deterministic():
    # Solarization with no threshold inverts every pixel; grayscale with probability 1.
    np.testing.assert_allclose(
        layers.Solarization(threshold_factor=(0.0, 0.0))(RGB_255), 255.0 - RGB_255, atol=1e-4
    )
    gray = np.asarray(layers.RandomGrayscale(factor=1.0)(RGB))
    expected = RGB @ np.array([0.2989, 0.5870, 0.1140], "float32")
    np.testing.assert_allclose(gray, np.repeat(expected[..., None], 3, -1), atol=1e-6)
    inverted = layers.RandomInvert(factor=(1.0, 1.0), value_range=(0, 1))(RGB)
    np.testing.assert_allclose(inverted, 1.0 - RGB, atol=1e-6)


@pytest.mark.parametrize(
    "cls, kwargs, value_range",
    [
        ("RandomHue", {"factor": 0.8, "value_range": (0, 255)}, (0, 255)),
        ("RandomSaturation", {"factor": (0.1, 0.9), "value_range": (0, 1)}, None),
        ("RandomColorDegeneration", {"factor": (0.1, 1.0), "value_range": (0, 255)}, (0, 255)),
        ("RandomGrayscale", {"factor": 0.5}, None),
        ("RandomInvert", {"factor": 0.5, "value_range": (0, 255)}, (0, 255)),
        ("RandomPosterization", {"factor": (1, 8), "value_range": (0, 255)}, (0, 255)),
        ("Solarization", {"addition_factor": 0.4, "threshold_factor": 0.9}, (0, 255)),
        ("RandomSharpness", {"factor": 1.0, "value_range": (0, 255)}, (0, 255)),
        ("RandomGaussianBlur", {"factor": 0.5, "sigma": (0.2, 1.0)}, (0, 255)),
    ],
)
def test_random_properties(cls, kwargs, value_range):
    x = images((8, 5, 4, 3), seed=1, scale=1.0 if cls == "RandomSaturation" else 255.0)
    assert_random_properties(
        lambda seed: getattr(layers, cls)(**kwargs, seed=seed), x, value_range=value_range
    )


@pytest.mark.parametrize(
    "cls, kwargs, training",
    [
        ("RandomHue", {"factor": 0.5, "value_range": (0, 1), "seed": 1}, True),
        ("RandomInvert", {"factor": 0.5, "seed": 1}, False),
        ("Solarization", {"addition_factor": 0.2, "seed": 1}, False),
        ("RandomSharpness", {"factor": 0.5, "seed": 1}, False),
    ],
)
def test_contract(cls, kwargs, training):
    check_image_layer(
        cls,
        kwargs,
        (2, 4, 4, 3),
        training=training,
        expected_output_shape=(2, 4, 4, 3),
        expected_num_seed_generators=1,
    )


def test_inference_keeps_integer_images_for_the_layers_keras_leaves_alone():
    for layer in (
        layers.RandomHue(0.5, seed=1),
        layers.RandomSaturation(0.5, seed=1),
        layers.RandomColorDegeneration(0.5, seed=1),
        layers.RandomGrayscale(seed=1),
        layers.RandomPosterization(4, seed=1),
    ):
        outputs = layer(RGB_UINT8, training=False)
        assert outputs.dtype == np.uint8
        np.testing.assert_array_equal(outputs, RGB_UINT8)


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        ("RandomHue", {"factor": 1.5}),
        ("RandomHue", {"factor": (0.1, 0.2, 0.3)}),
        ("RandomSaturation", {"factor": 0.5, "value_range": 1}),
        ("RandomColorDegeneration", {"factor": 0.5, "value_range": (0, 1, 2)}),
        ("RandomGrayscale", {"factor": 1.5}),
        ("RandomInvert", {"factor": -0.5}),
        ("RandomPosterization", {"factor": 9}),
        ("RandomPosterization", {"factor": 4, "value_range": "a"}),
        ("Solarization", {"addition_factor": 1.5}),
        ("Solarization", {"threshold_factor": (0.1, 0.2, 0.3)}),
        ("Solarization", {"threshold_factor": "a"}),
        ("RandomSharpness", {"factor": 2}),
        ("RandomGaussianBlur", {"kernel_size": 4}),
        ("RandomGaussianBlur", {"kernel_size": (3, 5, 7)}),
        ("RandomGaussianBlur", {"sigma": 2.0}),
    ],
)
def test_argument_errors_match_keras(cls, kwargs):
    assert_same_error(cls, kwargs)


def test_color_degeneration_wants_three_channels():
    layer = layers.RandomColorDegeneration(0.5)
    with pytest.raises(ValueError, match="Input images must have 3 channels"):
        layer.compute_output_shape((2, 4, 4, 1))


@pytest.mark.parametrize(
    "module", ["random_hsv", "color_mix", "tone", "blur_sharpen", "random_color_jitter"]
)
def test_docstring_examples(module):
    run_docstring_examples(f"image.{module}")
