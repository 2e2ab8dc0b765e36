"""`ZeroPadding1D`, `ZeroPadding2D`, `ZeroPadding3D`: zeros added around the spatial axes."""

import jax.numpy as jnp

from kerasish.backend import standardize_data_format
from kerasish.engine.input_spec import InputSpec
from kerasish.engine.layer import Layer
from kerasish.layers._spatial_arguments import per_axis_pairs, spatial_axes, standardize_tuple
from kerasish.saving.serialization import keras_export


class _ZeroPadding(Layer):
    """Shared by the three padding layers: one ``(before, after)`` pair per spatial axis."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)

    def _pairs(self):
        return self.padding

    def _axes(self):
        return spatial_axes(self.data_format, len(self._pairs()))

    def call(self, inputs):
        widths = [(0, 0)] * inputs.ndim
        for axis, pair in zip(self._axes(), self._pairs()):
            widths[axis] = pair
        return jnp.pad(inputs, widths)

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        for axis, pair in zip(self._axes(), self._pairs()):
            if output_shape[axis] is not None:
                output_shape[axis] += sum(pair)
        return tuple(output_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config


@keras_export("keras.layers")
class ZeroPadding1D(_ZeroPadding):
    """Adds zeros at the start and end of the steps axis.

    Example:
    >>> kerasish.layers.ZeroPadding1D(padding=2)(jnp.ones((2, 3, 4))).shape
    (2, 7, 4)

    Arguments:
        padding: an int (both ends) or ``(left_pad, right_pad)``.
        data_format: ``"channels_last"`` (steps on axis 1; default from
            `keras.config.image_data_format()`) or ``"channels_first"`` (steps on axis 2).

    Shapes: ``(batch, steps, features)`` -> ``(batch, left_pad + steps + right_pad, features)``.
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.padding = standardize_tuple(padding, 2, "padding", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def _pairs(self):
        return (self.padding,)


@keras_export("keras.layers")
class ZeroPadding2D(_ZeroPadding):
    """Adds rows and columns of zeros around images.

    Example:
    >>> kerasish.layers.ZeroPadding2D(padding=((1, 0), (2, 1)))(jnp.ones((1, 2, 2, 3))).shape
    (1, 3, 5, 3)

    Arguments:
        padding: an int (every edge), ``(symmetric_height_pad, symmetric_width_pad)`` or
            ``((top_pad, bottom_pad), (left_pad, right_pad))``.
        data_format: ``"channels_last"`` (default from `keras.config.image_data_format()`) or
            ``"channels_first"``.

    Shapes: ``(batch, height, width, channels)`` -> ``(batch, padded_height, padded_width,
    channels)`` (channels first: ``(batch, channels, height, width)``).
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.padding = per_axis_pairs(
            padding,
            2,
            "padding",
            "`padding` should be either an int, a tuple of 2 ints (symmetric_height_crop, "
            "symmetric_width_crop), or a tuple of 2 tuples of 2 ints ((top_crop, bottom_crop), "
            f"(left_crop, right_crop)). Received: padding={padding}.",
            negative_int_allowed=True,
        )
        self.input_spec = InputSpec(ndim=4)


@keras_export("keras.layers")
class ZeroPadding3D(_ZeroPadding):
    """Adds zeros around the three spatial axes of volumes.

    Example:
    >>> kerasish.layers.ZeroPadding3D(padding=2)(jnp.ones((1, 1, 2, 3, 4))).shape
    (1, 5, 6, 7, 4)

    Arguments:
        padding: an int (every end), three ints (symmetric per axis) or three
            ``(before, after)`` pairs.
        data_format: ``"channels_last"`` (default from `keras.config.image_data_format()`) or
            ``"channels_first"``.

    Shapes: ``(batch, dim1, dim2, dim3, channels)`` -> the same with each ``dim`` padded
    (channels first: ``(batch, channels, dim1, dim2, dim3)``).
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.padding = per_axis_pairs(
            padding,
            3,
            "padding",
            "`padding` should be either an int, a tuple of 3 ints (symmetric_dim1_pad, "
            "symmetric_dim2_pad, symmetric_dim3_pad), or a tuple of 3 tuples of 2 ints "
            "((left_dim1_pad, right_dim1_pad), (left_dim2_pad, right_dim2_pad), "
            f"(left_dim3_pad, right_dim2_pad)). Received: padding={padding}.",
            negative_int_allowed=True,
        )
        self.input_spec = InputSpec(ndim=5)
