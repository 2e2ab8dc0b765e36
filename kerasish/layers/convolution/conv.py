"""`Conv1D`, `Conv2D`, `Conv3D`: N-D (grouped, dilated) convolutions."""

from kerasish import ops
from kerasish.layers.convolution.arguments import check_strictly_positive, conv_output_shape
from kerasish.layers.convolution.base_conv import BaseConvolution
from kerasish.saving.serialization import keras_export


class BaseConv(BaseConvolution):
    """``activation(conv(inputs, kernel) + bias)`` over ``rank`` spatial axes.

    Arguments:
        filters: positive int, the number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias:
            as in Keras (``strides > 1`` with ``dilation_rate > 1`` is refused, as in Keras).
        groups: positive int dividing both ``filters`` and the input channels; each group of
            input channels is convolved with its own ``filters // groups`` filters.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: for the weights and outputs.
        lora_rank, lora_alpha: accepted for Keras's signature; LoRA is not supported yet
            (`NotImplementedError`).

    Shapes: ``(batch, *spatial, channels)`` (channels_last) -> ``(batch, *new_spatial,
    filters)``; weights ``kernel (*kernel_size, channels // groups, filters)``, ``bias
    (filters,)``.
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        groups=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
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
        if lora_rank is not None:
            raise NotImplementedError(
                f"LoRA (`lora_rank`) is not supported by kerasish's {type(self).__name__} yet."
            )
        self.filters = filters
        self.groups = groups
        self._weight_arguments("kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        check_strictly_positive("filters", filters)
        if groups <= 0:
            raise ValueError(
                f"The number of groups must be a positive integer. Received: groups={groups}."
            )
        if filters is not None and filters % groups != 0:
            raise ValueError(
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={groups}, filters={filters}."
            )
        self._check_strides_with_dilation()

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self._pin_input_channels(input_shape)
        if channels % self.groups != 0:
            raise ValueError(
                "The number of input channels must be evenly divisible by the number of groups. "
                f"Received groups={self.groups}, but the input has {channels} channels (full "
                f"input shape is {input_shape})."
            )
        self.compute_output_shape(input_shape)  # validates the input against the window
        kernel_shape = (*self.kernel_size, channels // self.groups, self.filters)
        self.kernel = self._add_weight_for("kernel", "kernel", kernel_shape)
        self._add_bias(self.filters)

    def convolution(self, inputs, padding):
        return ops.conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )

    def call(self, inputs):
        return self._bias_and_activation(self.convolution(inputs, self.padding))

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
                "filters": self.filters,
                "groups": self.groups,
                **self._weight_config("kernel"),
            }
        )
        return config


@keras_export("keras.layers")
class Conv1D(BaseConv):
    """1D convolution over ``(batch, steps, channels)``; ``padding="causal"`` is allowed.

    Example:
    >>> layer = kerasish.layers.Conv1D(4, 3, activation="relu")
    >>> layer(jnp.ones((2, 10, 3))).shape
    (2, 8, 4)

    With ``padding="causal"`` the input is padded on the left by
    ``dilation_rate * (kernel_size - 1)`` steps, so ``output[t]`` depends on ``input[:t + 1]``
    only (WaveNet); the output keeps ``ceil(steps / strides)`` steps. Other arguments as in
    `BaseConv`.
    """

    rank = 1
    allow_causal = True

    def call(self, inputs):
        if self.padding != "causal":
            return super().call(inputs)
        left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
        steps_axis = 1 if self.data_format == "channels_last" else 2
        pad_width = [(0, 0)] * 3
        pad_width[steps_axis] = (left, 0)
        outputs = self.convolution(ops.pad(inputs, pad_width), "valid")
        return self._bias_and_activation(outputs)


@keras_export("keras.layers")
class Conv2D(BaseConv):
    """2D convolution over ``(batch, height, width, channels)`` images.

    Example:
    >>> layer = kerasish.layers.Conv2D(4, 3, activation="relu")
    >>> layer(jnp.ones((2, 10, 10, 3))).shape
    (2, 8, 8, 4)

    Arguments as in `BaseConv`.
    """

    rank = 2


@keras_export("keras.layers")
class Conv3D(BaseConv):
    """3D convolution over ``(batch, depth, height, width, channels)`` volumes.

    Example:
    >>> layer = kerasish.layers.Conv3D(4, 3, activation="relu")
    >>> layer(jnp.ones((2, 5, 5, 5, 3))).shape
    (2, 3, 3, 3, 4)

    Arguments as in `BaseConv`.
    """

    rank = 3


Convolution1D = keras_export("keras.layers", "Convolution1D")(Conv1D)
Convolution2D = keras_export("keras.layers", "Convolution2D")(Conv2D)
Convolution3D = keras_export("keras.layers", "Convolution3D")(Conv3D)
