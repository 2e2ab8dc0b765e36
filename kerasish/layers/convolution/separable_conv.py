"""`SeparableConv1D`, `SeparableConv2D`: a depthwise convolution, then a 1x1 convolution."""

from kerasish import ops
from kerasish.layers.convolution.arguments import check_strictly_positive, conv_output_shape
from kerasish.layers.convolution.base_conv import BaseConvolution
from kerasish.saving.serialization import keras_export


class BaseSeparableConv(BaseConvolution):
    """A depthwise convolution (per-channel filters) followed by a pointwise one mixing channels.

    Arguments:
        filters: positive int, the number of output channels of the pointwise step.
        kernel_size, strides, padding (``"valid"`` or ``"same"``), data_format,
        dilation_rate, activation, use_bias: as in `BaseConv`; they shape the depthwise step.
        depth_multiplier: positive int, depthwise output channels per input channel.
        depthwise_initializer, pointwise_initializer, depthwise_regularizer,
        pointwise_regularizer, depthwise_constraint, pointwise_constraint: for the two kernels.
        bias_initializer, bias_regularizer, bias_constraint, activity_regularizer: as in
            `BaseConv`.

    Shapes: ``(batch, *spatial, channels)`` (channels_last) -> ``(batch, *new_spatial,
    filters)``; weights ``depthwise_kernel (*kernel_size, channels, depth_multiplier)``,
    ``pointwise_kernel (1, ..., 1, channels * depth_multiplier, filters)``, ``bias (filters,)``.
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        pointwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
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
        self.filters = filters
        self._weight_arguments(
            "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint
        )
        self._weight_arguments(
            "pointwise", pointwise_initializer, pointwise_regularizer, pointwise_constraint
        )
        check_strictly_positive("depth_multiplier", depth_multiplier)
        check_strictly_positive("filters", filters)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self._pin_input_channels(input_shape)
        self.compute_output_shape(input_shape)  # validates the input against the window
        self.depthwise_kernel = self._add_weight_for(
            "depthwise", "depthwise_kernel", (*self.kernel_size, channels, self.depth_multiplier)
        )
        self.pointwise_kernel = self._add_weight_for(
            "pointwise",
            "pointwise_kernel",
            (*(1,) * self.rank, channels * self.depth_multiplier, self.filters),
        )
        self._add_bias(self.filters)

    def call(self, inputs):
        outputs = ops.separable_conv(
            inputs,
            self.depthwise_kernel,
            self.pointwise_kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._bias_and_activation(outputs)

    def compute_output_shape(self, input_shape):
        return conv_output_shape(
            input_shape,
            self.filters,
            self.kernel_size,
            self.strides,
            self.padding,
            self.data_format,
            self.dilation_rate,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "depth_multiplier": self.depth_multiplier,
                "filters": self.filters,
                **self._weight_config("depthwise"),
                **self._weight_config("pointwise"),
            }
        )
        return config


@keras_export("keras.layers")
class SeparableConv1D(BaseSeparableConv):
    """1D separable convolution over ``(batch, steps, channels)``.

    Example:
    >>> layer = kerasish.layers.SeparableConv1D(16, 3, depth_multiplier=2)
    >>> layer(jnp.ones((2, 10, 3))).shape
    (2, 8, 16)

    Arguments as in `BaseSeparableConv`.
    """

    rank = 1


@keras_export("keras.layers")
class SeparableConv2D(BaseSeparableConv):
    """2D separable convolution over ``(batch, height, width, channels)`` images.

    Example:
    >>> layer = kerasish.layers.SeparableConv2D(16, 3, depth_multiplier=2)
    >>> layer(jnp.ones((2, 6, 6, 3))).shape
    (2, 4, 4, 16)

    Arguments as in `BaseSeparableConv`.
    """

    rank = 2


SeparableConvolution1D = keras_export("keras.layers", "SeparableConvolution1D")(SeparableConv1D)
SeparableConvolution2D = keras_export("keras.layers", "SeparableConvolution2D")(SeparableConv2D)
