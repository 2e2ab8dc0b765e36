"""AutoContrast equals Keras 3 (it is deterministic, and active at inference too)."""

import keras
import numpy as np
import pytest

import kerasish

RNG = np.random.default_rng(0)


@pytest.mark.parametrize(
    "value_range, images",
    [
        ((0, 255), RNG.uniform(20, 200, (2, 5, 5, 3)).astype("float32")),
        ((1, 0), RNG.uniform(0.2, 0.7, (2, 5, 5, 3)).astype("float32")),
        ((0, 255), np.full((1, 3, 3, 1), 7.0, "float32")),  # constant: unchanged
        ((0, 255), RNG.integers(30, 100, (2, 4, 4, 3)).astype("uint8")),
        ((0, 255), RNG.uniform(20, 200, (5, 5, 3)).astype("float32")),  # one image
    ],
)
def test_matches_keras(value_range, images):
    ours = kerasish.layers.AutoContrast(value_range=value_range)
    theirs = keras.layers.AutoContrast(value_range=value_range)
    for training in (True, False):
        expected = np.asarray(theirs(images, training=training))
        result = np.asarray(ours(images, training=training))
        assert result.dtype == expected.dtype
        np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-4)
    config = {k: v for k, v in ours.get_config().items() if k != "name"}
    assert config == {k: v for k, v in theirs.get_config().items() if k != "name"}


def test_bad_value_range_is_the_keras_error():
    with pytest.raises(ValueError) as ours:
        kerasish.layers.AutoContrast(value_range=3)
    with pytest.raises(ValueError) as theirs:
        keras.layers.AutoContrast(value_range=3)
    assert str(ours.value) == str(theirs.value)
