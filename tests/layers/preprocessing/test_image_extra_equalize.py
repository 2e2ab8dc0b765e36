"""Equalization and ContrastLimitedAdaptiveHistogramEqualization (deterministic) equal Keras 3
for float and integer images, both layouts, single images and constant channels; the jitted
pure apply equals the eager call."""

import numpy as np
import pytest
from image_extra_cases import assert_call_matches_keras, images, run_docstring_examples
from image_parity import check_image_layer

from kerasish import layers

X = images((2, 9, 7, 3))
CLAHE = "ContrastLimitedAdaptiveHistogramEqualization"


@pytest.mark.parametrize(
    "cls, kwargs, x",
    [
        ("Equalization", {"value_range": (0, 1)}, X),
        ("Equalization", {"bins": 16, "data_format": "channels_first"}, np.moveaxis(X, -1, 1) * 200 + 20),
        ("Equalization", {}, (X * 100).astype("uint8")[0]),
        (CLAHE, {"value_range": (1, 0), "tile_grid_size": (2, 3)}, X),
        (CLAHE, {"clip_limit": 0.0, "tile_grid_size": (3, 3)}, X * 255),
        (CLAHE, {"data_format": "channels_first", "clip_limit": 2.0, "tile_grid_size": (2, 2)}, np.moveaxis((X * 100).astype("uint8")[0], -1, 0)),
    ],
)  # fmt: skip
def test_matches_keras(cls, kwargs, x):
    outputs = assert_call_matches_keras(cls, kwargs, x, training=True)
    at_inference = getattr(layers, cls)(**kwargs)(x, training=False)
    # As in Keras, Equalization is identity at inference; CLAHE applies in both modes.
    np.testing.assert_array_equal(at_inference, x if cls == "Equalization" else outputs)


def test_equalization_uses_one_histogram_per_channel_over_the_batch():
    # Two images with disjoint values: equalized together, they span the range jointly.
    x = np.concatenate([np.full((1, 2, 2, 1), 10.0), np.full((1, 2, 2, 1), 200.0)]).astype(
        "float32"
    )
    outputs = np.asarray(layers.Equalization()(x))
    np.testing.assert_array_equal(outputs[0], 0.0)
    np.testing.assert_array_equal(outputs[1], 255.0)
    np.testing.assert_array_equal(layers.Equalization()(x[:1]), x[:1])  # one bin: unchanged
    constant = layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(1, 1))
    assert np.ptp(np.asarray(constant(x[:1]))) == 0


def test_clahe_applies_at_inference_and_keeps_the_dtype():
    x = (X * 255).astype("uint8")
    layer = layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2))
    outputs = layer(x, training=False)
    assert outputs.dtype == np.uint8
    assert not np.array_equal(outputs, x)


@pytest.mark.parametrize(
    "cls, kwargs, training",
    [("Equalization", {"bins": 32}, True), (CLAHE, {"tile_grid_size": (2, 2)}, False)],
)
def test_contract(cls, kwargs, training):
    check_image_layer(
        cls, kwargs, (2, 4, 4, 3), training=training, expected_output_shape=(2, 4, 4, 3)
    )


def test_equalization_value_range_error():
    # Keras 3.15 fails here with an AttributeError (its message constant is missing); we raise
    # the ValueError its sibling layers raise.
    with pytest.raises(
        ValueError, match=r"should be a list of two numbers. Received: value_range=3"
    ):
        layers.Equalization(value_range=3)


@pytest.mark.parametrize("module", ["equalization", "clahe"])
def test_docstring_examples(module):
    run_docstring_examples(f"image.{module}")
