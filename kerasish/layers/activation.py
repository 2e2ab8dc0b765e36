"""Activation layers: `Activation` (any activation by name) and the parametrized `ReLU`,
`LeakyReLU`, `PReLU`, `ELU` and `Softmax` (which takes a mask)."""

import warnings

import jax.numpy as jnp
from jax.scipy.special import logsumexp

from kerasish import activations, constraints, initializers, regularizers
from kerasish.engine.input_spec import InputSpec
from kerasish.engine.layer import Layer
from kerasish.saving.serialization import keras_export, serialize_keras_object


@keras_export("keras.layers")
class Activation(Layer):
    """Applies an activation function elementwise; masks pass through.

    Example:
    >>> kerasish.layers.Activation("relu")(jnp.array([-3.0, -1.0, 0.0, 2.0])).tolist()
    [0.0, 0.0, 0.0, 2.0]

    Arguments:
        activation: a name from `keras.activations` or a callable.

    Shapes: any -> the same.
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)
        self.built = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config


class _Elementwise(Layer):
    """An elementwise activation without weights: built at construction, masks pass through."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape


@keras_export("keras.layers")
class ReLU(_Elementwise):
    """Rectified linear unit with an optional cap, threshold and slope below the threshold.

    ``f(x) = max_value`` for ``x >= max_value``, ``x`` for ``threshold <= x < max_value``,
    else ``negative_slope * (x - threshold)``.

    Example:
    >>> kerasish.layers.ReLU(max_value=2.0)(jnp.array([-1.0, 1.0, 3.0])).tolist()
    [0.0, 1.0, 2.0]

    Arguments:
        max_value: the cap (a float >= 0), or None for none.
        negative_slope: slope below the threshold, >= 0.
        threshold: the value below which the slope applies, >= 0.

    Shapes: any -> the same.
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(
                "max_value of a ReLU layer cannot be a negative value. "
                f"Received: max_value={max_value}"
            )
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(
                "negative_slope of a ReLU layer cannot be None or a negative value. "
                f"Received: negative_slope={negative_slope}"
            )
        if threshold is None or threshold < 0.0:
            raise ValueError(
                "threshold of a ReLU layer cannot be None or a negative value. "
                f"Received: threshold={threshold}"
            )
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def call(self, inputs):
        return activations.relu(
            inputs,
            negative_slope=self.negative_slope,
            max_value=self.max_value,
            threshold=self.threshold,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "max_value": self.max_value,
                "negative_slope": self.negative_slope,
                "threshold": self.threshold,
            }
        )
        return config


@keras_export("keras.layers")
class LeakyReLU(_Elementwise):
    """``x`` for ``x >= 0``, else ``negative_slope * x``.

    Example:
    >>> kerasish.layers.LeakyReLU(negative_slope=0.5)(jnp.array([-2.0, 0.0, 3.0])).tolist()
    [-1.0, 0.0, 3.0]

    Arguments:
        negative_slope: slope for negative inputs, >= 0 (default 0.3, as in Keras 3).
            The Keras 2 name ``alpha`` is accepted with a deprecation warning.

    Shapes: any -> the same.
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "The negative_slope value of a Leaky ReLU layer cannot be None or negative "
                f"value. Expected a float. Received: negative_slope={negative_slope}"
            )
        self.negative_slope = negative_slope

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self):
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config


@keras_export("keras.layers")
class PReLU(Layer):
    """Leaky ReLU with a learned slope: ``x`` for ``x >= 0``, else ``alpha * x``.

    Example:
    >>> layer = kerasish.layers.PReLU(alpha_initializer="ones", shared_axes=[1])
    >>> layer(jnp.array([[[-2.0, 3.0]], [[1.0, -1.0]]])).tolist()
    [[[-2.0, 3.0]], [[1.0, -1.0]]]
    >>> layer.alpha.shape  # one slope per feature, shared along axis 1
    (1, 2)

    Arguments:
        alpha_initializer, alpha_regularizer, alpha_constraint: for the ``alpha`` weight.
        shared_axes: axes (>= 1) along which one slope is shared, e.g. ``[1, 2]`` for one
            slope per channel of ``(batch, height, width, channels)`` images.

    Shapes: any -> the same; weight ``alpha`` of the input's shape without the batch axis,
    with 1 on the shared axes.
    """

    def __init__(
        self,
        alpha_initializer="Zeros",
        alpha_regularizer=None,
        alpha_constraint=None,
        shared_axes=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None or isinstance(shared_axes, (list, tuple)):
            self.shared_axes = None if shared_axes is None else list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape):
        shared = set(self.shared_axes or ())
        shape = tuple(
            1 if axis in shared else input_shape[axis] for axis in range(1, len(input_shape))
        )
        self.alpha = self.add_weight(
            shape=shape,
            name="alpha",
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        axes = {
            axis: input_shape[axis] for axis in range(1, len(input_shape)) if axis not in shared
        }
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)

    def call(self, inputs):
        return jnp.maximum(inputs, 0) - self.alpha * jnp.maximum(-inputs, 0)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "alpha_initializer": serialize_keras_object(self.alpha_initializer),
                "alpha_regularizer": serialize_keras_object(self.alpha_regularizer),
                "alpha_constraint": serialize_keras_object(self.alpha_constraint),
                "shared_axes": self.shared_axes,
            }
        )
        return config


@keras_export("keras.layers")
class ELU(_Elementwise):
    """Exponential linear unit: ``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``.

    Example:
    >>> [round(v, 4) for v in kerasish.layers.ELU()(jnp.array([-1.0, 0.0, 2.0])).tolist()]
    [-0.6321, 0.0, 2.0]

    Arguments:
        alpha: the scale of the negative part.

    Shapes: any -> the same.
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self):
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


def _large_negative_number(dtype):
    """What Keras adds to masked logits: -1e9, or -3e4 where float16 cannot hold -1e9."""
    return -3e4 if jnp.dtype(dtype) == jnp.float16 else -1e9


@keras_export("keras.layers")
class Softmax(_Elementwise):
    """Softmax over ``axis``, with masked positions excluded (and output as 0).

    Example:
    >>> layer = kerasish.layers.Softmax()
    >>> layer(jnp.array([[1.0, 1.0, 5.0]]), mask=jnp.array([[True, True, False]])).tolist()
    [[0.5, 0.5, 0.0]]

    Arguments:
        axis: int or list of ints, the axes normalized over.

    Call arguments:
        mask: boolean (or 0/1) array broadcastable to the inputs, True where a logit counts.
            Masked logits are replaced by Keras's large negative number (-1e9, -3e4 in float16)
            before the softmax, and their outputs are set to 0 (so a fully masked row is 0).

    Shapes: any -> the same.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = self._broadcastable_mask(inputs, jnp.asarray(mask))
            inputs = jnp.where(mask, inputs, _large_negative_number(inputs.dtype))
        if isinstance(self.axis, (list, tuple)) and len(self.axis) > 1:
            outputs = jnp.exp(inputs - logsumexp(inputs, axis=tuple(self.axis), keepdims=True))
        else:
            axis = self.axis[0] if isinstance(self.axis, (list, tuple)) else self.axis
            outputs = activations.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = jnp.where(mask, outputs, 0.0)
        return outputs

    @staticmethod
    def _broadcastable_mask(inputs, mask):
        if mask.ndim > inputs.ndim:
            raise ValueError(
                "The `mask` must be broadcastable to `inputs` and must not have more dimensions. "
                f"Received: inputs.shape={inputs.shape}, mask.shape={mask.shape}"
            )
        for mask_size, input_size in zip(mask.shape[::-1], inputs.shape[::-1]):
            if mask_size not in (1, input_size):
                raise ValueError(
                    "The `mask` must be broadcastable to `inputs`. Each mask dimension must be 1 "
                    "or match the corresponding input dimension. Received: "
                    f"inputs.shape={inputs.shape}, mask.shape={mask.shape}"
                )
        if mask.dtype != jnp.bool_:
            mask = mask > jnp.asarray(0.5, mask.dtype)
        return mask

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
