"""`RandomBrightness`: adds a random offset to every pixel of each image."""

import jax.numpy as jnp

from kerasish import random
from kerasish.layers.preprocessing.image.base import (
    PER_IMAGE_RANK_ERROR,
    BaseImagePreprocessingLayer,
    per_image_shape,
)
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class RandomBrightness(BaseImagePreprocessingLayer):
    """Shifts the brightness of each image by a random offset in training.

    The offset is ``delta * (high - low)`` of ``value_range``, with ``delta`` drawn from the
    ``factor`` range; the result is clipped to ``value_range``.

    Example:
    >>> layer = kerasish.layers.RandomBrightness(0.2, value_range=(0.0, 1.0))
    >>> images = jnp.array([[[[0.5], [0.9]]]])
    >>> layer.transform_images(images, {"rgb_delta": jnp.full((1, 1, 1, 1), 0.2)}).tolist()
    [[[[0.699999988079071], [1.0]]]]

    Arguments:
        factor: a number ``f`` (deltas in ``[-f, f]``) or ``(lower, upper)``, in ``[-1, 1]``.
        value_range: ``(low, high)`` of the pixel values (a list or tuple of two numbers).
        seed: int seed of the layer's `SeedGenerator`.

    Transformation: ``{"rgb_delta": (batch, 1, 1, 1)}`` in pixel units. At inference the
    images are unchanged (not even cast).
    """

    _RANK_ERROR = PER_IMAGE_RANK_ERROR
    _VALUE_RANGE_VALIDATION_ERROR = "The `value_range` argument should be a list of two numbers. "

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(factor=factor, **kwargs)
        self.seed = seed
        self.generator = random.SeedGenerator(seed)
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(
                self._VALUE_RANGE_VALIDATION_ERROR + f"Received: value_range={value_range}"
            )
        self.value_range = sorted(value_range)

    def get_random_transformation(self, data, training=True, seed=None):
        shape = per_image_shape(jnp.shape(data))
        if not training:
            return {"rgb_delta": jnp.zeros(shape)}
        delta = random.uniform(
            shape, minval=self.factor[0], maxval=self.factor[1], seed=self._seed(seed)
        )
        return {"rgb_delta": delta * (self.value_range[1] - self.value_range[0])}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images)
        if not training:
            return images
        images = images + jnp.asarray(transformation["rgb_delta"]).astype(images.dtype)
        return jnp.clip(images, self.value_range[0], self.value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
