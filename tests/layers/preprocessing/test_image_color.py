"""`RandomContrast` and `RandomBrightness` vs Keras 3: the transform given Keras's random
factors, ranges of the draws, identity at inference, value ranges and argument errors."""

import jax.numpy as jnp
import keras
import numpy as np
import pytest
from image_parity import (
    NHWC,
    assert_transform_matches_keras,
    batch_shape,
    check_image_layer,
    draw,
    images,
    raised,
)

from kerasish import layers


@pytest.mark.parametrize(
    "cls, kwargs, training",
    [
        ("RandomContrast", {"factor": (0.2, 0.4), "value_range": (0, 1), "seed": 1}, True),
        ("RandomBrightness", {"factor": 0.3, "data_format": "channels_first"}, False),
    ],
)
def test_color_layer_contract(cls, kwargs, training):
    check_image_layer(
        cls,
        kwargs,
        batch_shape(kwargs),
        training=training,
        expected_output_shape=batch_shape(kwargs),
        expected_num_seed_generators=1,
    )


@pytest.mark.parametrize(
    "cls, kwargs, scale",
    [
        ("RandomContrast", {"factor": (0.4, 0.9), "value_range": (0, 1)}, 1.0),
        ("RandomContrast", {"factor": 0.8, "data_format": "channels_first"}, 255.0),
        ("RandomBrightness", {"factor": (-0.6, 0.2), "value_range": (0.0, 1.0)}, 1.0),
    ],
)
def test_color_transform_matches_keras(cls, kwargs, scale):
    assert_transform_matches_keras(
        cls, kwargs, images(batch_shape(kwargs), scale=scale), tolerance=1e-4
    )


def test_contrast_factor_range_follows_keras():
    # A single number f gives Keras's range (0, f): factors in [1, 1 + f].
    layer = layers.RandomContrast(0.5, seed=1)
    assert layer.factor == keras.layers.RandomContrast(0.5).factor == (0, 0.5)
    factors = draw(layer, np.zeros((2000, 2, 2, 1)))["contrast_factor"]
    assert factors.shape == (2000, 1, 1, 1)
    assert 1.0 <= factors.min() < 1.02 and 1.48 < factors.max() <= 1.5
    pair = draw(layers.RandomContrast((0.3, 0.2), seed=1), np.zeros((2000, 2, 2, 1)))
    assert 0.8 <= pair["contrast_factor"].min() and pair["contrast_factor"].max() <= 1.3


def test_brightness_deltas_scale_with_the_value_range():
    layer = layers.RandomBrightness((-0.1, 0.3), value_range=(0, 255), seed=2)
    deltas = draw(layer, np.zeros((2000, 2, 2, 1)))["rgb_delta"]
    assert -25.5 <= deltas.min() < -24.0 and 75.0 < deltas.max() <= 76.5
    x = jnp.asarray(images((8, 3, 3, 1), scale=255.0))
    outputs = np.asarray(layer(x, training=True))
    assert outputs.min() >= 0.0 and outputs.max() <= 255.0
    shift = outputs - np.asarray(x)
    unclipped = (outputs > 0) & (outputs < 255)
    per_image = [np.unique(np.round(s[u], 3)) for s, u in zip(shift, unclipped)]
    assert all(len(values) == 1 for values in per_image)
    assert len({float(values[0]) for values in per_image}) == 8


@pytest.mark.parametrize("cls", ["RandomContrast", "RandomBrightness"])
def test_color_inference_returns_the_inputs_unchanged(cls):
    x = (images(NHWC) * 255).astype("uint8")
    ours = getattr(layers, cls)(0.5, seed=0)(x, training=False)
    theirs = getattr(keras.layers, cls)(0.5, seed=0)(x, training=False)
    assert ours.dtype == theirs.dtype == np.uint8
    np.testing.assert_array_equal(ours, x)
    with pytest.raises(ValueError, match="Expected the input image to be rank 3 or 4"):
        getattr(layers, cls)(0.5)(np.ones((2, 3), "float32"))


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        ("RandomContrast", {"factor": 1.5}),
        ("RandomContrast", {"factor": -0.2}),
        ("RandomContrast", {"factor": (0.1, 0.2, 0.3)}),
        ("RandomBrightness", {"factor": -1.5}),
        ("RandomBrightness", {"factor": "a"}),
        ("RandomBrightness", {"factor": 0.2, "value_range": 255}),
        ("RandomBrightness", {"factor": 0.2, "value_range": (0, 1, 2)}),
        ("RandomFlip", {"factor": 0.2}),
    ],
)
def test_color_argument_errors_match_keras(cls, kwargs):
    assert raised(lambda: getattr(layers, cls)(**kwargs)) == raised(
        lambda: getattr(keras.layers, cls)(**kwargs)
    )
