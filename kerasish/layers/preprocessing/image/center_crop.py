"""`CenterCrop`: the central ``height x width`` window of each image."""

import jax.numpy as jnp

from kerasish.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from kerasish.layers.preprocessing.image.resizing import resize, sized_output_shape
from kerasish.saving.serialization import keras_export


def crop_window(images, top, left, height, width, height_width_axes):
    """``images[..., top:top + height, left:left + width, ...]`` on the given axes."""
    index = [slice(None)] * images.ndim
    height_axis, width_axis = height_width_axes
    index[height_axis] = slice(top, top + height)
    index[width_axis] = slice(left, left + width)
    return images[tuple(index)]


@keras_export("keras.layers")
class CenterCrop(BaseImagePreprocessingLayer):
    """Crops the centre of each image to ``(height, width)``, in training and inference.

    An image smaller than the target along either axis is instead cropped to the target's
    aspect ratio and resized (bilinear) to the target size, as Keras does.

    Example:
    >>> image = jnp.arange(16.0).reshape(1, 4, 4, 1)
    >>> kerasish.layers.CenterCrop(2, 2)(image)[0, :, :, 0].tolist()
    [[5.0, 6.0], [9.0, 10.0]]

    Arguments:
        height, width: the output size.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Outputs have the compute dtype (float32 by default).
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width

    def get_random_transformation(self, data, training=True, seed=None):
        return {"input_shape": jnp.shape(data)}

    def transform_images(self, images, transformation=None, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        _, height, width = self._batch_height_width(images.shape)
        if height >= self.height and width >= self.width:
            top, left = (height - self.height) // 2, (width - self.width) // 2
            axes = self._height_width_axes()
            if images.ndim == 3:
                axes = tuple(axis - 1 for axis in axes)
            return crop_window(images, top, left, self.height, self.width, axes)
        return resize(
            images,
            size=(self.height, self.width),
            crop_to_aspect_ratio=True,
            data_format=self.data_format,
        )

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4) or isinstance(input_shape[0], (list, tuple)):
            raise ValueError(
                "`input_shape` must be a non-nested tuple or list of rank-1 with size 3 "
                "(unbatched) or 4 (batched). "
            )
        return sized_output_shape(input_shape, self.height, self.width, self._height_width_axes())

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width})
        return config
