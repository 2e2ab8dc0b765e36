"""`BaseConvolution`: what every convolution family shares.

The window arguments (``kernel_size``, ``strides``, ``padding``, ``dilation_rate``,
``data_format``), the bias and the activation, and the weight arguments' bookkeeping.
Each family (`Conv*D`, `Conv*DTranspose`, `DepthwiseConv*D`, `SeparableConv*D`) adds its
kernels and its convolution; each rank is a subclass that only sets ``rank``.
"""

import jax.numpy as jnp

from kerasish import activations, constraints, initializers, regularizers
from kerasish.backend import standardize_data_format
from kerasish.engine.input_spec import InputSpec
from kerasish.engine.layer import Layer
from kerasish.layers.convolution.arguments import standardize_padding, standardize_tuple
from kerasish.saving.serialization import serialize_keras_object


class BaseConvolution(Layer):
    """Window arguments, bias and activation of an N-D convolution (``rank`` set by subclasses).

    Arguments:
        kernel_size, strides, dilation_rate: an int or ``rank`` ints.
        padding: ``"valid"`` or ``"same"`` (and ``"causal"`` where ``allow_causal``).
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to
            ``keras.config.image_data_format()``.
        activation: applied to the outputs; None means linear.
        use_bias: whether a bias is added (before the activation).
        bias_initializer, bias_regularizer, bias_constraint: for the bias.
        activity_regularizer: applied to the outputs.
    """

    rank = None
    allow_causal = False

    def __init__(
        self,
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
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.kernel_size = standardize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = standardize_tuple(strides, self.rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, self.rank, "dilation_rate")
        self.padding = standardize_padding(padding, allow_causal=self.allow_causal)
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self._weight_arguments("bias", bias_initializer, bias_regularizer, bias_constraint)
        self.input_spec = InputSpec(min_ndim=self.rank + 2)

    # -- arguments ---------------------------------------------------------------------
    def _weight_arguments(self, prefix, initializer, regularizer, constraint):
        """Stores ``<prefix>_initializer``, ``_regularizer`` and ``_constraint``."""
        setattr(self, f"{prefix}_initializer", initializers.get(initializer))
        setattr(self, f"{prefix}_regularizer", regularizers.get(regularizer))
        setattr(self, f"{prefix}_constraint", constraints.get(constraint))

    def _weight_config(self, prefix):
        return {
            f"{prefix}_{role}": serialize_keras_object(getattr(self, f"{prefix}_{role}"))
            for role in ("initializer", "regularizer", "constraint")
        }

    def _check_strides_with_dilation(self):
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )

    # -- building ----------------------------------------------------------------------
    def _input_channels(self, input_shape):
        return input_shape[-1] if self.data_format == "channels_last" else input_shape[1]

    def _pin_input_channels(self, input_shape):
        """Input spec once built: the channel axis keeps the size the weights were built for."""
        channel_axis = -1 if self.data_format == "channels_last" else 1
        self.input_spec = InputSpec(
            min_ndim=self.rank + 2, axes={channel_axis: self._input_channels(input_shape)}
        )

    def _add_weight_for(self, prefix, name, shape):
        return self.add_weight(
            name=name,
            shape=shape,
            initializer=getattr(self, f"{prefix}_initializer"),
            regularizer=getattr(self, f"{prefix}_regularizer"),
            constraint=getattr(self, f"{prefix}_constraint"),
        )

    def _add_bias(self, units):
        self.bias = self._add_weight_for("bias", "bias", (units,)) if self.use_bias else None

    # -- calling -----------------------------------------------------------------------
    def _bias_and_activation(self, outputs):
        if self.bias is not None:
            if self.data_format == "channels_last":
                outputs = outputs + self.bias
            else:
                outputs = outputs + jnp.reshape(self.bias, (-1,) + (1,) * self.rank)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "activity_regularizer": serialize_keras_object(self.activity_regularizer),
                **self._weight_config("bias"),
            }
        )
        return config
