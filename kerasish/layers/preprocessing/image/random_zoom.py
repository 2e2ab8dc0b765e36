"""`RandomZoom`: zooms each image in or out by a random factor about its centre."""

import jax.numpy as jnp

from kerasish import random
from kerasish.layers.preprocessing.image import affine
from kerasish.layers.preprocessing.image.base import BaseImagePreprocessingLayer, factor_range
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class RandomZoom(BaseImagePreprocessingLayer):
    """Zooms each image by a random factor in training; at inference returns it unchanged.

    A positive factor zooms out (the content shrinks, the border is filled), a negative one
    zooms in: ``height_factor=(-0.3, -0.3)`` enlarges the content by 30 %.

    Example:
    >>> layer = kerasish.layers.RandomZoom(height_factor=(-0.5, -0.5), fill_mode="constant")
    >>> layer.transform_images(jnp.ones((1, 4, 4, 1)), {"height_zoom": jnp.array([[0.5]]),
    ...     "width_zoom": jnp.array([[0.5]])}).shape
    (1, 4, 4, 1)

    Arguments:
        height_factor: a number ``f`` (zoom ``1 + [-f, f]``) or ``(lower, upper)``, in
            ``(-1, 1]``.
        width_factor: the same for the width; None (default) zooms both axes by the
            height's factor, keeping the aspect ratio.
        fill_mode, interpolation, seed, fill_value, data_format: as for `RandomRotation`.

    Transformation: ``{"height_zoom": (batch, 1), "width_zoom": (batch, 1), "input_shape"}``,
    the scale of the area read (above 1: zoom out).
    """

    _USE_BASE_FACTOR = False
    _FACTOR_VALIDATION_ERROR = (
        "The `height_factor` and `width_factor` arguments should be a number (or a list of two "
        "numbers) in the range (-1.0, 1.0]. "
    )

    def __init__(
        self,
        height_factor,
        width_factor=None,
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
            height_factor, "height_factor", self._FACTOR_VALIDATION_ERROR, lower_open=True
        )
        self.width_factor = width_factor
        if width_factor is not None:
            self.width_lower, self.width_upper = factor_range(
                width_factor, "width_factor", self._FACTOR_VALIDATION_ERROR, lower_open=True
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
        batch_size, _, _ = self._batch_height_width(shape)
        seed = self._seed(seed)
        height_zoom = random.uniform(
            (batch_size, 1),
            minval=1.0 + self.height_lower,
            maxval=1.0 + self.height_upper,
            seed=seed,
        )
        width_zoom = height_zoom
        if self.width_factor is not None:
            width_zoom = random.uniform(
                (batch_size, 1),
                minval=1.0 + self.width_lower,
                maxval=1.0 + self.width_upper,
                seed=seed,
            )
        return {"height_zoom": height_zoom, "width_zoom": width_zoom, "input_shape": shape}

    def _transform_images(self, images, transformation):
        _, height, width = self._batch_height_width(images.shape)
        zooms = jnp.concatenate(
            [transformation["width_zoom"], transformation["height_zoom"]], axis=1
        ).astype("float32")
        return affine.warp(
            images,
            affine.zoom_matrix(zooms, height, width),
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
