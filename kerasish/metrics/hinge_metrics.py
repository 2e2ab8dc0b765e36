"""Hinge metrics: the means of the hinge, squared hinge and categorical hinge losses."""

from kerasish.losses import categorical_hinge, hinge, squared_hinge
from kerasish.metrics.reduction_metrics import MeanMetricWrapper
from kerasish.saving.serialization import keras_export


class _HingeMean(MeanMetricWrapper):
    def __init__(self, fn, name, dtype):
        super().__init__(fn=fn, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics")
class Hinge(_HingeMean):
    """The mean of ``mean(max(1 - y_true * y_pred, 0), axis=-1)``; {0, 1} labels become {-1, 1}.

    Example:
    >>> round(float(Hinge()([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])), 4)
    1.3
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(hinge, name, dtype)


@keras_export("keras.metrics")
class SquaredHinge(_HingeMean):
    """The mean of ``mean(max(1 - y_true * y_pred, 0) ** 2, axis=-1)``; labels as `Hinge`."""

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name, dtype)


@keras_export("keras.metrics")
class CategoricalHinge(_HingeMean):
    """The mean of ``max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)``."""

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name, dtype)
