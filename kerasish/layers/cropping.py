"""`Cropping1D`, `Cropping2D`, `Cropping3D`: trim the ends of the spatial axes."""

from kerasish.backend import standardize_data_format
from kerasish.engine.input_spec import InputSpec
from kerasish.engine.layer import Layer
from kerasish.layers._spatial_arguments import per_axis_pairs, spatial_axes, standardize_tuple
from kerasish.saving.serialization import keras_export


def _crop(inputs, axes, cropping):
    index = [slice(None)] * inputs.ndim
    for axis, (before, after) in zip(axes, cropping):
        index[axis] = slice(before, inputs.shape[axis] - after)
    return inputs[tuple(index)]


class _Cropping(Layer):
    """Shared by the three cropping layers: one ``(start, end)`` pair per spatial axis."""

    def _pairs(self):
        return self.cropping

    def _axes(self):
        return spatial_axes(getattr(self, "data_format", "channels_last"), len(self._pairs()))

    def _check(self, shape, shape_name):
        for axis, pair in zip(self._axes(), self._pairs()):
            if shape[axis] is not None and sum(pair) >= shape[axis]:
                raise ValueError(
                    "Values in `cropping` argument should be smaller than the corresponding "
                    f"spatial dimension of the input. Received: {shape_name}={shape}, "
                    f"cropping={self.cropping}"
                )

    def call(self, inputs):
        self._check(inputs.shape, "inputs.shape")
        return _crop(inputs, self._axes(), self._pairs())

    def compute_output_shape(self, input_shape):
        self._check(input_shape, "input_shape")
        output_shape = list(input_shape)
        for axis, pair in zip(self._axes(), self._pairs()):
            if output_shape[axis] is not None:
                output_shape[axis] -= sum(pair)
        return tuple(output_shape)

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        if hasattr(self, "data_format"):
            config["data_format"] = self.data_format
        return config


@keras_export("keras.layers")
class Cropping1D(_Cropping):
    """Trims ``cropping`` steps off the start and end of axis 1 of ``(batch, steps, features)``.

    Example:
    >>> x = jnp.arange(12.0).reshape(2, 3, 2)
    >>> kerasish.layers.Cropping1D(cropping=1)(x).tolist()
    [[[2.0, 3.0]], [[8.0, 9.0]]]

    Arguments:
        cropping: an int (both ends) or ``(start, end)``.

    Shapes: ``(batch, steps, features)`` -> ``(batch, steps - start - end, features)``.
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = standardize_tuple(cropping, 2, "cropping", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def _pairs(self):
        return (self.cropping,)

    def _check(self, shape, shape_name):
        if shape[1] is not None and sum(self.cropping) >= shape[1]:
            raise ValueError(
                "`cropping` parameter of `Cropping1D` layer must be smaller than the input "
                f"length. Received: {shape_name}={shape}, cropping={self.cropping}"
            )


@keras_export("keras.layers")
class Cropping2D(_Cropping):
    """Trims rows and columns off the edges of images.

    Example:
    >>> layer = kerasish.layers.Cropping2D(cropping=((2, 2), (4, 4)))
    >>> layer(jnp.ones((2, 28, 28, 3))).shape
    (2, 24, 20, 3)

    Arguments:
        cropping: an int (every edge), ``(symmetric_height_crop, symmetric_width_crop)`` or
            ``((top_crop, bottom_crop), (left_crop, right_crop))``.
        data_format: ``"channels_last"`` (default from `keras.config.image_data_format()`) or
            ``"channels_first"``.

    Shapes: ``(batch, height, width, channels)`` -> ``(batch, cropped_height, cropped_width,
    channels)`` (channels first: ``(batch, channels, height, width)``).
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.cropping = per_axis_pairs(
            cropping,
            2,
            "cropping",
            "`cropping` should be either an int, a tuple of 2 ints (symmetric_height_crop, "
            "symmetric_width_crop), or a tuple of 2 tuples of 2 ints ((top_crop, bottom_crop), "
            f"(left_crop, right_crop)). Received: cropping={cropping}.",
            negative_int_allowed=False,
        )
        self.input_spec = InputSpec(ndim=4)


@keras_export("keras.layers")
class Cropping3D(_Cropping):
    """Trims the ends of the three spatial axes of volumes.

    Example:
    >>> kerasish.layers.Cropping3D(cropping=(2, 4, 2))(jnp.ones((2, 28, 28, 10, 3))).shape
    (2, 24, 20, 6, 3)

    Arguments:
        cropping: an int (every end), three ints (symmetric per axis) or three
            ``(start, end)`` pairs.
        data_format: ``"channels_last"`` (default from `keras.config.image_data_format()`) or
            ``"channels_first"``.

    Shapes: ``(batch, dim1, dim2, dim3, channels)`` -> the same with each ``dim`` cropped
    (channels first: ``(batch, channels, dim1, dim2, dim3)``).
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.cropping = per_axis_pairs(
            cropping,
            3,
            "cropping",
            "`cropping` should be either an int, a tuple of 3 ints (symmetric_dim1_crop, "
            "symmetric_dim2_crop, symmetric_dim3_crop), or a tuple of 3 tuples of 2 ints "
            "((left_dim1_crop, right_dim1_crop), (left_dim2_crop, right_dim2_crop), "
            f"(left_dim3_crop, right_dim2_crop)). Received: {cropping}.",
            negative_int_allowed=False,
        )
        self.input_spec = InputSpec(ndim=5)
