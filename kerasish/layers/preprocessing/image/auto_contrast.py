"""`AutoContrast`: stretches each image channel to the full value range."""

import jax.numpy as jnp

from kerasish.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from kerasish.saving.serialization import keras_export

_VALUE_RANGE_ERROR = "The `value_range` argument should be a list of two numbers. "


@keras_export("keras.layers")
class AutoContrast(BaseImagePreprocessingLayer):
    """Maps each image channel's lowest value to the bottom of ``value_range`` and its highest
    to the top (linearly), in training and at inference alike, as Keras 3 does. A constant
    channel (no range to stretch) is returned unchanged.

    Example:
    >>> layer = kerasish.layers.AutoContrast(value_range=(0, 1))
    >>> layer(jnp.array([[[0.2], [0.6]]])).tolist()
    [[[0.0], [1.0]]]

    Arguments:
        value_range: ``(low, high)`` of the pixel values.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(_VALUE_RANGE_ERROR + f"Received: value_range={value_range}")
        self.value_range = sorted(value_range)

    def transform_images(self, images, transformation=None, training=True):
        original = images = jnp.asarray(images).astype(self.compute_dtype)  # as Keras: ints too
        low_value, high_value = self.value_range
        to_255 = 255.0 / (high_value - low_value)
        if self.value_range != [0, 255]:
            images = (images - low_value) * to_255
        low = jnp.min(images, axis=(1, 2), keepdims=True)
        high = jnp.max(images, axis=(1, 2), keepdims=True)
        scale = 255.0 / (high - low)
        stretched = jnp.clip(images * scale - low * scale, 0.0, 255.0)
        if self.value_range != [0, 255]:
            stretched = stretched / to_255 + low_value
        # A constant channel divides by zero: keep what was there.
        return jnp.where(jnp.isnan(stretched), original, stretched)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range}
