"""`RandomHue` and `RandomSaturation`: random shifts of an RGB image's hue or saturation,
made in HSV space."""

import jax.numpy as jnp

from kerasish import ops, random
from kerasish.backend import epsilon
from kerasish.layers.preprocessing.image._pixels import rescale, sorted_value_range
from kerasish.layers.preprocessing.image.base import (
    PER_IMAGE_RANK_ERROR,
    BaseImagePreprocessingLayer,
)
from kerasish.saving.serialization import keras_export


class _HSVLayer(BaseImagePreprocessingLayer):
    """Draws one factor per image, and edits one HSV channel of the images with it."""

    _FACTOR_BOUNDS = (0, 1)
    _RANK_ERROR = PER_IMAGE_RANK_ERROR
    _HSV_CHANNEL = None

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    def _draw_factor(self, batch_size, seed):
        raise NotImplementedError

    def _edit_channel(self, channel, factor):
        raise NotImplementedError

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        return {"factor": self._draw_factor(jnp.shape(data)[0], self._seed(seed))}

    def _edit_hsv(self, images, factor):
        axis = -3 if self.data_format == "channels_first" else -1
        hsv = ops.image.rgb_to_hsv(images, data_format=self.data_format)
        channels = list(jnp.unstack(hsv, axis=axis))
        index = self._HSV_CHANNEL
        factor = jnp.reshape(factor, (-1, 1, 1)).astype(hsv.dtype)
        channels[index] = self._edit_channel(channels[index], factor)
        return ops.image.hsv_to_rgb(jnp.stack(channels, axis=axis), data_format=self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


@keras_export("keras.layers")
class RandomHue(_HSVLayer):
    """Rotates the hue of each RGB image by a random amount in training.

    The shift is ``±factor / 2`` of a full turn, with ``factor`` drawn from the ``factor``
    range and the sign drawn with even odds; the images are read in ``value_range``, edited in
    ``[0, 1]`` and mapped back. At inference the images are returned unchanged.

    Example:
    >>> layer = kerasish.layers.RandomHue(0.5, value_range=(0, 1))
    >>> red = jnp.array([[[[1.0, 0.0, 0.0]]]])
    >>> layer.transform_images(red, {"factor": jnp.array([1 / 3])}).round(4).tolist()
    [[[[0.0, 1.0, 0.0]]]]

    Arguments:
        factor: a number ``f`` (factors in ``[0, f]``) or a pair, in ``[0, 1]``.
        value_range: ``(low, high)`` of the pixel values.
        seed: int seed of the layer's `SeedGenerator`.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Transformation: ``{"factor": (batch,)}``, the signed hue shift in turns.
    """

    _HSV_CHANNEL = 0

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(factor, value_range, data_format=data_format, seed=seed, **kwargs)
        self.value_range = value_range

    def _draw_factor(self, batch_size, seed):
        sign = jnp.where(random.uniform((batch_size,), seed=seed) > 0.5, -1.0, 1.0)
        size = random.uniform(
            (batch_size,), minval=self.factor[0], maxval=self.factor[1], seed=seed
        )
        return sign * size * 0.5

    def _edit_channel(self, hue, shift):
        hue = hue + shift
        hue = jnp.where(hue > 1.0, hue - 1.0, hue)
        return jnp.where(hue < 0.0, hue + 1.0, hue)

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images)
        if not training:
            return images
        images = rescale(images.astype(self.compute_dtype), self.value_range, (0, 1))
        images = jnp.clip(self._edit_hsv(images, transformation["factor"]), 0, 1)
        return rescale(images, (0, 1), self.value_range).astype(self.compute_dtype)


@keras_export("keras.layers")
class RandomSaturation(_HSVLayer):
    """Scales the saturation of each RGB image by a random amount in training.

    A factor ``f`` drawn from the ``factor`` range multiplies the saturation by
    ``f / (1 - f)``: 0 gives gray, 0.5 leaves the image as it is, 1 saturates fully. As in
    Keras, the HSV conversion reads the pixel values as they are (images are expected in
    ``[0, 1]``) and the edited saturation is clipped to ``value_range``. At inference the
    images are returned unchanged.

    Example:
    >>> layer = kerasish.layers.RandomSaturation((0.0, 0.0), value_range=(0, 1))
    >>> images = jnp.array([[[[1.0, 0.0, 0.0]]]])
    >>> layer(images).tolist()  # factor 0: gray
    [[[[1.0, 1.0, 1.0]]]]

    Arguments:
        factor: a pair in ``[0, 1]``; a single number ``f`` gives Keras's range ``[-f, f]``.
        value_range: ``(low, high)`` of the pixel values.
        seed: int seed of the layer's `SeedGenerator`.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Transformation: ``{"factor": (batch,)}``, the saturation multipliers.
    """

    _HSV_CHANNEL = 1
    _FACTOR_BOUNDS = (-1, 1)  # as in Keras: a single ``f`` gives ``[-f, f]``

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(factor, value_range, data_format=data_format, seed=seed, **kwargs)
        self.value_range = sorted_value_range(value_range)

    def _draw_factor(self, batch_size, seed):
        factor = random.uniform(
            (batch_size,), minval=self.factor[0], maxval=self.factor[1], seed=seed
        )
        return factor / (1 - factor + epsilon())

    def _edit_channel(self, saturation, factor):
        return jnp.clip(saturation * factor, self.value_range[0], self.value_range[1])

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images)
        if not training:
            return images
        images = images.astype(self.compute_dtype)
        return self._edit_hsv(images, transformation["factor"])
