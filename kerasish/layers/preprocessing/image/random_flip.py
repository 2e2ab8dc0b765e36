"""`RandomFlip`: flips images horizontally and/or vertically, each image with probability 1/2."""

import jax.numpy as jnp

from kerasish import random
from kerasish.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from kerasish.saving.serialization import keras_export

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"


@keras_export("keras.layers")
class RandomFlip(BaseImagePreprocessingLayer):
    """Randomly flips each image in training; at inference returns the images unchanged.

    In ``"horizontal_and_vertical"`` mode one coin decides both flips (so an image is either
    rotated by 180 degrees or left as it is), as in Keras.

    Example:
    >>> layer = kerasish.layers.RandomFlip("horizontal", seed=0)
    >>> image = jnp.array([[[1.0], [2.0], [3.0]]])  # one 1x3 image
    >>> layer.transform_images(image[None], {"flips": jnp.array([[[[True]]]])})[0, 0].tolist()
    [[3.0], [2.0], [1.0]]

    Arguments:
        mode: ``"horizontal"``, ``"vertical"`` or ``"horizontal_and_vertical"``.
        seed: int seed of the layer's `SeedGenerator`.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Transformation: ``{"flips": bool (batch, 1, 1, 1), "input_shape": shape}``. Outputs have
    the compute dtype (float32 by default), as in Keras.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.seed = seed
        self.generator = random.SeedGenerator(seed)
        self.mode = mode

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = jnp.shape(data)
        flips_shape = (1, 1, 1) if len(shape) == 3 else (shape[0], 1, 1, 1)
        flips = random.uniform(flips_shape, seed=self._seed(seed)) <= 0.5
        return {"flips": flips, "input_shape": shape}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        if not training or transformation is None:
            return images
        flips = transformation["flips"]
        height_axis, width_axis = (-2, -1) if self.data_format == "channels_first" else (-3, -2)
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            images = jnp.where(flips, jnp.flip(images, axis=width_axis), images)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            images = jnp.where(flips, jnp.flip(images, axis=height_axis), images)
        return images

    def get_config(self):
        config = super().get_config()
        config.update({"seed": self.seed, "mode": self.mode})
        return config
