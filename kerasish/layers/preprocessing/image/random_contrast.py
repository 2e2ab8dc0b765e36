"""`RandomContrast`: scales each image's deviation from its mean by a random factor."""

import jax.numpy as jnp

from kerasish import random
from kerasish.layers.preprocessing.image.base import (
    PER_IMAGE_RANK_ERROR,
    BaseImagePreprocessingLayer,
    per_image_shape,
)
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class RandomContrast(BaseImagePreprocessingLayer):
    """Adjusts the contrast of each image by a random factor in training.

    Each channel of an image becomes ``(x - mean) * contrast_factor + mean`` (the mean over
    its height and width), clipped to ``value_range``. As in Keras 3.15, a single number
    ``factor=f`` gives the range ``(0, f)``, so factors are drawn from ``[1, 1 + f]``; pass
    ``(lower, upper)`` for ``[1 - lower, 1 + upper]``.

    Example:
    >>> layer = kerasish.layers.RandomContrast(0.5, value_range=(0, 1))
    >>> images = jnp.array([[[[0.2], [0.6]]]])
    >>> layer.transform_images(images, {"contrast_factor": jnp.full((1, 1, 1, 1), 2.0)}).tolist()
    [[[[0.0], [0.8000000715255737]]]]

    Arguments:
        factor: a number or two numbers in ``[0, 1]``.
        value_range: ``(low, high)`` of the pixel values; outputs are clipped to it.
        seed: int seed of the layer's `SeedGenerator`.

    Transformation: ``{"contrast_factor": (batch, 1, 1, 1)}``. At inference the images are
    unchanged (not even cast).
    """

    _FACTOR_BOUNDS = (0, 1)
    _RANK_ERROR = PER_IMAGE_RANK_ERROR

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        shape = per_image_shape(jnp.shape(data))
        if not training:
            return {"contrast_factor": jnp.zeros(shape)}
        factor = random.uniform(
            shape,
            minval=1.0 - self.factor[0],
            maxval=1.0 + self.factor[1],
            dtype=self.compute_dtype,
            seed=self._seed(seed),
        )
        return {"contrast_factor": factor}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images)
        if not training:
            return images
        height_axis, width_axis = (-2, -1) if self.data_format == "channels_first" else (-3, -2)
        mean = jnp.mean(images, axis=height_axis, keepdims=True)
        mean = jnp.mean(mean, axis=width_axis, keepdims=True)
        outputs = (images - mean) * transformation["contrast_factor"] + mean
        return jnp.clip(outputs, self.value_range[0], self.value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
