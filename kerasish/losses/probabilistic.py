"""Divergence losses between distributions: Kullback-Leibler and Poisson.

Example:
>>> float(kl_divergence(jnp.array([0.5, 0.5]), jnp.array([0.5, 0.5])))
0.0
"""

from kerasish import ops
from kerasish.backend.config import epsilon
from kerasish.losses.loss import BuiltinLoss, check_broadcastable
from kerasish.saving.serialization import keras_export

_MODULE = "keras.losses"


@keras_export(_MODULE)
def kl_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[epsilon, 1]``.

    Example:
    >>> round(float(kl_divergence(jnp.array([1.0, 0.0]), jnp.array([0.5, 0.5]))), 4)
    0.6931
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, y_pred.dtype)
    check_broadcastable(y_true, y_pred, "kl_divergence")
    y_true = ops.clip(y_true, epsilon(), 1)
    y_pred = ops.clip(y_pred, epsilon(), 1)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


@keras_export(_MODULE)
def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``.

    Example:
    >>> poisson(jnp.array([[0.0, 0.0]]), jnp.array([[1.0, 3.0]])).tolist()
    [2.0]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype)
    check_broadcastable(y_true, y_pred, "poisson")
    floor = ops.convert_to_tensor(epsilon(), dtype=y_pred.dtype)
    return ops.mean(y_pred - y_true * ops.log(y_pred + floor), axis=-1)


@keras_export(_MODULE)
class KLDivergence(BuiltinLoss):
    """`kl_divergence`; see `Loss` for the arguments."""

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction, name, dtype)


@keras_export(_MODULE)
class Poisson(BuiltinLoss):
    """`poisson`; see `Loss` for the arguments."""

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction, name, dtype)
