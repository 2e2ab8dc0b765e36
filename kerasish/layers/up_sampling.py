"""`UpSampling1D`, `UpSampling2D`, `UpSampling3D`: repeat (or interpolate) along spatial axes."""

import jax.numpy as jnp

from kerasish import ops
from kerasish.backend import standardize_data_format
from kerasish.engine.input_spec import InputSpec
from kerasish.engine.layer import Layer
from kerasish.layers._spatial_arguments import spatial_axes, standardize_tuple
from kerasish.saving.serialization import keras_export


class _UpSampling(Layer):
    """Shared by the three layers: each spatial axis is repeated ``factor`` times."""

    def _factors(self):
        return self.size

    def _axes(self):
        return spatial_axes(getattr(self, "data_format", "channels_last"), len(self._factors()))

    def call(self, inputs):
        for axis, factor in zip(self._axes(), self._factors()):
            inputs = jnp.repeat(inputs, factor, axis=axis)
        return inputs

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        for axis, factor in zip(self._axes(), self._factors()):
            if output_shape[axis] is not None:
                output_shape[axis] *= factor
        return tuple(output_shape)

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        if hasattr(self, "data_format"):
            config["data_format"] = self.data_format
        return config


@keras_export("keras.layers")
class UpSampling1D(_UpSampling):
    """Repeats each step ``size`` times along axis 1.

    Example:
    >>> kerasish.layers.UpSampling1D(size=2)(jnp.array([[[1.0], [2.0]]])).tolist()
    [[[1.0], [1.0], [2.0], [2.0]]]

    Arguments:
        size: positive int, the repetition factor.

    Shapes: ``(batch, steps, features)`` -> ``(batch, steps * size, features)``.
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"Expected an integer value for `size`, got {type(size)}.")
        if size <= 0:
            raise ValueError(f"Argument `size` should be a positive integer. Received: size={size}")
        self.size = size
        self.input_spec = InputSpec(ndim=3)

    def _factors(self):
        return (self.size,)


@keras_export("keras.layers")
class UpSampling2D(_UpSampling):
    """Repeats rows and columns (``"nearest"``) or resizes images by an integer factor.

    Example:
    >>> kerasish.layers.UpSampling2D(size=(1, 2))(jnp.array([[[[1.0], [2.0]]]])).tolist()
    [[[[1.0], [1.0], [2.0], [2.0]]]]

    Arguments:
        size: an int or ``(height_factor, width_factor)``, positive.
        data_format: ``"channels_last"`` (default from `keras.config.image_data_format()`) or
            ``"channels_first"``.
        interpolation: ``"nearest"`` (repeats), or a resize method of
            `keras.ops.image.resize` (``"bilinear"``, ``"bicubic"``, ``"lanczos3"``,
            ``"lanczos5"``).

    Shapes: ``(batch, height, width, channels)`` -> ``(batch, height * height_factor,
    width * width_factor, channels)`` (channels first: ``(batch, channels, height, width)``).
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 2, "size")
        self.interpolation = interpolation.lower()
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        height_axis, width_axis = self._axes()
        new_size = (
            inputs.shape[height_axis] * self.size[0],
            inputs.shape[width_axis] * self.size[1],
        )
        return ops.image.resize(
            inputs, new_size, interpolation=self.interpolation, data_format=self.data_format
        )

    def get_config(self):
        config = super().get_config()
        config["interpolation"] = self.interpolation
        return config


@keras_export("keras.layers")
class UpSampling3D(_UpSampling):
    """Repeats each of the three spatial axes of volumes.

    Example:
    >>> kerasish.layers.UpSampling3D(size=2)(jnp.ones((1, 1, 2, 3, 4))).shape
    (1, 2, 4, 6, 4)

    Arguments:
        size: an int or three positive ints, the factors of ``dim1, dim2, dim3``.
        data_format: ``"channels_last"`` (default from `keras.config.image_data_format()`) or
            ``"channels_first"``.

    Shapes: ``(batch, dim1, dim2, dim3, channels)`` -> the same with each ``dim`` multiplied
    by its factor (channels first: ``(batch, channels, dim1, dim2, dim3)``).
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 3, "size")
        self.input_spec = InputSpec(ndim=5)
