"""Metrics over confusion counts at thresholds: TP/FP/TN/FN, precision, recall, the
at-fixed-rate metrics and `AUC`.

A prediction counts as positive at threshold ``t`` when its score exceeds ``t``; the
counting itself lives in `metrics_utils.update_confusion_matrix_variables`.
"""

import jax
import jax.numpy as jnp
import numpy as np

from kerasish.backend.config import epsilon
from kerasish.metrics import metrics_utils
from kerasish.metrics.metric import Metric
from kerasish.metrics.metrics_utils import (
    FALSE_NEGATIVES,
    FALSE_POSITIVES,
    TRUE_NEGATIVES,
    TRUE_POSITIVES,
    AUCCurve,
    AUCSummationMethod,
    divide_no_nan,
)
from kerasish.saving.serialization import keras_export


class _ConfusionMatrixConditionCount(Metric):
    """The weighted count of one confusion condition at each threshold."""

    _condition = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(
            self.thresholds
        )
        self.accumulator = self.add_variable(
            shape=(len(self.thresholds),), initializer="zeros", name="accumulator"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        metrics_utils.update_confusion_matrix_variables(
            {self._condition: self.accumulator},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
        )

    def result(self):
        value = self.accumulator.value
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


@keras_export("keras.metrics")
class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false positives, at each threshold.

    Example:
    >>> m = FalsePositives()
    >>> float(m([0, 1, 0, 0], [0, 0, 1, 1]))
    2.0

    Arguments:
        thresholds: a float or list of floats in [0, 1]; defaults to 0.5. A list gives one
            count per threshold.
    """

    _condition = FALSE_POSITIVES


@keras_export("keras.metrics")
class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false negatives, at each threshold (see `FalsePositives`)."""

    _condition = FALSE_NEGATIVES


@keras_export("keras.metrics")
class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true negatives, at each threshold (see `FalsePositives`)."""

    _condition = TRUE_NEGATIVES


@keras_export("keras.metrics")
class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true positives, at each threshold (see `FalsePositives`)."""

    _condition = TRUE_POSITIVES


class _RateAtThresholds(Metric):
    """Shared body of `Precision` and `Recall`: ``tp / (tp + other)`` at each threshold."""

    _other_condition = None
    _other_name = None

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else metrics_utils.NEG_INF
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, default_threshold=default)
        self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(
            self.thresholds
        )
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self._other = self.add_variable(shape, "zeros", name=self._other_name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        metrics_utils.update_confusion_matrix_variables(
            {TRUE_POSITIVES: self.true_positives, self._other_condition: self._other},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self):
        true_positives = self.true_positives.value
        rate = divide_no_nan(true_positives, true_positives + self._other.value)
        return rate[0] if len(self.thresholds) == 1 else rate

    def reset_state(self):
        shape = (len(self.thresholds),)
        self.true_positives.assign(jnp.zeros(shape))
        self._other.assign(jnp.zeros(shape))

    def get_config(self):
        config = {
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }
        return {**super().get_config(), **config}


@keras_export("keras.metrics")
class Precision(_RateAtThresholds):
    """``true_positives / (true_positives + false_positives)``.

    Example:
    >>> m = Precision()
    >>> float(m([0, 1, 1, 1], [1, 0, 1, 1]))
    0.6666666865348816

    Arguments:
        thresholds: a float or list of floats in [0, 1] above which a score is positive;
            defaults to 0.5 (or, with ``top_k``, to "any score in the top k").
        top_k: consider only the k highest scores of each sample positive.
        class_id: compute the metric for this class only.
    """

    _other_condition = FALSE_POSITIVES
    _other_name = "false_positives"

    @property
    def false_positives(self):
        return self._other


@keras_export("keras.metrics")
class Recall(_RateAtThresholds):
    """``true_positives / (true_positives + false_negatives)``; arguments as `Precision`.

    Example:
    >>> m = Recall()
    >>> float(m([0, 1, 1, 1], [1, 0, 1, 1]))
    0.6666666865348816
    """

    _other_condition = FALSE_NEGATIVES
    _other_name = "false_negatives"

    @property
    def false_negatives(self):
        return self._other


class SensitivitySpecificityBase(Metric):
    """Keeps TP/FP/TN/FN at ``num_thresholds`` even thresholds for the at-rate metrics.

    Subclasses compute one rate under the constraint that another reaches ``value``.
    """

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if num_thresholds <= 0:
            raise ValueError(
                "Argument `num_thresholds` must be an integer > 0. "
                f"Received: num_thresholds={num_thresholds}"
            )
        self.value = value
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._thresholds_distributed_evenly = False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0] + inner + [1.0]
            self._thresholds_distributed_evenly = True
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape, "zeros", name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        metrics_utils.update_confusion_matrix_variables(
            {
                TRUE_POSITIVES: self.true_positives,
                TRUE_NEGATIVES: self.true_negatives,
                FALSE_POSITIVES: self.false_positives,
                FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def reset_state(self):
        for variable in self.variables:
            variable.assign(jnp.zeros((len(self.thresholds),)))

    # Set by each subclass: its constraint argument, the rate it constrains, the rate it maximizes.
    _constraint = _constrained = _maximized = None

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates[self._constrained], rates[self._maximized])

    def get_config(self):
        return {
            **super().get_config(),
            "class_id": self.class_id,
            "num_thresholds": self.num_thresholds,
            self._constraint: getattr(self, self._constraint),
        }

    def _rates(self):
        """``{"recall" (= sensitivity), "specificity", "precision"}`` at each threshold."""
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        return {
            "recall": divide_no_nan(tp, tp + fn),
            "specificity": divide_no_nan(tn, tn + fp),
            "precision": divide_no_nan(tp, tp + fp),
        }

    def _find_max_under_constraint(self, constrained, dependent):
        """The largest ``dependent`` among thresholds where ``constrained >= value`` (else 0)."""
        feasible = constrained >= self.value
        return jnp.max(jnp.where(feasible, dependent, 0), initial=0)


def _check_rate(name, value):
    if value < 0 or value > 1:
        raise ValueError(f"Argument `{name}` must be in the range [0, 1]. Received: {name}={value}")


@keras_export("keras.metrics")
class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """The best sensitivity (recall) among thresholds whose specificity is at least ``specificity``.

    Example:
    >>> m = SensitivityAtSpecificity(0.5)
    >>> float(m([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]))
    0.5

    Arguments:
        specificity: the minimal specificity, in [0, 1].
        num_thresholds: how many evenly spaced thresholds in [0, 1] to try.
        class_id: compute the metric for this class only.
    """

    _constraint, _constrained, _maximized = "specificity", "specificity", "recall"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("specificity", specificity)
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(specificity, num_thresholds, class_id=class_id, name=name, dtype=dtype)


@keras_export("keras.metrics")
class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """The best specificity among thresholds whose sensitivity is at least ``sensitivity``.

    Arguments are those of `SensitivityAtSpecificity`, with ``sensitivity`` the constraint.
    """

    _constraint, _constrained, _maximized = "sensitivity", "recall", "specificity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("sensitivity", sensitivity)
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(sensitivity, num_thresholds, class_id=class_id, name=name, dtype=dtype)


@keras_export("keras.metrics")
class PrecisionAtRecall(SensitivitySpecificityBase):
    """The best precision among thresholds whose recall is at least ``recall``.

    Arguments are those of `SensitivityAtSpecificity`, with ``recall`` the constraint.
    """

    _constraint, _constrained, _maximized = "recall", "recall", "precision"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("recall", recall)
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(recall, num_thresholds, class_id=class_id, name=name, dtype=dtype)


@keras_export("keras.metrics")
class RecallAtPrecision(SensitivitySpecificityBase):
    """The best recall among thresholds whose precision is at least ``precision``.

    Arguments are those of `SensitivityAtSpecificity`, with ``precision`` the constraint.
    """

    _constraint, _constrained, _maximized = "precision", "precision", "recall"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("precision", precision)
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(precision, num_thresholds, class_id=class_id, name=name, dtype=dtype)


@keras_export("keras.metrics")
class AUC(Metric):
    """The area under the ROC or precision-recall curve, by a Riemann sum over thresholds.

    Example:
    >>> m = AUC(num_thresholds=3)
    >>> float(m([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]))
    0.75

    Arguments:
        num_thresholds: how many evenly spaced thresholds (> 1) discretize the curve.
        curve: ``"ROC"``, ``"PR"`` (precision-recall) or ``"PRGAIN"``.
        summation_method: ``"interpolation"`` (trapezoids; for PR, Davis & Goadrich's
            interpolation), ``"minoring"`` or ``"majoring"`` (lower or upper rectangles).
        thresholds: explicit thresholds in [0, 1], used instead of ``num_thresholds``.
        multi_label: keep one curve per label (the last axis of ``y_pred``, which must be
            2D) and average the areas, instead of flattening all labels into one curve.
        num_labels: the number of labels with ``multi_label``; else the variables are
            created from the first batch (see `Metric.symbolic_build`).
        label_weights: per-label weights: of the averaged areas with ``multi_label``, of
            the confusion counts without.
        from_logits: ``y_pred`` are logits (a sigmoid is applied first).
    """

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        self._direction = "up"
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(
                np.array([0.0] + thresholds + [1.0])
            )
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        # The end thresholds sit just outside [0, 1] so that scores of exactly 0 and 1 count.
        self._thresholds = np.array([0.0 - epsilon()] + thresholds + [1.0 + epsilon()])
        self.curve = curve if isinstance(curve, AUCCurve) else AUCCurve.from_str(curve)
        self.summation_method = (
            summation_method
            if isinstance(summation_method, AUCSummationMethod)
            else AUCSummationMethod.from_str(summation_method)
        )
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        if label_weights is not None:
            self.label_weights = jnp.asarray(label_weights, dtype=self.dtype)
        else:
            self.label_weights = None
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build([None, num_labels])
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self):
        """The thresholds, including the two just outside [0, 1]."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    "`y_pred` must have rank 2 when `multi_label=True`. "
                    f"Found rank {len(shape)}. Full shape received for `y_pred`: {shape}"
                )
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        self.true_positives = self.add_variable(variable_shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(variable_shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(variable_shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(variable_shape, "zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = jnp.asarray(y_pred)
        if not self._built:
            self._build(y_pred.shape)
        if self._from_logits:
            y_pred = jax.nn.sigmoid(y_pred)
        metrics_utils.update_confusion_matrix_variables(
            {
                TRUE_POSITIVES: self.true_positives,
                TRUE_NEGATIVES: self.true_negatives,
                FALSE_POSITIVES: self.false_positives,
                FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            self._thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _average_over_labels(self, per_label):
        if self.label_weights is None:
            return jnp.mean(per_label)
        return divide_no_nan(jnp.sum(per_label * self.label_weights), jnp.sum(self.label_weights))

    def interpolate_pr_auc(self):
        """The PR area with Davis & Goadrich's (2006) interpolation between thresholds.

        Between two thresholds precision is interpolated along the line that joins them in
        (true positives, predicted positives) space, which integrates in closed form.
        """
        tp, fp, fn = (
            self.true_positives.value,
            self.false_positives.value,
            self.false_negatives.value,
        )
        n = self.num_thresholds
        delta_tp = tp[: n - 1] - tp[1:]
        positives = tp + fp
        delta_positives = positives[: n - 1] - positives[1:]
        slope = divide_no_nan(delta_tp, jnp.maximum(delta_positives, 0))
        intercept = tp[1:] - slope * positives[1:]
        safe_ratio = jnp.where(
            (positives[: n - 1] > 0) & (positives[1:] > 0),
            divide_no_nan(positives[: n - 1], jnp.maximum(positives[1:], 0)),
            jnp.ones_like(positives[1:]),
        )
        increments = divide_no_nan(
            slope * (delta_tp + intercept * jnp.log(safe_ratio)),
            jnp.maximum(tp[1:] + fn[1:], 0),
        )
        if self.multi_label:
            return self._average_over_labels(jnp.sum(increments, axis=0))
        return jnp.sum(increments)

    def _curve_points(self):
        """``(x, y)`` of the curve at each threshold."""
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == AUCCurve.ROC:
            return divide_no_nan(fp, fp + tn), recall
        if self.curve == AUCCurve.PR:
            return recall, divide_no_nan(tp, tp + fp)
        scaling = divide_no_nan(tp + fn, tn + fp)
        recall_gain = 1.0 - scaling * divide_no_nan(fn, tp)
        precision_gain = 1.0 - scaling * divide_no_nan(fp, tp)
        recall_gain = jnp.maximum(jnp.where(tp == 0.0, 0.0, recall_gain), 0.0)
        precision_gain = jnp.where(tp == 0.0, 1.0, precision_gain)
        return recall_gain, precision_gain

    def result(self):
        if self.curve == AUCCurve.PR and self.summation_method == AUCSummationMethod.INTERPOLATION:
            return self.interpolate_pr_auc()
        x, y = self._curve_points()
        n = self.num_thresholds
        if self.summation_method == AUCSummationMethod.INTERPOLATION:
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == AUCSummationMethod.MINORING:
            heights = jnp.minimum(y[: n - 1], y[1:])
        else:
            heights = jnp.maximum(y[: n - 1], y[1:])
        areas = (x[: n - 1] - x[1:]) * heights
        if self.multi_label:
            return self._average_over_labels(jnp.sum(areas, axis=0))
        return jnp.sum(areas)

    def reset_state(self):
        if self._built:
            for variable in self.variables:
                variable.assign(jnp.zeros(variable.shape))

    @classmethod
    def from_config(cls, config):
        weights = config.get("label_weights")
        if isinstance(weights, dict) and weights.get("class_name") in ("__tensor__", "__numpy__"):
            # Keras writes the weights as a serialized tensor and cannot read them back.
            value = weights["config"]
            config = {**config, "label_weights": np.array(value["value"], dtype=value["dtype"])}
        return cls(**config)

    def get_config(self):
        config = {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve.value,
            "summation_method": self.summation_method.value,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": self.label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return {**super().get_config(), **config}
