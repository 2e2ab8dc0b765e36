"""`keras.activations`: element-wise (and softmax-like) functions, numerically Keras 3's on JAX.

Each function is a `keras_op`: it takes arrays, `Variable`s or symbolic `KerasTensor`s.
`get` turns a name, a config or None into a function; `serialize` gives a built-in's name.

Example:
>>> from kerasish import activations
>>> activations.get("relu")(jnp.array([-1.0, 2.0])).tolist()
[0.0, 2.0]
>>> activations.serialize(activations.swish)
'silu'
"""

import types
import warnings

import jax
import jax.numpy as jnp

from kerasish.ops._dispatch import keras_op
from kerasish.saving import serialization
from kerasish.utils.serialization_utils import deserialize_from_table

_MODULE = "keras.activations"


def _export(function):
    return serialization.keras_export(_MODULE)(keras_op(function))


@_export
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """``max(x, 0)``, with a slope below ``threshold``, a cap and a threshold if asked.

    Arguments:
        negative_slope: slope for values below ``threshold``.
        max_value: saturation value (None: no cap).
        threshold: values at or below it are set to 0 (or follow ``negative_slope``).

    Example:
    >>> relu(jnp.array([-10.0, -5.0, 0.0, 5.0, 10.0]), max_value=5.0).tolist()
    [0.0, 0.0, 0.0, 5.0, 5.0]
    """
    x = jnp.asarray(x)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return jax.nn.leaky_relu(x, negative_slope=negative_slope)
        negative_part = jax.nn.relu(-x + threshold) if threshold != 0 else jax.nn.relu(-x)
    else:
        negative_part = 1
    clip_max = max_value is not None
    if threshold != 0:
        x = jnp.where(x > jnp.asarray(threshold, x.dtype), x, 0)
    elif max_value == 6:
        x = jax.nn.relu6(x)
        clip_max = False
    else:
        x = jax.nn.relu(x)
    if clip_max:
        x = jnp.clip(x, jnp.asarray(0.0, x.dtype), jnp.asarray(max_value, x.dtype))
    if negative_slope != 0.0:
        x = x - negative_slope * negative_part
    return x


@_export
def leaky_relu(x, negative_slope=0.2):
    """``x`` if ``x > 0`` else ``negative_slope * x``."""
    return jax.nn.leaky_relu(jnp.asarray(x), negative_slope=negative_slope)


@_export
def relu6(x):
    """``min(max(x, 0), 6)``."""
    return jax.nn.relu6(jnp.asarray(x))


@_export
def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis`` (an int or a tuple of ints).

    Example:
    >>> softmax(jnp.zeros((1, 4))).tolist()
    [[0.25, 0.25, 0.25, 0.25]]
    """
    x = jnp.asarray(x)
    if isinstance(axis, int) and -x.ndim <= axis < x.ndim and x.shape[axis] == 1:
        warnings.warn(
            f"You are using a softmax over axis {axis} of a tensor of shape {x.shape}. "
            "This axis has size 1. The softmax operation will always return the value 1, "
            "which is likely not what you intended. Did you mean to use a sigmoid instead?"
        )
    return jax.nn.softmax(x, axis=tuple(axis) if isinstance(axis, list) else axis)


@_export
def elu(x, alpha=1.0):
    """``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    return jax.nn.elu(jnp.asarray(x), alpha=alpha)


@_export
def selu(x):
    """Scaled ELU: ``1.0507 * elu(x, alpha=1.6733)``."""
    return jax.nn.selu(jnp.asarray(x))


@_export
def softplus(x):
    """``log(exp(x) + 1)``."""
    return jax.nn.softplus(jnp.asarray(x))


@_export
def softsign(x):
    """``x / (abs(x) + 1)``."""
    return jax.nn.soft_sign(jnp.asarray(x))


@_export
def soft_shrink(x, threshold=0.5):
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0."""
    x = jnp.asarray(x)
    return jnp.where(x > threshold, x - threshold, jnp.where(x < -threshold, x + threshold, 0.0))


@_export
def sparse_plus(x):
    """0 below -1, ``(x + 1)**2 / 4`` on [-1, 1], ``x`` above 1."""
    return jax.nn.sparse_plus(jnp.asarray(x))


@_export
def silu(x):
    """``x * sigmoid(x)`` (also named ``swish``)."""
    return jax.nn.silu(jnp.asarray(x))


@_export
def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``."""
    return jax.nn.squareplus(jnp.asarray(x), b=b)


@_export
def gelu(x, approximate=False):
    """Gaussian error linear unit ``x * P(X <= x)``; ``approximate`` uses the tanh form."""
    return jax.nn.gelu(jnp.asarray(x), approximate)


@_export
def celu(x, alpha=1.0):
    """``max(x, 0) + min(alpha * (exp(x / alpha) - 1), 0)``."""
    return jax.nn.celu(jnp.asarray(x), alpha=alpha)


@_export
def glu(x, axis=-1):
    """Splits ``x`` in halves ``a, b`` along ``axis`` and returns ``a * sigmoid(b)``."""
    return jax.nn.glu(jnp.asarray(x), axis=axis)


@_export
def tanh(x):
    """Hyperbolic tangent."""
    return jnp.tanh(jnp.asarray(x))


@_export
def tanh_shrink(x):
    """``x - tanh(x)``."""
    x = jnp.asarray(x)
    return x - jnp.tanh(x)


@_export
def hard_tanh(x):
    """``x`` clipped to [-1, 1]."""
    return jax.nn.hard_tanh(jnp.asarray(x))


@_export
def hard_shrink(x, threshold=0.5):
    """``x`` where ``abs(x) > threshold``, else 0."""
    x = jnp.asarray(x)
    return jnp.where(jnp.abs(x) > threshold, x, 0.0)


@_export
def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    x = jnp.asarray(x)
    return jnp.where(x > threshold, x, default_value)


@_export
def sigmoid(x):
    """``1 / (1 + exp(-x))``."""
    return jax.nn.sigmoid(jnp.asarray(x))


@_export
def exponential(x):
    """``exp(x)``."""
    return jnp.exp(jnp.asarray(x))


@_export
def hard_sigmoid(x):
    """Piecewise-linear sigmoid: ``relu6(x + 3) / 6``."""
    return jax.nn.hard_sigmoid(jnp.asarray(x))


@_export
def log_sigmoid(x):
    """``log(sigmoid(x))``, computed stably."""
    return jax.nn.log_sigmoid(jnp.asarray(x))


@_export
def sparse_sigmoid(x):
    """0 below -1, ``(x + 1) / 2`` on [-1, 1], 1 above 1."""
    return jax.nn.sparse_sigmoid(jnp.asarray(x))


@_export
def hard_silu(x):
    """``x * hard_sigmoid(x)`` (also named ``hard_swish``)."""
    return jax.nn.hard_silu(jnp.asarray(x))


@serialization.keras_export(_MODULE)
def linear(x):
    """The identity: returns ``x`` unchanged (no op node for symbolic inputs, as in Keras)."""
    return x


@_export
def mish(x):
    """``x * tanh(softplus(x))``."""
    x = jnp.asarray(x)
    return x * jnp.tanh(jax.nn.softplus(x))


@_export
def log_softmax(x, axis=-1):
    """``x - log(sum(exp(x)))`` along ``axis``."""
    return jax.nn.log_softmax(jnp.asarray(x), axis=tuple(axis) if isinstance(axis, list) else axis)


@_export
def sparsemax(x, axis=-1):
    """Euclidean projection of ``x`` onto the probability simplex along ``axis``.

    Example:
    >>> sparsemax(jnp.array([2.0, 1.0, -1.0])).tolist()
    [1.0, 0.0, 0.0]
    """
    logits = jnp.asarray(x)
    descending = -jnp.sort(-logits, axis=axis)
    cumulative = jnp.cumsum(descending, axis=axis)
    rank_shape = [1] * logits.ndim
    rank_shape[axis] = -1
    rank = jnp.arange(1, logits.shape[axis] + 1).reshape(rank_shape)
    support = descending - (cumulative - 1) / rank > 0
    support_size = jnp.sum(support, axis=axis, keepdims=True)
    tau = (
        jnp.sum(jnp.where(support, cumulative, 0.0), axis=axis, keepdims=True) - 1
    ) / support_size
    return jnp.maximum(logits - tau, 0.0)


swish = silu
hard_swish = hard_silu

# fmt: off
ALL_OBJECTS_DICT = {
    function.__name__: function
    for function in (
        relu, leaky_relu, relu6, softmax, celu, elu, selu, softplus, softsign, squareplus,
        soft_shrink, sparse_plus, silu, gelu, glu, tanh, tanh_shrink, threshold, sigmoid,
        sparse_sigmoid, exponential, hard_sigmoid, hard_silu, hard_tanh, hard_shrink, linear,
        mish, log_softmax, log_sigmoid, sparsemax,
    )
}
# fmt: on
ALL_OBJECTS_DICT["swish"] = silu
ALL_OBJECTS_DICT["hard_swish"] = hard_silu
serialization.keras_export(_MODULE, name="swish")(silu)
serialization.keras_export(_MODULE, name="hard_swish")(hard_silu)


def serialize(activation):
    """A built-in's name (``"relu"``); a config dict for custom functions and objects.

    Example:
    >>> serialize(relu)
    'relu'
    """
    if isinstance(activation, types.FunctionType):
        name = activation.__name__
        # By name, as Keras does: `ops.relu` (or any function called "relu") is "relu".
        if name in ALL_OBJECTS_DICT:
            return name
        return {
            "module": "builtins",
            "class_name": "function",
            "config": serialization.get_registered_name(activation),
            "registered_name": "function",
        }
    config = serialization.serialize_keras_object(activation)
    if not isinstance(config, dict) or "config" not in config:
        raise ValueError(
            f"Unknown activation function '{activation}' cannot be serialized due to invalid "
            "function name. Make sure to use an activation name that matches the references "
            "defined in activations.py or use `@keras.saving.register_keras_serializable()`"
            f"to register any custom activations. config={config}"
        )
    return config


def deserialize(config, custom_objects=None):
    """An activation from its name or config; an unknown name comes back unchanged."""
    return deserialize_from_table(config, ALL_OBJECTS_DICT, custom_objects)


def get(identifier):
    """An activation function from None (`linear`), a name, a config dict or a callable.

    Example:
    >>> get(None) is linear
    True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        if (
            identifier.get("class_name") == "function"
            or identifier.get("class_name") in ALL_OBJECTS_DICT
        ):
            found = deserialize(identifier)
        else:
            found = serialization.deserialize_keras_object(identifier)
    elif isinstance(identifier, str):
        found = ALL_OBJECTS_DICT.get(identifier)
    else:
        found = identifier
    if callable(found):
        return found
    raise ValueError(f"Could not interpret activation function identifier: {identifier}")
