"""Probabilistic metrics: the means of cross-entropies, KL divergence and Poisson loss."""

from kerasish.losses import (
    binary_crossentropy,
    categorical_crossentropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from kerasish.metrics.reduction_metrics import MeanMetricWrapper
from kerasish.saving.serialization import keras_export


@keras_export("keras.metrics")
class KLDivergence(MeanMetricWrapper):
    """The mean of ``sum(y_true * log(y_true / y_pred), axis=-1)``.

    Example:
    >>> round(float(KLDivergence()([[0.0, 1.0]], [[0.4, 0.6]])), 4)
    0.5108
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(fn=kl_divergence, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics")
class Poisson(MeanMetricWrapper):
    """The mean of ``mean(y_pred - y_true * log(y_pred), axis=-1)``."""

    def __init__(self, name="poisson", dtype=None):
        super().__init__(fn=poisson, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics")
class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary cross-entropy between labels and predicted probabilities.

    Example:
    >>> round(float(BinaryCrossentropy()([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])), 4)
    0.8149

    Arguments:
        from_logits: whether ``y_pred`` are logits rather than probabilities.
        label_smoothing: squeezes labels towards 0.5 by this amount.
    """

    def __init__(
        self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0
    ):
        super().__init__(
            binary_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self._direction = "down"

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


@keras_export("keras.metrics")
class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean cross-entropy between one-hot labels and predicted class distributions.

    Arguments:
        from_logits: whether ``y_pred`` are logits rather than probabilities.
        label_smoothing: squeezes labels towards ``1 / num_classes`` by this amount.
        axis: the class axis.
    """

    def __init__(
        self,
        name="categorical_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
        axis=-1,
    ):
        super().__init__(
            categorical_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self._direction = "down"

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


@keras_export("keras.metrics")
class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean cross-entropy between integer labels and predicted class distributions.

    Arguments:
        from_logits: whether ``y_pred`` are logits rather than probabilities.
        ignore_class: a label whose samples score 0 and carry a mask. As in Keras, the
            mask only takes those samples out of the mean when a ``sample_weight`` is given.
        axis: the class axis.
    """

    def __init__(
        self,
        name="sparse_categorical_crossentropy",
        dtype=None,
        from_logits=False,
        ignore_class=None,
        axis=-1,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis
        self._direction = "down"

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }
