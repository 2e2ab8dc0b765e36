"""Regression metrics: mean errors, root mean squared error, cosine similarity, log-cosh
and the coefficient of determination `R2Score`."""

import warnings

import jax
import jax.numpy as jnp

from kerasish.losses import (
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from kerasish.metrics.metric import Metric
from kerasish.metrics.metrics_utils import as_array, squeeze_or_expand_to_same_rank
from kerasish.metrics.reduction_metrics import Mean, MeanMetricWrapper
from kerasish.ops.nn import normalize
from kerasish.saving.serialization import keras_export


def cosine_similarity(y_true, y_pred, axis=-1):
    """The cosine of the angle between ``y_true`` and ``y_pred`` along ``axis``."""
    y_pred = jnp.asarray(y_pred)
    y_true = as_array(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return jnp.sum(normalize(y_true, axis=axis) * normalize(y_pred, axis=axis), axis=axis)


class _LossMean(MeanMetricWrapper):
    """The mean of a per-sample loss function, with only ``name`` and ``dtype`` as config."""

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics")
class MeanSquaredError(_LossMean):
    """The mean of ``mean((y_true - y_pred) ** 2, axis=-1)``.

    Example:
    >>> float(MeanSquaredError()([[0, 1], [0, 0]], [[1, 1], [0, 0]]))
    0.25
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics")
class MeanAbsoluteError(_LossMean):
    """The mean of ``mean(abs(y_true - y_pred), axis=-1)``.

    Example:
    >>> float(MeanAbsoluteError()([[0, 1], [0, 0]], [[1, 1], [0, 0]]))
    0.25
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics")
class MeanAbsolutePercentageError(_LossMean):
    """The mean of ``100 * mean(abs((y_true - y_pred) / y_true), axis=-1)``."""

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics")
class MeanSquaredLogarithmicError(_LossMean):
    """The mean of ``mean((log(y_true + 1) - log(y_pred + 1)) ** 2, axis=-1)``."""

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics")
class RootMeanSquaredError(Mean):
    """``sqrt`` of the (weighted) mean of the element-wise squared errors.

    Example:
    >>> float(RootMeanSquaredError()([[0, 1], [0, 0]], [[1, 1], [0, 0]]))
    0.5
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = as_array(y_true, self._dtype)
        y_pred = as_array(y_pred, self._dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return super().update_state(jnp.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return jnp.sqrt(super().result())


@keras_export("keras.metrics")
class CosineSimilarity(_LossMean):
    """The mean cosine similarity between labels and predictions along ``axis``.

    Example:
    >>> round(float(CosineSimilarity()([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])), 4)
    0.5
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)
        self._direction = "up"


@keras_export("keras.metrics")
class LogCoshError(_LossMean):
    """The mean of ``mean(log(cosh(y_pred - y_true)), axis=-1)``."""

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(log_cosh, name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics")
class R2Score(Metric):
    """The coefficient of determination, ``1 - SS_residual / SS_total``, per output column.

    Inputs are ``(batch_size, output_dim)``; the variables are created from the first
    batch's shape (see `Metric.symbolic_build`).

    Example:
    >>> m = R2Score()
    >>> round(float(m(jnp.array([[1.0], [4.0], [3.0]]), jnp.array([[2.0], [4.0], [4.0]]))), 3)
    0.571

    Arguments:
        class_aggregation: how the per-column scores combine: ``"uniform_average"``,
            ``"variance_weighted_average"`` or None (one score per column).
        num_regressors: the number of independent regressors; above 0 gives the adjusted
            R2 (when there are more samples than regressors + 1).
    """

    def __init__(
        self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None
    ):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(
                f"Invalid value for argument `class_aggregation`. Expected one of {valid}. "
                f"Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), initializer="zeros", name="num_samples")
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). Received "
                f"input shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        if y_pred_shape[-1] is None or y_true_shape[-1] is None:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim), with "
                "output_dim fully defined (not None). Received input shapes: "
                f"y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        shape = (y_pred_shape[-1],)
        self.squared_sum = self.add_variable(shape, "zeros", name="squared_sum")
        self.sum = self.add_variable(shape, "zeros", name="sum")
        self.total_mse = self.add_variable(shape, "zeros", name="residual")
        self.count = self.add_variable(shape, "zeros", name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = as_array(y_true, self._dtype)
        y_pred = as_array(y_pred, self._dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        sample_weight = as_array(1 if sample_weight is None else sample_weight, self.dtype)
        if sample_weight.ndim == 1:
            sample_weight = jnp.expand_dims(sample_weight, axis=1)
        sample_weight = jnp.broadcast_to(sample_weight, y_true.shape).astype(y_true.dtype)
        weighted_y_true = y_true * sample_weight
        self.sum.assign_add(jnp.sum(weighted_y_true, axis=0))
        self.squared_sum.assign_add(jnp.sum(y_true * weighted_y_true, axis=0))
        self.total_mse.assign_add(jnp.sum((y_true - y_pred) ** 2 * sample_weight, axis=0))
        self.count.assign_add(jnp.sum(sample_weight, axis=0))
        self.num_samples.assign_add(y_true.size)

    def result(self):
        total_sum = self.sum.value
        mean = total_sum / self.count.value
        total = self.squared_sum.value - total_sum * mean
        raw_scores = 1 - (self.total_mse.value / total)
        raw_scores = jnp.where(jnp.isinf(raw_scores), 0.0, raw_scores)
        if self.class_aggregation == "uniform_average":
            r2_score = jnp.mean(raw_scores)
        elif self.class_aggregation == "variance_weighted_average":
            r2_score = jnp.sum(total * raw_scores) / jnp.sum(total)
        else:
            r2_score = raw_scores
        if self.num_regressors == 0:
            return r2_score
        num_samples = self.num_samples.value.astype("float32")
        _warn_if_not_adjustable(num_samples, self.num_regressors)
        regressors = jnp.asarray(self.num_regressors, "float32")
        adjusted = 1.0 - ((1.0 - r2_score) * (num_samples - 1.0)) / (num_samples - regressors - 1.0)
        # Too few samples for the adjustment: the plain score, as Keras falls back to.
        return jnp.where(regressors < num_samples - 1, adjusted, r2_score)

    def reset_state(self):
        for variable in self.variables:
            variable.assign(jnp.zeros(variable.shape, dtype=variable.dtype))

    def get_config(self):
        config = {
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
        return {**super().get_config(), **config}


def _warn_if_not_adjustable(num_samples, num_regressors):
    """Keras's warnings when the adjusted R2 falls back; only on concrete (eager) values."""
    if isinstance(num_samples, jax.core.Tracer):
        return
    num_samples = float(num_samples)
    if num_regressors > num_samples - 1:
        warnings.warn(
            "More independent predictors than datapoints in adjusted R2 score. "
            "Falling back to standard R2 score.",
            stacklevel=3,
        )
    elif num_regressors == num_samples - 1:
        warnings.warn(
            "Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
            stacklevel=3,
        )
