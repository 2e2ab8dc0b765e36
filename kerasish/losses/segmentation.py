"""Overlap losses for segmentation masks: Dice and Tversky.

With ``axis=None`` (the default) the overlap is taken over the whole batch and the loss is
a scalar; ``axis=(1, 2, 3)`` on ``(batch, height, width, channels)`` gives one per sample.

Example:
>>> float(dice(jnp.array([1.0, 0.0]), jnp.array([1.0, 0.0])))
0.0
"""

from kerasish import ops
from kerasish.backend.config import epsilon
from kerasish.losses.loss import BuiltinLoss, check_broadcastable
from kerasish.saving.serialization import keras_export

_MODULE = "keras.losses"


@keras_export(_MODULE)
def dice(y_true, y_pred, axis=None):
    """``1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + epsilon)`` over ``axis``.

    Example:
    >>> y_true = jnp.array([[1.0, 1.0], [1.0, 0.0]])
    >>> [round(v, 4) for v in dice(y_true, jnp.array([[1.0, 0.0], [1.0, 0.0]]), axis=1).tolist()]
    [0.3333, 0.0]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    check_broadcastable(y_true, y_pred, "dice")
    intersection = ops.sum(y_true * y_pred, axis=axis)
    union = ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis) + epsilon()
    return 1 - ops.divide(2.0 * intersection, union)


@keras_export(_MODULE)
def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """``1 - TP / (TP + alpha * FP + beta * FN + epsilon)`` over ``axis`` (Salehi et al.,
    2017), with soft counts ``TP = sum(y_true * y_pred)``, ``FP = sum((1 - y_pred) * y_true)``
    and ``FN = sum(y_pred * (1 - y_true))`` -- Keras's naming, kept as it is.

    Example:
    >>> round(float(tversky(jnp.array([1.0, 0.0]), jnp.array([0.5, 0.5]))), 4)
    0.5
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    check_broadcastable(y_true, y_pred, "tversky")
    true_positives = ops.sum(y_true * y_pred, axis=axis)
    false_positives = ops.sum((1 - y_pred) * y_true, axis=axis)
    false_negatives = ops.sum(y_pred * (1 - y_true), axis=axis)
    denominator = true_positives + false_positives * alpha + false_negatives * beta + epsilon()
    return 1 - ops.divide(true_positives, denominator)


@keras_export(_MODULE)
class Dice(BuiltinLoss):
    """`dice` over ``axis`` (default None: everything); see `Loss` for the other arguments."""

    config_keys = ("axis",)

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, reduction, name, dtype, axis=axis)


@keras_export(_MODULE)
class Tversky(BuiltinLoss):
    """`tversky` with false-positive weight ``alpha`` and false-negative weight ``beta``
    (both 0.5, which gives `Dice`); see `Loss` for the other arguments."""

    config_keys = ("alpha", "beta", "axis")

    def __init__(
        self,
        alpha=0.5,
        beta=0.5,
        reduction="sum_over_batch_size",
        name="tversky",
        axis=None,
        dtype=None,
    ):
        super().__init__(tversky, reduction, name, dtype, alpha=alpha, beta=beta, axis=axis)
