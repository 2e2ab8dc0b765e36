"""`Resizing`: resizes images to a fixed height and width."""

import jax
import jax.numpy as jnp

from kerasish import ops
from kerasish.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from kerasish.saving.serialization import keras_export


def sized_output_shape(input_shape, height, width, height_width_axes):
    """``input_shape`` (batched, or one image) with its height and width replaced."""
    output_shape = list(input_shape)
    offset = 1 if len(output_shape) == 3 else 0
    height_axis, width_axis = (axis - offset for axis in height_width_axes)
    output_shape[height_axis] = height
    output_shape[width_axis] = width
    return tuple(output_shape)


# Jitted as one program so that an eager call compiles once per image shape, not once per
# primitive of the resize; under an outer `jax.jit` it is inlined.
resize = jax.jit(
    ops.image.resize,
    static_argnames=(
        "size",
        "interpolation",
        "antialias",
        "crop_to_aspect_ratio",
        "pad_to_aspect_ratio",
        "fill_mode",
        "data_format",
    ),
)


@keras_export("keras.layers")
class Resizing(BaseImagePreprocessingLayer):
    """Resizes images to ``(height, width)``, in training and inference alike.

    Example:
    >>> kerasish.layers.Resizing(2, 3)(jnp.ones((4, 8, 8, 3))).shape
    (4, 2, 3, 3)

    Arguments:
        height, width: the output size.
        interpolation: ``"bilinear"``, ``"nearest"``, ``"bicubic"``, ``"lanczos3"`` or
            ``"lanczos5"`` (the methods of `keras.ops.image.resize` under the JAX backend).
        crop_to_aspect_ratio: crop the largest centred window with the target aspect ratio
            first, so the content is not distorted.
        pad_to_aspect_ratio: pad the image (with ``fill_value``) to the target aspect ratio
            first instead; at most one of the two may be True.
        fill_mode: ``"constant"`` (the only mode Keras supports for padding).
        fill_value: the padding value.
        antialias: low-pass filter when downsampling.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Integer images keep their dtype (values rounded and saturated, as in Keras).
    Transformation: ``(input_height, input_width)``, unused by the resize itself.
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        height,
        width,
        interpolation="bilinear",
        crop_to_aspect_ratio=False,
        pad_to_aspect_ratio=False,
        fill_mode="constant",
        fill_value=0.0,
        antialias=False,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)

    def get_random_transformation(self, data, training=True, seed=None):
        _, height, width = self._batch_height_width(jnp.shape(data))
        return height, width

    def transform_images(self, images, transformation=None, training=True):
        return resize(
            images,
            size=(self.height, self.width),
            interpolation=self.interpolation,
            antialias=self.antialias,
            crop_to_aspect_ratio=self.crop_to_aspect_ratio,
            pad_to_aspect_ratio=self.pad_to_aspect_ratio,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            data_format=self.data_format,
        )

    def compute_output_shape(self, input_shape):
        return sized_output_shape(input_shape, self.height, self.width, self._height_width_axes())

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "height": self.height,
                "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
                "fill_mode": self.fill_mode,
                "fill_value": self.fill_value,
                "antialias": self.antialias,
            }
        )
        return config
