"""Regression losses: squared, absolute, percentage, logarithmic, cosine, Huber and log-cosh.

Each function maps ``y_true`` and ``y_pred`` of shape ``(batch, d0, ..., dN)`` to losses of
shape ``(batch, d0, ..., dN-1)`` (cosine similarity: its ``axis`` removed). Ranks that
differ by a trailing axis of size 1 are matched first, as in Keras.

Example:
>>> float(mean_squared_error(jnp.array([1.0, 0.0]), jnp.array([0.0, 0.0])))
0.5
>>> float(MeanAbsoluteError()(jnp.array([[1.0], [3.0]]), jnp.array([[2.0], [1.0]])))
1.5
"""

from kerasish import ops
from kerasish.backend.config import epsilon
from kerasish.losses.loss import BuiltinLoss, check_broadcastable, squeeze_or_expand_to_same_rank
from kerasish.saving.serialization import keras_export

_MODULE = "keras.losses"


def _matched(y_true, y_pred, function_name):
    """``y_true`` in ``y_pred``'s dtype, both ranks matched, shapes checked."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcastable(y_true, y_pred, function_name)
    return y_true, y_pred


@keras_export(_MODULE)
def mean_squared_error(y_true, y_pred):
    """``mean(square(y_true - y_pred), axis=-1)``.

    Example:
    >>> mean_squared_error(jnp.array([[0.0, 1.0]]), jnp.array([[1.0, 1.0]])).tolist()
    [0.5]
    """
    y_true, y_pred = _matched(y_true, y_pred, "mean_squared_error")
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


@keras_export(_MODULE)
def mean_absolute_error(y_true, y_pred):
    """``mean(abs(y_true - y_pred), axis=-1)``.

    Example:
    >>> mean_absolute_error(jnp.array([[0.0, 1.0]]), jnp.array([[2.0, 1.0]])).tolist()
    [1.0]
    """
    y_true, y_pred = _matched(y_true, y_pred, "mean_absolute_error")
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


@keras_export(_MODULE)
def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)``.

    Example:
    >>> mean_absolute_percentage_error(jnp.array([[2.0, 4.0]]), jnp.array([[1.0, 4.0]])).tolist()
    [25.0]
    """
    y_true, y_pred = _matched(y_true, y_pred, "mean_absolute_percentage_error")
    floor = ops.convert_to_tensor(epsilon(), dtype=y_pred.dtype)
    relative_error = ops.abs((y_true - y_pred) / ops.maximum(ops.abs(y_true), floor))
    return 100.0 * ops.mean(relative_error, axis=-1)


@keras_export(_MODULE)
def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean(square(log(1 + y_pred) - log(1 + y_true)), axis=-1)``, values floored at epsilon.

    Example:
    >>> round(float(mean_squared_logarithmic_error(jnp.array([0.0]), jnp.array([1.0]))), 4)
    0.4805
    """
    # Keras's floor is a float32 tensor, which promotes half-precision inputs to float32.
    floor = ops.convert_to_tensor(epsilon(), dtype="float32")
    y_true, y_pred = _matched(y_true, y_pred, "mean_squared_logarithmic_error")
    log_pred = ops.log(ops.maximum(y_pred, floor) + 1.0)
    log_true = ops.log(ops.maximum(y_true, floor) + 1.0)
    return ops.mean(ops.square(log_pred - log_true), axis=-1)


@keras_export(_MODULE)
def cosine_similarity(y_true, y_pred, axis=-1):
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis=axis)``: -1 when aligned.

    Example:
    >>> [round(v, 4) for v in cosine_similarity(jnp.array([[0.0, 1.0], [1.0, 1.0]]), jnp.array([[1.0, 0.0], [1.0, 1.0]])).tolist()]
    [-0.0, -1.0]
    """
    y_true, y_pred = _matched(y_true, y_pred, "cosine_similarity")
    y_pred = ops.normalize(y_pred, axis=axis)
    y_true = ops.normalize(y_true, axis=axis)
    return -ops.sum(y_true * y_pred, axis=axis)


@keras_export(_MODULE)
def huber(y_true, y_pred, delta=1.0):
    """Mean over the last axis of ``0.5 * e**2`` where ``|e| <= delta``, else
    ``delta * |e| - 0.5 * delta**2``, with ``e = y_pred - y_true``.

    Example:
    >>> huber(jnp.array([[0.0, 0.0]]), jnp.array([[0.5, 3.0]])).tolist()
    [1.3125]
    """
    y_true, y_pred = _matched(y_true, y_pred, "huber")
    delta = ops.convert_to_tensor(delta, dtype=y_pred.dtype)
    error = ops.subtract(y_pred, y_true)
    abs_error = ops.abs(error)
    half = ops.convert_to_tensor(0.5, dtype=abs_error.dtype)
    quadratic = half * ops.square(error)
    linear = delta * abs_error - half * ops.square(delta)
    return ops.mean(ops.where(abs_error <= delta, quadratic, linear), axis=-1)


@keras_export(_MODULE)
def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed without overflow.

    Example:
    >>> round(float(log_cosh(jnp.array([0.0]), jnp.array([1.0]))), 4)
    0.4338
    """
    y_true, y_pred = _matched(y_true, y_pred, "log_cosh")
    log_2 = ops.convert_to_tensor(ops.log(2.0), dtype=y_pred.dtype)
    error = y_pred - y_true
    # log(cosh(x)) = x + log(1 + exp(-2x)) - log(2), stable for large |x|.
    return ops.mean(error + ops.softplus(error * -2.0) - log_2, axis=-1)


@keras_export(_MODULE)
class MeanSquaredError(BuiltinLoss):
    """The mean of squared errors, `mean_squared_error`; see `Loss` for the arguments.

    Example:
    >>> float(MeanSquaredError()(jnp.array([1.0, 0.0, 1.0]), jnp.array([1.0, 1.0, 1.0])))
    0.3333333432674408
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction, name, dtype)


@keras_export(_MODULE)
class MeanAbsoluteError(BuiltinLoss):
    """The mean of absolute errors, `mean_absolute_error`; see `Loss` for the arguments."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction, name, dtype)


@keras_export(_MODULE)
class MeanAbsolutePercentageError(BuiltinLoss):
    """`mean_absolute_percentage_error`; see `Loss` for the arguments."""

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_absolute_percentage_error",
        dtype=None,
    ):
        super().__init__(mean_absolute_percentage_error, reduction, name, dtype)


@keras_export(_MODULE)
class MeanSquaredLogarithmicError(BuiltinLoss):
    """`mean_squared_logarithmic_error`; see `Loss` for the arguments."""

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_squared_logarithmic_error",
        dtype=None,
    ):
        super().__init__(mean_squared_logarithmic_error, reduction, name, dtype)


@keras_export(_MODULE)
class CosineSimilarity(BuiltinLoss):
    """`cosine_similarity` along ``axis`` (default -1); see `Loss` for the other arguments.

    As in Keras, ``axis`` is not part of the config.
    """

    def __init__(
        self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None
    ):
        super().__init__(cosine_similarity, reduction, name, dtype, axis=axis)


@keras_export(_MODULE)
class Huber(BuiltinLoss):
    """`huber` with threshold ``delta`` (default 1.0); see `Loss` for the other arguments.

    As in Keras, ``delta`` is not part of the config.
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, reduction, name, dtype, delta=delta)


@keras_export(_MODULE)
class LogCosh(BuiltinLoss):
    """`log_cosh`, the log of the hyperbolic cosine of the error; see `Loss` for the arguments."""

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction, name, dtype)
