"""`RandomCrop`: a random ``height x width`` window of the images in training."""

import jax
import jax.numpy as jnp

from kerasish import random
from kerasish.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from kerasish.layers.preprocessing.image.center_crop import crop_window
from kerasish.layers.preprocessing.image.resizing import resize, sized_output_shape
from kerasish.random.seed_generator import make_default_seed
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class RandomCrop(BaseImagePreprocessingLayer):
    """Crops a random ``(height, width)`` window in training, the same window for the whole
    batch (as Keras does).

    In training, an image not larger than the target along both axes gets Keras's
    deterministic window instead: the window starts at the corner of the centred box with the
    target's aspect ratio, and is resized (bilinear) to the target size when it does not fit.
    At inference the largest centred window with the target's aspect ratio is resized to
    ``(height, width)`` (what Keras documents; Keras 3.15 itself returns the images
    unchanged, whatever their size, contradicting its own output shape).

    Example:
    >>> layer = kerasish.layers.RandomCrop(2, 2, seed=0)
    >>> layer(jnp.ones((4, 5, 6, 3)), training=True).shape
    (4, 2, 2, 3)
    >>> layer.transform_images(jnp.arange(9.0).reshape(1, 3, 3, 1), (1, 0))[0, :, :, 0].tolist()
    [[3.0, 4.0], [6.0, 7.0]]

    Arguments:
        height, width: the output size.
        seed: int seed of the layer's `SeedGenerator`; when None, the config records a
            random seed drawn at construction (as in Keras).
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Transformation: ``(top, left)``, the window's first row and column. Outputs have the
    compute dtype (float32 by default).
    """

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(name=name, data_format=data_format, **kwargs)
        self.height = height
        self.width = width
        self.seed = seed if seed is not None else make_default_seed()
        self.generator = random.SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        shape = jnp.shape(data)
        _, height, width = self._batch_height_width(shape)
        if training and height > self.height and width > self.width:
            seed = self._seed(seed)
            top = random.uniform((), 0, float(height - self.height + 1), seed=seed)
            left = random.uniform((), 0, float(width - self.width + 1), seed=seed)
            return top.astype("int32"), left.astype("int32")
        box_height = max(min(height, int(float(width * self.height) / self.width)), 1)
        box_width = max(min(width, int(float(height * self.width) / self.height)), 1)
        return int(float(height - box_height) / 2), int(float(width - box_width) / 2)

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        axes = self._height_width_axes()
        if images.ndim == 3:
            axes = tuple(axis - 1 for axis in axes)
        size = (self.height, self.width)
        if not training:
            if tuple(images.shape[axis] for axis in axes) == size:
                return images
            return resize(
                images, size=size, crop_to_aspect_ratio=True, data_format=self.data_format
            )
        top, left = transformation
        if isinstance(top, int) and isinstance(left, int):
            images = crop_window(images, top, left, self.height, self.width, axes)
        else:
            images = jax.lax.dynamic_slice_in_dim(images, top, self.height, axis=axes[0])
            images = jax.lax.dynamic_slice_in_dim(images, left, self.width, axis=axes[1])
        if tuple(images.shape[axis] for axis in axes) != size:
            images = resize(images, size=size, data_format=self.data_format)
            images = images.astype(self.compute_dtype)
        return images

    def compute_output_shape(self, input_shape):
        return sized_output_shape(input_shape, self.height, self.width, self._height_width_axes())

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "seed": self.seed})
        return config
