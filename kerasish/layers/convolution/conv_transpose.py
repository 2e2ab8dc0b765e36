"""`Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose`: transposed convolutions."""

from kerasish import ops
from kerasish.layers.convolution.arguments import (
    check_strictly_positive,
    spatial_axes,
    standardize_tuple,
    transposed_length,
    with_channels,
)
from kerasish.layers.convolution.base_conv import BaseConvolution
from kerasish.saving.serialization import keras_export


class BaseConvTranspose(BaseConvolution):
    """The gradient of a convolution with respect to its input, as a layer (a "deconvolution").

    Arguments:
        filters: positive int, the number of output channels.
        output_padding: None, or an int or ``rank`` ints, each below the matching stride: extra
            positions added at the end of each spatial axis. None lets Keras's rule choose
            (``input * strides`` positions for ``"same"``).
        kernel_size, strides, padding (``"valid"`` or ``"same"``), data_format,
        dilation_rate, activation, use_bias, kernel_initializer, bias_initializer,
        kernel_regularizer, bias_regularizer, activity_regularizer, kernel_constraint,
        bias_constraint: as in `BaseConv`.

    Shapes: ``(batch, *spatial, channels)`` (channels_last) -> ``(batch, *new_spatial,
    filters)``; with ``"valid"`` padding and no ``output_padding`` each new length is
    ``(length - 1) * stride + max(kernel_span, stride)``. Weights ``kernel (*kernel_size,
    filters, channels)`` (out before in, as in Keras), ``bias (filters,)``.
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(
            kernel_size,
            strides,
            padding,
            data_format,
            dilation_rate,
            activation,
            use_bias,
            bias_initializer,
            bias_regularizer,
            activity_regularizer,
            bias_constraint,
            **kwargs,
        )
        self.filters = filters
        self.output_padding = (
            None
            if output_padding is None
            else standardize_tuple(output_padding, self.rank, "output_padding", allow_zero=True)
        )
        self._weight_arguments("kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        check_strictly_positive("filters", filters)
        for index, (extra, stride) in enumerate(zip(self.output_padding or (), self.strides)):
            if extra >= stride:
                raise ValueError(
                    "`output_padding` must be strictly less than `strides` for all dimensions. "
                    f"At dimension {index}, `output_padding` is {extra} but `strides` is "
                    f"{stride}. Received: output_padding={self.output_padding}, "
                    f"strides={self.strides}"
                )
        self._check_strides_with_dilation()

    def build(self, input_shape):
        self._pin_input_channels(input_shape)
        kernel_shape = (*self.kernel_size, self.filters, self._input_channels(input_shape))
        self.kernel = self._add_weight_for("kernel", "kernel", kernel_shape)
        self._add_bias(self.filters)

    def call(self, inputs):
        outputs = ops.conv_transpose(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            output_padding=self.output_padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._bias_and_activation(outputs)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        extras = self.output_padding or (None,) * self.rank
        spatial = [
            transposed_length(input_shape[axis], kernel, stride, self.padding, extra, dilation)
            for axis, kernel, stride, extra, dilation in zip(
                spatial_axes(self.data_format, self.rank),
                self.kernel_size,
                self.strides,
                extras,
                self.dilation_rate,
            )
        ]
        return with_channels(input_shape[0], spatial, self.filters, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "output_padding": self.output_padding,
                **self._weight_config("kernel"),
            }
        )
        return config


@keras_export("keras.layers")
class Conv1DTranspose(BaseConvTranspose):
    """1D transposed convolution over ``(batch, steps, channels)``.

    Example:
    >>> layer = kerasish.layers.Conv1DTranspose(4, 3, 2, activation="relu")
    >>> layer(jnp.ones((2, 10, 3))).shape
    (2, 21, 4)

    Arguments as in `BaseConvTranspose`.
    """

    rank = 1


@keras_export("keras.layers")
class Conv2DTranspose(BaseConvTranspose):
    """2D transposed convolution over ``(batch, height, width, channels)`` images.

    Example:
    >>> layer = kerasish.layers.Conv2DTranspose(4, 2, 2, activation="relu")
    >>> layer(jnp.ones((2, 5, 4, 3))).shape
    (2, 10, 8, 4)

    Arguments as in `BaseConvTranspose`.
    """

    rank = 2


@keras_export("keras.layers")
class Conv3DTranspose(BaseConvTranspose):
    """3D transposed convolution over ``(batch, depth, height, width, channels)`` volumes.

    Example:
    >>> layer = kerasish.layers.Conv3DTranspose(4, 2, 2, activation="relu")
    >>> layer(jnp.ones((2, 3, 2, 4, 3))).shape
    (2, 6, 4, 8, 4)

    Arguments as in `BaseConvTranspose`; note that Keras puts ``data_format`` before
    ``output_padding`` in this class's positional order.
    """

    rank = 3

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1, 1),
        padding="valid",
        data_format=None,
        output_padding=None,
        dilation_rate=(1, 1, 1),
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            output_padding=output_padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )


Convolution1DTranspose = keras_export("keras.layers", "Convolution1DTranspose")(Conv1DTranspose)
Convolution2DTranspose = keras_export("keras.layers", "Convolution2DTranspose")(Conv2DTranspose)
Convolution3DTranspose = keras_export("keras.layers", "Convolution3DTranspose")(Conv3DTranspose)
