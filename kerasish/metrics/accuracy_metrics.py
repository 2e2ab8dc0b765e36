"""Accuracy metrics: how often predictions match labels, exactly or within the top k."""

import jax.numpy as jnp

from kerasish.backend.config import floatx
from kerasish.metrics.metrics_utils import as_array, squeeze_or_expand_to_same_rank
from kerasish.metrics.reduction_metrics import MeanMetricWrapper
from kerasish.ops.math import in_top_k
from kerasish.saving.serialization import keras_export


def accuracy(y_true, y_pred):
    """1.0 where ``y_true == y_pred``, else 0.0."""
    y_pred = jnp.asarray(y_pred)
    y_true = as_array(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return (y_true == y_pred).astype(floatx())


@keras_export("keras.metrics")
def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where ``y_pred > threshold`` agrees with ``y_true``, else 0.0."""
    y_pred, y_true = jnp.asarray(y_pred), jnp.asarray(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = (y_pred > jnp.asarray(threshold)).astype(y_true.dtype)
    return (y_true == y_pred).astype(floatx())


@keras_export("keras.metrics")
def categorical_accuracy(y_true, y_pred):
    """1.0 where the arg-max of one-hot ``y_true`` equals the arg-max of ``y_pred``."""
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.argmax(jnp.asarray(y_true), axis=-1).astype(y_pred.dtype)
    original_shape = y_true.shape
    reshape_matches = y_true.ndim == y_pred.ndim
    if reshape_matches:
        y_true = jnp.squeeze(y_true, -1)
    y_pred = jnp.argmax(y_pred, axis=-1).astype(y_true.dtype)
    matches = (y_true == y_pred).astype(floatx())
    return matches.reshape(original_shape) if reshape_matches else matches


@keras_export("keras.metrics")
def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label ``y_true`` equals the arg-max of ``y_pred``."""
    y_pred = jnp.asarray(y_pred)
    y_true = as_array(y_true, y_pred.dtype)
    original_shape = y_true.shape
    reshape_matches = y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1
    if reshape_matches:
        y_true = jnp.squeeze(y_true, -1)
    y_pred = jnp.argmax(y_pred, axis=-1).astype(y_true.dtype)
    matches = (y_true == y_pred).astype(floatx())
    if reshape_matches:
        matches = matches.reshape(original_shape)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = jnp.squeeze(matches, -1)
    return matches


def _flatten_for_top_k(y_true, y_pred):
    """``y_pred`` as ``(samples, classes)`` and ``y_true`` as ``(samples,)``."""
    if y_pred.ndim > 2:
        y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    return y_true.reshape(-1), y_pred


@keras_export("keras.metrics")
def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the class of one-hot ``y_true`` is among the ``k`` highest of ``y_pred``."""
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.argmax(as_array(y_true, y_pred.dtype), axis=-1)
    original_shape = y_true.shape
    labels, y_pred = _flatten_for_top_k(y_true, y_pred)
    matches = in_top_k(labels.astype("int32"), y_pred, k=k).astype(floatx())
    return matches.reshape(original_shape) if len(original_shape) > 1 else matches


@keras_export("keras.metrics")
def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the ``k`` highest scores of ``y_pred``.

    With ``from_sorted_ids``, ``y_pred`` holds class ids sorted by decreasing score
    (as a retrieval layer returns them) and the first ``k`` are searched.
    """
    y_pred = jnp.asarray(y_pred)
    y_true = as_array(y_true, y_pred.dtype if from_sorted_ids else "int32")
    original_shape = y_true.shape
    labels, y_pred = _flatten_for_top_k(y_true, y_pred)
    if from_sorted_ids:
        matches = jnp.any(labels[:, None] == y_pred[:, :k], axis=1)
    else:
        matches = in_top_k(labels, y_pred, k=k)
    matches = matches.astype(floatx())
    return matches.reshape(original_shape) if len(original_shape) > 1 else matches


@keras_export("keras.metrics")
class Accuracy(MeanMetricWrapper):
    """How often ``y_pred`` equals ``y_true``.

    Example:
    >>> m = Accuracy()
    >>> float(m([[1], [2], [3], [4]], [[0], [2], [3], [4]]))
    0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics")
class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches the binary label.

    Example:
    >>> m = BinaryAccuracy()
    >>> float(m([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]))
    0.75

    Arguments:
        threshold: the score above which a prediction counts as 1.
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


@keras_export("keras.metrics")
class CategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of ``y_pred`` is the class of the one-hot ``y_true``.

    Example:
    >>> m = CategoricalAccuracy()
    >>> float(m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
    0.5
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics")
class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of ``y_pred`` is the integer label ``y_true``.

    Example:
    >>> m = SparseCategoricalAccuracy()
    >>> float(m([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]))
    0.5
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics")
class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target's class is among the ``k`` highest predictions.

    Example:
    >>> m = TopKCategoricalAccuracy(k=1)
    >>> float(m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
    0.5
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


@keras_export("keras.metrics")
class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the ``k`` highest predictions.

    Example:
    >>> m = SparseTopKCategoricalAccuracy(k=1)
    >>> float(m([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
    0.5

    Arguments:
        k: how many of the top predictions count.
        from_sorted_ids: ``y_pred`` holds class ids sorted by decreasing score.
    """

    def __init__(
        self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False
    ):
        super().__init__(
            fn=sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids
        self._direction = "up"

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
