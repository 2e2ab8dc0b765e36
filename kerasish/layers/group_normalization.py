"""`GroupNormalization`: normalization over groups of channels."""

import jax.numpy as jnp

from kerasish import constraints, initializers, ops, regularizers
from kerasish.engine.input_spec import InputSpec
from kerasish.engine.layer import Layer
from kerasish.saving.serialization import keras_export, serialize_keras_object


@keras_export("keras.layers")
class GroupNormalization(Layer):
    """Splits the channels into ``groups`` and normalizes each sample's groups to zero mean and
    unit variance (over the group's channels and every other non-batch axis), then scales
    and shifts per channel.

    ``groups=1`` is close to layer normalization; ``groups=-1`` (one channel per group) is
    instance normalization.

    Example:
    >>> layer = kerasish.layers.GroupNormalization(groups=2)
    >>> y = layer(jnp.array([[1.0, 3.0, 10.0, 30.0]]))
    >>> [round(float(value), 3) for value in y[0]]
    [-1.0, 1.0, -1.0, 1.0]

    Arguments:
        groups: number of groups; must divide the channels (-1: as many as channels).
        axis: the channels axis (an int).
        epsilon: added to the variance.
        center, scale: whether to add ``beta`` and multiply by ``gamma``.
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
        beta_constraint, gamma_constraint: for the two weights.

    Half-precision inputs are normalized in float32, as in Keras.

    Shapes: any -> the same; weights ``gamma``, ``beta`` of shape ``(channels,)``.
    """

    def __init__(
        self,
        groups=32,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        if not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(
                "Received an invalid value for argument `groups`, expected a positive integer "
                f"(or `-1` for instance normalization). Received: groups={groups}"
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self.autocast = False
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape):
        channels = input_shape[self.axis]
        if channels is None:
            raise ValueError(
                f"Axis {self.axis} of input tensor should have a defined dimension but the "
                f"layer received an input with shape {input_shape}."
            )
        if self.groups == -1:
            self.groups = channels
        if channels < self.groups:
            raise ValueError(
                f"Number of groups ({self.groups}) cannot be more than the number of channels "
                f"({channels})."
            )
        if channels % self.groups != 0:
            # Keras's wording (the channels must be a multiple of the groups).
            raise ValueError(
                f"Number of groups ({self.groups}) must be a multiple of the number of channels "
                f"({channels})."
            )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: channels})
        self.gamma = None
        self.beta = None
        if self.scale:
            self.gamma = self.add_weight(
                shape=(channels,),
                name="gamma",
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                autocast=False,
            )
        if self.center:
            self.beta = self.add_weight(
                shape=(channels,),
                name="beta",
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                autocast=False,
            )

    def call(self, inputs):
        axis = self.axis % inputs.ndim
        channels = inputs.shape[axis]
        # (..., channels, ...) -> (..., groups, channels // groups, ...)
        grouped_shape = (*inputs.shape[:axis], self.groups, channels // self.groups)
        grouped_shape += inputs.shape[axis + 1 :]
        grouped = ops.reshape(inputs, grouped_shape)
        grouped = ops.cast(grouped, jnp.result_type(grouped.dtype, jnp.float32))
        reduction_axes = [a for a in range(1, grouped.ndim) if a != axis]
        mean, variance = ops.moments(grouped, axes=reduction_axes, keepdims=True)
        parameter_shape = [1] * grouped.ndim
        parameter_shape[axis : axis + 2] = [self.groups, channels // self.groups]
        inverse = ops.rsqrt(variance + self.epsilon)
        if self.scale:
            inverse = inverse * ops.cast(ops.reshape(self.gamma, parameter_shape), grouped.dtype)
        shift = -mean * inverse
        if self.center:
            shift = shift + ops.cast(ops.reshape(self.beta, parameter_shape), grouped.dtype)
        normalized = ops.cast(grouped * inverse + shift, inputs.dtype)
        return ops.cast(ops.reshape(normalized, inputs.shape), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        for axis in axes:
            if axis >= len(input_shape) or axis < -len(input_shape):
                raise ValueError(
                    f"Axis {axis} is out of bounds for input shape {input_shape}. "
                    f"Received: axis={self.axis}"
                )
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "groups": self.groups,
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": serialize_keras_object(self.beta_initializer),
                "gamma_initializer": serialize_keras_object(self.gamma_initializer),
                "beta_regularizer": serialize_keras_object(self.beta_regularizer),
                "gamma_regularizer": serialize_keras_object(self.gamma_regularizer),
                "beta_constraint": serialize_keras_object(self.beta_constraint),
                "gamma_constraint": serialize_keras_object(self.gamma_constraint),
            }
        )
        return config
