"""Intersection-over-union metrics for segmentation, over an accumulated confusion matrix.

For class ``c``: ``IoU = TP / (TP + FP + FN)``, read off the ``(num_classes,
num_classes)`` matrix of (label, prediction) counts.
"""

import warnings

import jax.numpy as jnp

from kerasish.backend.config import epsilon
from kerasish.metrics.metric import Metric
from kerasish.metrics.metrics_utils import as_array, confusion_matrix
from kerasish.saving.serialization import keras_export


class _IoUBase(Metric):
    """Accumulates the confusion matrix; the dtype defaults to ``"int32"`` (counts)."""

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(name=name, dtype=dtype or "int32")
        self._direction = "up"
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            name="total_confusion_matrix",
            shape=(num_classes, num_classes),
            initializer="zeros",
            dtype=self.dtype,
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's (weighted) confusion matrix.

        Labels and predictions outside ``[0, num_classes)`` and labels equal to
        ``ignore_class`` are left out. Weights are cast to the metric's dtype.
        """
        if not self.sparse_y_true:
            y_true = jnp.argmax(jnp.asarray(y_true), axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = jnp.argmax(jnp.asarray(y_pred), axis=self.axis)
        y_true = as_array(y_true, self.dtype).reshape(-1)
        y_pred = as_array(y_pred, self.dtype).reshape(-1)
        if sample_weight is None:
            sample_weight = 1
        elif "float" in str(getattr(sample_weight, "dtype", "")) and "int" in self.dtype:
            warnings.warn(
                "You are passing weight as `float`, but dtype is `int`. This may result in an "
                "incorrect weight due to type casting Consider using integer weights."
            )
        sample_weight = as_array(sample_weight, self.dtype)
        if sample_weight.ndim > 1:
            sample_weight = sample_weight.reshape(-1)
        sample_weight = jnp.broadcast_to(sample_weight, y_true.shape)

        in_range = (y_true >= 0) & (y_true < self.num_classes)
        in_range &= (y_pred >= 0) & (y_pred < self.num_classes)
        if self.ignore_class is not None:
            in_range &= y_true != jnp.asarray(self.ignore_class, y_true.dtype)
        y_true = jnp.where(in_range, y_true, 0)
        y_pred = jnp.where(in_range, y_pred, 0)
        sample_weight = jnp.where(in_range, sample_weight, 0).astype(self.dtype)
        current = confusion_matrix(
            y_true, y_pred, self.num_classes, weights=sample_weight, dtype=self.dtype
        )
        return self.total_cm.assign(self.total_cm.value + current)

    def reset_state(self):
        self.total_cm.assign(jnp.zeros(self.total_cm.shape, dtype=self.total_cm.dtype))


@keras_export("keras.metrics")
class IoU(_IoUBase):
    """The mean IoU over ``target_class_ids``, skipping classes never seen.

    Example:
    >>> m = IoU(num_classes=2, target_class_ids=[0])
    >>> round(float(m([0, 0, 1, 1], [0, 1, 0, 1])), 4)
    0.3333

    Arguments:
        num_classes: the number of classes (the confusion matrix is square of this size).
        target_class_ids: the classes whose IoU is averaged.
        ignore_class: a label value left out of the counts (e.g. a "void" class).
        sparse_y_true: labels are class ids (else one-hot/scores, arg-maxed on ``axis``).
        sparse_y_pred: predictions are class ids (else scores, arg-maxed on ``axis``).
        axis: the class axis of non-sparse inputs.
    """

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            name=name,
            num_classes=num_classes,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
            dtype=dtype,
        )
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"Target class id {max(target_class_ids)} is out of range, which is "
                f"[0, {num_classes})."
            )
        self.target_class_ids = list(target_class_ids)

    def result(self):
        matrix = self.total_cm.value
        predicted = jnp.sum(matrix, axis=0).astype(self.dtype)
        actual = jnp.sum(matrix, axis=1).astype(self.dtype)
        true_positives = jnp.diag(matrix).astype(self.dtype)
        union = predicted + actual - true_positives
        targets = jnp.asarray(self.target_class_ids, "int32")
        true_positives = jnp.take_along_axis(true_positives, targets, axis=-1).astype("float32")
        union = jnp.take_along_axis(union, targets, axis=-1).astype("float32")
        valid = union > 1e-9
        iou = jnp.where(valid, true_positives / (union + epsilon()), 0.0)
        return jnp.sum(iou, axis=self.axis) / (jnp.sum(valid.astype("float32")) + epsilon())

    def get_config(self):
        config = {
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }
        return {**super().get_config(), **config}


@keras_export("keras.metrics")
class BinaryIoU(IoU):
    """IoU for binary labels, with scores thresholded at ``threshold`` (``>=`` is class 1).

    Example:
    >>> m = BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
    >>> round(float(m([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])), 4)
    0.3333

    Arguments:
        target_class_ids: which of the classes 0 and 1 to average over.
        threshold: scores at or above it are predicted as class 1.
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = as_array(y_true, self.dtype)
        y_pred = (as_array(y_pred, "float32") >= self.threshold).astype(self.dtype)
        return super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self._dtype,
        }


@keras_export("keras.metrics")
class MeanIoU(IoU):
    """IoU averaged over all ``num_classes`` classes; arguments as `IoU`.

    Example:
    >>> m = MeanIoU(num_classes=2)
    >>> round(float(m([0, 0, 1, 1], [0, 1, 0, 1])), 4)
    0.3333
    """

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            name=name,
            num_classes=num_classes,
            target_class_ids=list(range(num_classes)),
            axis=axis,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
        )

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self._dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


@keras_export("keras.metrics")
class OneHotIoU(IoU):
    """`IoU` with one-hot labels and score predictions (both arg-maxed on ``axis``)."""

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_pred=False,
        axis=-1,
    ):
        super().__init__(
            num_classes=num_classes,
            target_class_ids=target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "name": self.name,
            "dtype": self._dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


@keras_export("keras.metrics")
class OneHotMeanIoU(MeanIoU):
    """`MeanIoU` with one-hot labels and score predictions (both arg-maxed on ``axis``)."""

    def __init__(
        self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1
    ):
        super().__init__(
            num_classes=num_classes,
            axis=axis,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
        )

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self._dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }
