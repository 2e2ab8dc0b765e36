"""Shared pieces of the metrics: thresholds, confusion counts, and (from the losses) rank
alignment and masks.

Every function here is traceable: shapes steer Python control flow, values never do.
"""

import enum

import jax
import jax.numpy as jnp
import numpy as np

from kerasish.backend.config import epsilon
from kerasish.losses.loss import apply_mask as apply_mask
from kerasish.losses.loss import squeeze_or_expand_to_same_rank as squeeze_or_expand_to_same_rank
from kerasish.ops import divide_no_nan as divide_no_nan

# Scores outside the top k are pushed below every threshold with this value (as Keras).
NEG_INF = -1e10

TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES = "tp", "fp", "tn", "fn"
_CONFUSION_KEYS = (TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES)


class AUCCurve(enum.Enum):
    """The curve `AUC` integrates: ROC, precision-recall, or precision-recall-gain."""

    ROC = "ROC"
    PR = "PR"
    PRGAIN = "PRGAIN"

    @staticmethod
    def from_str(key):
        for curve in AUCCurve:
            if key in (curve.value, curve.value.lower()):
                return curve
        raise ValueError(
            f'Invalid AUC curve value: "{key}". Expected values are ["PR", "ROC", "PRGAIN"]'
        )


class AUCSummationMethod(enum.Enum):
    """How `AUC` sums the area of each bucket: trapezoids, or the lower or upper rectangle."""

    INTERPOLATION = "interpolation"
    MAJORING = "majoring"
    MINORING = "minoring"

    @staticmethod
    def from_str(key):
        for method in AUCSummationMethod:
            if key in (method.value, method.value.capitalize()):
                return method
        raise ValueError(
            f'Invalid AUC summation method value: "{key}". '
            'Expected values are ["interpolation", "majoring", "minoring"]'
        )


def as_array(value, dtype=None):
    """``value`` (array-like or `Variable`) as a JAX array, cast to ``dtype`` when given."""
    value = jnp.asarray(value)
    return value if dtype is None else value.astype(dtype)


# -- thresholds --------------------------------------------------------------------------
def to_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def parse_init_thresholds(thresholds, default_threshold=0.5):
    """The thresholds as a list, checked to lie in [0, 1] when the user gave them."""
    if thresholds is not None:
        invalid = [t for t in to_list(thresholds) if t is None or t < 0 or t > 1]
        if invalid:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed_thresholds(thresholds):
    """Whether ``thresholds`` are ``i / (n - 1)`` for ``n >= 3``: then counts bucket in O(n)."""
    count = len(thresholds)
    if count < 3:
        return False
    even = np.arange(count, dtype=np.float32) / (count - 1)
    return bool(np.allclose(thresholds, even, atol=epsilon()))


# -- confusion counts --------------------------------------------------------------------
def update_confusion_matrix_variables(
    variables_to_update,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    thresholds_distributed_evenly=False,
):
    """Adds this batch's weighted confusion counts at each threshold to the variables.

    A prediction is positive at threshold ``t`` when ``y_pred > t``; a label is positive
    when ``y_true`` is non-zero.

    Arguments:
        variables_to_update: ``{key: Variable}`` with keys among `TRUE_POSITIVES`,
            `FALSE_POSITIVES`, `TRUE_NEGATIVES`, `FALSE_NEGATIVES`; each variable has shape
            ``(num_thresholds,)``, or ``(num_thresholds, num_labels)`` when ``multi_label``.
        y_true, y_pred: labels and scores of the same shape (up to a trailing unit axis).
        thresholds: a list of floats.
        top_k: keep only the k highest scores of each row before thresholding.
        class_id: count only this class (the last axis of ``y_pred``).
        sample_weight: broadcastable to ``y_pred``.
        multi_label: keep labels (the last axis) apart instead of flattening.
        label_weights: per-label weights (only without ``multi_label``).
        thresholds_distributed_evenly: whether the thresholds are ``i / (n - 1)`` (possibly
            widened by epsilon at both ends), which permits counting by bucketing.
    """
    if multi_label and label_weights is not None:
        raise ValueError(
            "`label_weights` for multilabel data should be handled outside of "
            "`update_confusion_matrix_variables` when `multi_label` is True."
        )
    invalid = [key for key in variables_to_update if key not in _CONFUSION_KEYS]
    if invalid or not variables_to_update:
        raise ValueError(
            f'Invalid keys: "{invalid}". Valid variable key options are: "{list(_CONFUSION_KEYS)}"'
        )
    dtype = next(iter(variables_to_update.values())).dtype
    y_true = as_array(y_true, dtype)
    y_pred = as_array(y_pred, dtype)
    with_epsilon = thresholds_distributed_evenly and (thresholds[0] < 0.0 or thresholds[-1] > 1.0)
    thresholds = jnp.asarray(np.asarray(thresholds), dtype)

    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = jnp.expand_dims(as_array(sample_weight, dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(
            y_true, sample_weight, expand_rank_1=False
        )
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes), found shape: {y_pred.shape}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]

    weights = None
    if sample_weight is not None:
        weights = jnp.broadcast_to(sample_weight, y_pred.shape)
    if label_weights is not None:
        label_weights = jnp.broadcast_to(jnp.expand_dims(as_array(label_weights), 0), y_pred.shape)
        weights = label_weights if weights is None else weights * label_weights
    if not multi_label:
        y_true, y_pred = y_true.reshape(-1), y_pred.reshape(-1)
        weights = None if weights is None else weights.reshape(-1)

    counter = _count_by_buckets if thresholds_distributed_evenly else _count_by_comparison
    counts = counter(
        set(variables_to_update), y_true, y_pred, weights, thresholds, multi_label, with_epsilon
    )
    for key, variable in variables_to_update.items():
        variable.assign(variable.value + counts[key])


def _count_by_comparison(keys, y_true, y_pred, weights, thresholds, multi_label, with_epsilon):
    """Counts by comparing every score with every threshold: O(thresholds x scores)."""
    del with_epsilon
    thresholds = thresholds.reshape((-1,) + (1,) * y_pred.ndim)
    pred_is_pos = y_pred[None] > thresholds  # (thresholds, *y_pred.shape)
    label_is_pos = jnp.broadcast_to(y_true.astype(bool)[None], pred_is_pos.shape)
    weights = 1.0 if weights is None else weights[None].astype(y_pred.dtype)

    def count(label, pred):
        return jnp.sum(jnp.where(label & pred, weights, 0).astype(y_pred.dtype), axis=1)

    pairs = {
        TRUE_POSITIVES: lambda: (label_is_pos, pred_is_pos),
        FALSE_POSITIVES: lambda: (~label_is_pos, pred_is_pos),
        TRUE_NEGATIVES: lambda: (~label_is_pos, ~pred_is_pos),
        FALSE_NEGATIVES: lambda: (label_is_pos, ~pred_is_pos),
    }
    return {key: count(*pairs[key]()) for key in keys}


def _count_by_buckets(keys, y_true, y_pred, weights, thresholds, multi_label, with_epsilon):
    """Counts for thresholds ``i / (n - 1)``: each score falls in one bucket, O(scores + n).

    A score ``p`` exceeds exactly the thresholds below bucket ``ceil(p * (n - 1)) - 1``, so a
    reversed cumulative sum of the per-bucket label weights gives the positives per threshold.
    """
    num_thresholds = thresholds.shape[0]
    dtype = y_pred.dtype
    weights = jnp.asarray(1.0, dtype) if weights is None else weights.astype(dtype)
    y_pred = jnp.clip(y_pred, 0.0, 1.0)
    y_true = y_true.astype(bool).astype(dtype)
    true_labels = y_true * weights
    false_labels = (1.0 - y_true) * weights
    buckets = jnp.ceil(y_pred * (num_thresholds - 1)) - 1
    if with_epsilon:
        # Thresholds widened by epsilon at both ends: a score of exactly 0 exceeds the first.
        buckets = jnp.maximum(buckets, 0)
    buckets = buckets.astype("int32")

    def per_threshold(labels):
        if multi_label:
            by_bucket = jax.vmap(lambda data, ids: jax.ops.segment_sum(data, ids, num_thresholds))(
                labels.T, buckets.T
            )
            return jnp.flip(jnp.cumsum(jnp.flip(by_bucket, 1), axis=1), 1).T
        by_bucket = jax.ops.segment_sum(labels, buckets, num_thresholds)
        return jnp.flip(jnp.cumsum(jnp.flip(by_bucket)))

    axis = 0 if multi_label else None
    counts = {}
    if keys & {TRUE_POSITIVES, FALSE_NEGATIVES}:
        counts[TRUE_POSITIVES] = per_threshold(true_labels)
        counts[FALSE_NEGATIVES] = jnp.sum(true_labels, axis=axis) - counts[TRUE_POSITIVES]
    if keys & {FALSE_POSITIVES, TRUE_NEGATIVES}:
        counts[FALSE_POSITIVES] = per_threshold(false_labels)
        counts[TRUE_NEGATIVES] = jnp.sum(false_labels, axis=axis) - counts[FALSE_POSITIVES]
    return counts


def filter_top_k(x, k):
    """``x`` with every entry outside the k largest of its last axis set to `NEG_INF`."""
    _, top_indices = jax.lax.top_k(x, k)
    in_top_k = jnp.sum(jax.nn.one_hot(top_indices, x.shape[-1], dtype=x.dtype), axis=-2)
    return x * in_top_k + NEG_INF * (1 - in_top_k)


def confusion_matrix(labels, predictions, num_classes, weights=None, dtype="int32"):
    """The ``(num_classes, num_classes)`` matrix of (weighted) label/prediction pair counts."""
    labels = as_array(labels, dtype)
    predictions = as_array(predictions, dtype)
    labels, predictions = squeeze_or_expand_to_same_rank(labels, predictions)
    values = jnp.ones_like(predictions) if weights is None else as_array(weights, dtype)
    matrix = jnp.zeros((int(num_classes), int(num_classes)), dtype)
    return matrix.at[labels.astype("int32"), predictions.astype("int32")].add(values)
