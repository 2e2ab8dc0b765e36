"""Hinge losses for maximum-margin classification: hinge, squared hinge, categorical hinge.

Labels are expected in {-1, 1}; when every label is 0 or 1 they are mapped to -1 and 1
first (decided on the values, inside the traced computation).

Example:
>>> hinge(jnp.array([[0.0, 1.0]]), jnp.array([[-0.5, 0.5]])).tolist()
[0.5]
"""

from kerasish import ops
from kerasish.losses.loss import BuiltinLoss, check_broadcastable
from kerasish.saving.serialization import keras_export

_MODULE = "keras.losses"


def convert_binary_labels_to_hinge(y_true):
    """``2 * y_true - 1`` when every label is 0 or 1, else ``y_true`` unchanged."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, 2.0 * y_true - 1.0, y_true)


def _signed_labels(y_true, y_pred, function_name):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    check_broadcastable(y_true, y_pred, function_name)
    return convert_binary_labels_to_hinge(y_true), y_pred


@keras_export(_MODULE)
def hinge(y_true, y_pred):
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)``.

    Example:
    >>> hinge(jnp.array([[-1.0, 1.0]]), jnp.array([[0.0, 2.0]])).tolist()
    [0.5]
    """
    y_true, y_pred = _signed_labels(y_true, y_pred, "hinge")
    return ops.mean(ops.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


@keras_export(_MODULE)
def squared_hinge(y_true, y_pred):
    """``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``.

    Example:
    >>> squared_hinge(jnp.array([[-1.0, 1.0]]), jnp.array([[1.0, 2.0]])).tolist()
    [2.0]
    """
    y_true, y_pred = _signed_labels(y_true, y_pred, "squared_hinge")
    return ops.mean(ops.square(ops.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


@keras_export(_MODULE)
def categorical_hinge(y_true, y_pred):
    """``maximum(negative - positive + 1, 0)``, where ``positive = sum(y_true * y_pred)`` and
    ``negative = max((1 - y_true) * y_pred)`` over the last axis (one-hot ``y_true``).

    Example:
    >>> categorical_hinge(jnp.array([[0.0, 1.0]]), jnp.array([[0.3, 0.8]])).tolist()
    [0.5]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    check_broadcastable(y_true, y_pred, "categorical_hinge")
    positive = ops.sum(y_true * y_pred, axis=-1)
    negative = ops.max((1.0 - y_true) * y_pred, axis=-1)
    zero = ops.cast(0.0, y_pred.dtype)
    return ops.maximum(negative - positive + 1.0, zero)


@keras_export(_MODULE)
class Hinge(BuiltinLoss):
    """`hinge`; see `Loss` for the arguments."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction, name, dtype)


@keras_export(_MODULE)
class SquaredHinge(BuiltinLoss):
    """`squared_hinge`; see `Loss` for the arguments."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction, name, dtype)


@keras_export(_MODULE)
class CategoricalHinge(BuiltinLoss):
    """`categorical_hinge`; see `Loss` for the arguments."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction, name, dtype)
