"""`DepthwiseConv1D`, `DepthwiseConv2D`: each input channel convolved with its own filters."""

from kerasish import ops
from kerasish.layers.convolution.arguments import check_strictly_positive, conv_output_shape
from kerasish.layers.convolution.base_conv import BaseConvolution
from kerasish.saving.serialization import keras_export


class BaseDepthwiseConv(BaseConvolution):
    """Convolves each input channel separately with ``depth_multiplier`` filters of its own.

    Arguments:
        kernel_size, strides, padding (``"valid"`` or ``"same"``), data_format,
        dilation_rate, activation, use_bias: as in `BaseConv`.
        depth_multiplier: positive int, output channels per input channel.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint: for the kernel.
        bias_initializer, bias_regularizer, bias_constraint, activity_regularizer: as in
            `BaseConv`.

    Shapes: ``(batch, *spatial, channels)`` (channels_last) -> ``(batch, *new_spatial,
    channels * depth_multiplier)``, output channel ``c * depth_multiplier + m`` coming from
    input channel ``c``; weights ``kernel (*kernel_size, channels, depth_multiplier)``,
    ``bias (channels * depth_multiplier,)``.
    """

    def __init__(
        self,
        kernel_size,
        strides=1,
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
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
        self.depth_multiplier = depth_multiplier
        self._weight_arguments(
            "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint
        )
        check_strictly_positive("depth_multiplier", depth_multiplier)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self._pin_input_channels(input_shape)
        self.compute_output_shape(input_shape)  # validates the input against the window
        kernel_shape = (*self.kernel_size, channels, self.depth_multiplier)
        self.kernel = self._add_weight_for("depthwise", "kernel", kernel_shape)
        self._add_bias(channels * self.depth_multiplier)

    def call(self, inputs):
        outputs = ops.depthwise_conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._bias_and_activation(outputs)

    def compute_output_shape(self, input_shape):
        channels = self._input_channels(input_shape)
        return conv_output_shape(
            input_shape,
            None if channels is None else channels * self.depth_multiplier,
            self.kernel_size,
            self.strides,
            self.padding,
            self.data_format,
            self.dilation_rate,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {"depth_multiplier": self.depth_multiplier, **self._weight_config("depthwise")}
        )
        return config


@keras_export("keras.layers")
class DepthwiseConv1D(BaseDepthwiseConv):
    """1D depthwise convolution over ``(batch, steps, channels)``.

    Example:
    >>> layer = kerasish.layers.DepthwiseConv1D(3, depth_multiplier=2)
    >>> layer(jnp.ones((2, 10, 3))).shape
    (2, 8, 6)

    Arguments as in `BaseDepthwiseConv`.
    """

    rank = 1


@keras_export("keras.layers")
class DepthwiseConv2D(BaseDepthwiseConv):
    """2D depthwise convolution over ``(batch, height, width, channels)`` images.

    Example:
    >>> layer = kerasish.layers.DepthwiseConv2D(3, depth_multiplier=2)
    >>> layer(jnp.ones((2, 6, 6, 3))).shape
    (2, 4, 4, 6)

    Arguments as in `BaseDepthwiseConv`.
    """

    rank = 2
