"""`RandomTranslation`: shifts each image by a random fraction of its height and width."""

import jax.numpy as jnp

from kerasish import random
from kerasish.layers.preprocessing.image import affine
from kerasish.layers.preprocessing.image.base import BaseImagePreprocessingLayer, factor_range
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class RandomTranslation(BaseImagePreprocessingLayer):
    """Shifts each image by random fractions of its size in training; unchanged at inference.

    Example:
    >>> layer = kerasish.layers.RandomTranslation(0.0, (0.25, 0.25), fill_mode="constant")
    >>> layer(jnp.arange(1.0, 5.0).reshape(1, 1, 4, 1), training=True)[0, 0, :, 0].tolist()
    [0.0, 1.0, 2.0, 3.0]

    Arguments:
        height_factor: a fraction ``f`` of the height (shifts in ``[-f, f] * height``, positive
            is down) or ``(lower, upper)``, in ``[-1, 1]``.
        width_factor: the same for the width (positive is right).
        fill_mode, interpolation, seed, fill_value, data_format: as for `RandomRotation`.

    Transformation: ``{"translations": (batch, 2) pixels (x, y), "input_shape"}``.
    """

    _USE_BASE_FACTOR = False
    _FACTOR_VALIDATION_ERROR = (
        "The `factor` argument should be a number (or a list of two numbers) in the range "
        "[-1.0, 1.0]. "
    )

    def __init__(
        self,
        height_factor,
        width_factor,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = factor_range(
            height_factor, "height_factor", self._FACTOR_VALIDATION_ERROR, lower_open=False
        )
        self.width_factor = width_factor
        self.width_lower, self.width_upper = factor_range(
            width_factor, "width_factor", self._FACTOR_VALIDATION_ERROR, lower_open=False
        )
        affine.check_fill_mode_and_interpolation(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = jnp.shape(data)
        batch_size, height, width = self._batch_height_width(shape)
        seed = self._seed(seed)
        height_translate = random.uniform(
            (batch_size, 1), minval=self.height_lower, maxval=self.height_upper, seed=seed
        )
        width_translate = random.uniform(
            (batch_size, 1), minval=self.width_lower, maxval=self.width_upper, seed=seed
        )
        translations = jnp.concatenate(
            [width_translate * width, height_translate * height], axis=1
        ).astype("float32")
        return {"translations": translations, "input_shape": shape}

    def _transform_images(self, images, transformation):
        return affine.warp(
            images,
            affine.translation_matrix(transformation["translations"]),
            self.interpolation,
            self.fill_mode,
            self.fill_value,
            self.data_format,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "height_factor": self.height_factor,
                "width_factor": self.width_factor,
                "fill_mode": self.fill_mode,
                "interpolation": self.interpolation,
                "seed": self.seed,
                "fill_value": self.fill_value,
            }
        )
        return config
