"""Correlation metrics: Pearson's and Lin's concordance correlation, per sample."""

import jax.numpy as jnp

from kerasish.backend.config import epsilon
from kerasish.metrics.metrics_utils import as_array, squeeze_or_expand_to_same_rank
from kerasish.metrics.reduction_metrics import MeanMetricWrapper
from kerasish.saving.serialization import keras_export


def _aligned(y_true, y_pred):
    y_pred = jnp.asarray(y_pred)
    y_true = as_array(y_true, y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


@keras_export("keras.metrics")
def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation coefficient between ``y_true`` and ``y_pred`` along ``axis``."""
    y_true, y_pred = _aligned(y_true, y_pred)
    y_true = y_true - jnp.mean(y_true, axis=axis, keepdims=True)
    y_pred = y_pred - jnp.mean(y_pred, axis=axis, keepdims=True)
    y_true = y_true / jnp.std(y_true, axis=axis, keepdims=True)
    y_pred = y_pred / jnp.std(y_pred, axis=axis, keepdims=True)
    return jnp.mean(y_true * y_pred, axis=axis)


@keras_export("keras.metrics")
def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient along ``axis``, as Keras computes it."""
    y_true, y_pred = _aligned(y_true, y_pred)
    true_mean = jnp.mean(y_true, axis=axis, keepdims=True)
    pred_mean = jnp.mean(y_pred, axis=axis, keepdims=True)
    true_variance = jnp.var(y_true - true_mean, axis=axis, keepdims=True)
    pred_variance = jnp.var(y_pred - pred_mean, axis=axis, keepdims=True)
    # Keras centers y_true on the *prediction* mean here; kept for identical numbers.
    covariance = (y_true - pred_mean) * (y_pred - pred_mean)
    norm = true_variance + pred_variance + jnp.square(true_mean - pred_mean)
    return jnp.mean(2 * covariance / (norm + epsilon()), axis=axis)


class _CorrelationMean(MeanMetricWrapper):
    def __init__(self, fn, name, dtype, axis):
        super().__init__(fn=fn, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


@keras_export("keras.metrics")
class PearsonCorrelation(_CorrelationMean):
    """The mean over samples of `pearson_correlation` along ``axis``."""

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(pearson_correlation, name, dtype, axis)


@keras_export("keras.metrics")
class ConcordanceCorrelation(_CorrelationMean):
    """The mean over samples of `concordance_correlation` along ``axis``."""

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(concordance_correlation, name, dtype, axis)
