"""`keras.utils.to_categorical` and `keras.utils.normalize`.

NumPy inputs give NumPy results computed in NumPy, as Keras does; JAX arrays and
`Variable`s give JAX arrays.

Example:
>>> to_categorical([0, 2], num_classes=3).tolist()
[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
"""

import jax
import jax.numpy as jnp
import numpy as np

from kerasish.backend.config import epsilon
from kerasish.engine.variables import Variable, unwrap


def normalize(x, axis=-1, order=2):
    """``x`` divided by its ``order``-norm along ``axis``.

    Arguments:
        x: a NumPy array (computed in NumPy; zero norms are left as they are) or an array-like
            (computed in JAX; norms are floored at ``keras.config.epsilon()``).
        axis: the axis to normalize along.
        order: the norm's order: 2 for L2, 1 for L1, any int >= 1.

    Returns:
        An array of the same shape.

    Example:
    >>> normalize(np.array([[3.0, 4.0]])).tolist()
    [[0.6, 0.8]]
    """
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        # Keras writes `axis or -1` here, which turns axis=0 into -1 (a wrong or failing
        # broadcast); only None means "the last axis".
        return x / np.expand_dims(norm, -1 if axis is None else axis)
    return _normalize_array(unwrap(x), axis=axis, order=order)


def _normalize_array(x, axis=-1, order=2, epsilon_value=None):
    """`keras.ops.normalize`: L2 via ``x * rsqrt(sum(x**2))``, other orders via the norm."""
    if not isinstance(order, int) or not order >= 1:
        raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
    x = jnp.asarray(x)
    if x.ndim == 0:
        x = jnp.expand_dims(x, axis=0)
    epsilon_value = epsilon() if epsilon_value is None else epsilon_value
    if order == 2:
        inverse_norm = jax.lax.rsqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=True))
        return x * jnp.minimum(inverse_norm, 1.0 / epsilon_value)
    if x.dtype == jnp.int64:
        x = x.astype("float32")
    elif not jnp.issubdtype(x.dtype, jnp.inexact):
        x = x.astype(jnp.result_type(x.dtype, float))
    norm = jnp.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / jnp.maximum(norm, epsilon_value)


def to_categorical(x, num_classes=None):
    """One-hot encodes class ids: ``(...,)`` or ``(..., 1)`` -> ``(..., num_classes)``.

    Arguments:
        x: class ids from 0 to ``num_classes - 1``; a trailing axis of size 1 is dropped.
        num_classes: defaults to ``max(x) + 1`` for non-JAX inputs.

    Returns:
        A float64 NumPy array for array-likes, a float32 JAX array for JAX arrays.

    Example:
    >>> to_categorical(np.array([[1], [0]])).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    if isinstance(x, (jax.Array, Variable)):
        x = unwrap(x)
        if x.ndim > 1 and x.shape[-1] == 1:
            x = x.reshape(x.shape[:-1])
        return jax.nn.one_hot(x, num_classes)
    x = np.array(x, dtype="int64")
    input_shape = x.shape
    if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
        input_shape = tuple(input_shape[:-1])
    x = x.reshape(-1)
    if not num_classes:
        num_classes = np.max(x) + 1
    categorical = np.zeros((x.shape[0], num_classes))
    categorical[np.arange(x.shape[0]), x] = 1
    return categorical.reshape(input_shape + (num_classes,))
