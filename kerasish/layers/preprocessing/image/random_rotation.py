"""`RandomRotation`: rotates each image by a random angle about its centre."""

import jax.numpy as jnp

from kerasish import random
from kerasish.layers.preprocessing.image import affine
from kerasish.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class RandomRotation(BaseImagePreprocessingLayer):
    """Rotates each image by an angle drawn from ``factor * 2 pi`` in training.

    Example:
    >>> layer = kerasish.layers.RandomRotation(factor=(0.5, 0.5))  # always half a turn
    >>> image = jnp.arange(9.0).reshape(1, 3, 3, 1)
    >>> layer(image, training=True)[0, :, :, 0].round(4).tolist()
    [[8.0, 7.0, 6.0], [5.0, 4.0, 3.0], [2.0, 1.0, 0.0]]

    Arguments:
        factor: a fraction ``f`` of a full turn (angles in ``[-f, f] * 360`` degrees) or two
            fractions ``(lower, upper)``; positive angles turn counter-clockwise.
        fill_mode: ``"reflect"``, ``"wrap"``, ``"constant"`` or ``"nearest"``: how points
            outside the image are filled.
        interpolation: ``"bilinear"`` or ``"nearest"``.
        seed: int seed of the layer's `SeedGenerator`.
        fill_value: the value outside the image with ``fill_mode="constant"``.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Transformation: ``{"angle": degrees (batch,), "rotation_matrix": (batch, 8),
    "image_height", "image_width", "batch_size"}``. At inference the images are unchanged.
    """

    def __init__(
        self,
        factor,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        data_format=None,
        **kwargs,
    ):
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        self.seed = seed
        self.generator = random.SeedGenerator(seed)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value
        affine.check_fill_mode_and_interpolation(fill_mode, interpolation)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        batch_size, height, width = self._batch_height_width(jnp.shape(data))
        angle = random.uniform(
            (batch_size,),
            minval=self.factor[0] * 360.0,
            maxval=self.factor[1] * 360.0,
            seed=self._seed(seed),
        )
        return {
            "angle": angle,
            "rotation_matrix": affine.rotation_matrix(angle, height, width),
            "image_height": height,
            "image_width": width,
            "batch_size": batch_size,
        }

    def _transform_images(self, images, transformation):
        return affine.warp(
            images,
            transformation["rotation_matrix"],
            self.interpolation,
            self.fill_mode,
            self.fill_value,
            self.data_format,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "factor": self.factor,
                "fill_mode": self.fill_mode,
                "fill_value": self.fill_value,
                "interpolation": self.interpolation,
                "seed": self.seed,
            }
        )
        return config
