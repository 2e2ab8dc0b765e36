"""`FBetaScore` and `F1Score`: the weighted harmonic mean of precision and recall."""

import jax.numpy as jnp

from kerasish.backend.config import epsilon
from kerasish.metrics.metric import Metric
from kerasish.metrics.metrics_utils import as_array
from kerasish.saving.serialization import keras_export


@keras_export("keras.metrics")
class FBetaScore(Metric):
    """``(1 + beta**2) * precision * recall / (beta**2 * precision + recall)``.

    Inputs are ``(batch_size, num_classes)``; the variables are created from the first
    batch's shape (see `Metric.symbolic_build`).

    Example:
    >>> y_true = jnp.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]])
    >>> y_pred = jnp.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
    >>> m = FBetaScore(beta=2.0, threshold=0.5)
    >>> m.update_state(y_true, y_pred)
    >>> [round(float(score), 3) for score in m.result()]
    [0.385, 0.909, 0.833]

    Arguments:
        average: None (one score per class), ``"micro"`` (pool all classes),
            ``"macro"`` (unweighted mean of class scores) or ``"weighted"`` (mean
            weighted by each class's true count).
        beta: the weight of recall relative to precision (a float > 0).
        threshold: scores above it are positive; None marks the highest score of each
            row positive.
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                "Invalid `average` argument value. Expected one of: "
                "{None, 'micro', 'macro', 'weighted'}. "
                f"Received: average={average}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                "Invalid `beta` argument value. It should be a Python float. "
                f"Received: beta={beta} of type '{type(beta)}'"
            )
        if beta <= 0.0:
            raise ValueError(
                f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}"
            )
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    "Invalid `threshold` argument value. It should be a Python float. "
                    f"Received: threshold={threshold} of type '{type(threshold)}'"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    "Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                    f"Received: threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received "
                f"input shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        if y_pred_shape[-1] is None or y_true_shape[-1] is None:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim), with "
                "output_dim fully defined (not None). Received input shapes: "
                f"y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        for name in (
            "true_positives",
            "false_positives",
            "false_negatives",
            "intermediate_weights",
        ):
            setattr(self, name, self.add_variable(shape, "zeros", dtype=self.dtype, name=name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = as_array(y_true, self.dtype)
        y_pred = as_array(y_pred, self.dtype)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if self.threshold is None:
            row_max = jnp.max(y_pred, axis=-1, keepdims=True)
            y_pred = (y_pred >= row_max) & (jnp.abs(y_pred) > 1e-9)
        else:
            y_pred = y_pred > self.threshold
        y_pred = y_pred.astype(self.dtype)
        if sample_weight is not None:
            sample_weight = as_array(sample_weight, self.dtype)

        def weighted_sum(value):
            if sample_weight is not None:
                value = value * jnp.expand_dims(sample_weight, 1)
            return jnp.sum(value, axis=self.axis)

        self.true_positives.assign_add(weighted_sum(y_pred * y_true))
        self.false_positives.assign_add(weighted_sum(y_pred * (1 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1 - y_pred) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self):
        tp = self.true_positives.value
        precision = tp / (tp + self.false_positives.value + epsilon())
        recall = tp / (tp + self.false_negatives.value + epsilon())
        beta_squared = self.beta**2
        score = precision * recall / (beta_squared * precision + recall + epsilon())
        score = score * (1 + beta_squared)
        if self.average == "weighted":
            weights = self.intermediate_weights.value
            weights = weights / (jnp.sum(weights) + epsilon())
            return jnp.sum(score * weights)
        if self.average is not None:
            return jnp.mean(score)
        return score

    def get_config(self):
        config = {"average": self.average, "beta": self.beta, "threshold": self.threshold}
        return {**super().get_config(), **config}


@keras_export("keras.metrics")
class F1Score(FBetaScore):
    """`FBetaScore` with ``beta=1``: the harmonic mean of precision and recall.

    Example:
    >>> y_true = jnp.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]])
    >>> y_pred = jnp.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
    >>> m = F1Score(threshold=0.5)
    >>> m.update_state(y_true, y_pred)
    >>> [round(float(score), 3) for score in m.result()]
    [0.5, 0.8, 0.667]
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
