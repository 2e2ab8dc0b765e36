"""`Equalization`: histogram equalization of each channel."""

import functools

import jax
import jax.numpy as jnp

from kerasish.layers.preprocessing.image._pixels import sorted_value_range
from kerasish.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from kerasish.saving.serialization import keras_export


def _to_range(values, source, target):
    scale = (target[1] - target[0]) / (source[1] - source[0])
    return values * scale + (target[0] - source[0] * scale)


@keras_export("keras.layers")
class Equalization(BaseImagePreprocessingLayer):
    """Spreads the pixel values of each channel evenly over ``value_range`` in training.

    As in Keras, one histogram (of ``bins`` bins over ``[0, 255]``) is taken per channel over
    the whole batch, and every pixel of the channel is mapped through its cumulative
    distribution; a channel whose values all fall in one bin is left as it is. At inference
    the images are returned unchanged.

    Example:
    >>> layer = kerasish.layers.Equalization(value_range=(0, 255))
    >>> layer(jnp.array([[[10.0], [10.0], [20.0], [30.0]]])).ravel().tolist()
    [0.0, 0.0, 128.0, 255.0]

    Arguments:
        value_range: ``(low, high)`` of the pixel values.
        bins: the number of histogram bins.
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.bins = bins
        self.value_range = sorted_value_range(value_range)

    def transform_images(self, images, transformation=None, training=True):
        images = jnp.asarray(images)
        if not training:
            return images
        channel_axis = -3 if self.data_format == "channels_first" else -1
        return _equalize_channels(
            images.astype(self.compute_dtype), tuple(self.value_range), self.bins, channel_axis
        )

    def get_config(self):
        return {**super().get_config(), "bins": self.bins, "value_range": self.value_range}


def _equalize(channel, bins):
    """One channel (any shape) in ``[0, 255]``, equalized over all its values."""
    indices = jnp.clip(
        (channel.astype("float32") * (bins - 1) / 255.0).astype("int32"), 0, bins - 1
    )
    histogram = jnp.bincount(indices.ravel(), length=bins)
    cdf = jnp.cumsum(histogram)
    cdf_min = cdf[jnp.argmax(cdf > 0)]
    denominator = cdf[-1] - cdf_min
    denominator = jnp.where(denominator == 0, 1, denominator)
    table = jnp.clip(jnp.round((cdf - cdf_min) * 255 / denominator), 0, 255)
    lookup = jnp.clip(channel / 255.0 * (bins - 1), 0, bins - 1).astype("int32")
    equalized = jnp.take(table, lookup)
    return jnp.where(jnp.count_nonzero(histogram) <= 1, channel, equalized)


# Jitted as one program so that an eager call compiles once per image shape; under an outer
# `jax.jit` it is inlined.
@functools.partial(jax.jit, static_argnames=("value_range", "bins", "channel_axis"))
def _equalize_channels(images, value_range, bins, channel_axis):
    channels = _to_range(jnp.moveaxis(images, channel_axis, 0), value_range, (0, 255))
    equalized = jax.vmap(lambda channel: _equalize(channel, bins))(channels)
    equalized = _to_range(equalized, (0, 255), value_range)
    return jnp.moveaxis(equalized, 0, channel_axis).astype(images.dtype)
