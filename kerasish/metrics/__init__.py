"""`keras.metrics`: metric classes, the per-sample functions Keras exports with them, and
`get` / `serialize` / `deserialize`.

Every metric is stateful outside (``update_state``, ``result``, ``reset_state``) and pure
inside (``stateless_update_state``, ``stateless_result``, ``stateless_reset_state``).
"""

import inspect

from kerasish.engine.naming import to_snake_case
from kerasish.losses import binary_crossentropy as binary_crossentropy
from kerasish.losses import (
    binary_focal_crossentropy as binary_focal_crossentropy,
)
from kerasish.losses import categorical_crossentropy as categorical_crossentropy
from kerasish.losses import (
    categorical_focal_crossentropy as categorical_focal_crossentropy,
)
from kerasish.losses import categorical_hinge as categorical_hinge
from kerasish.losses import hinge as hinge
from kerasish.losses import huber as huber
from kerasish.losses import kl_divergence as kl_divergence
from kerasish.losses import log_cosh as log_cosh
from kerasish.losses import mean_absolute_error as mean_absolute_error
from kerasish.losses import (
    mean_absolute_percentage_error as mean_absolute_percentage_error,
)
from kerasish.losses import mean_squared_error as mean_squared_error
from kerasish.losses import (
    mean_squared_logarithmic_error as mean_squared_logarithmic_error,
)
from kerasish.losses import poisson as poisson
from kerasish.losses import (
    sparse_categorical_crossentropy as sparse_categorical_crossentropy,
)
from kerasish.losses import squared_hinge as squared_hinge
from kerasish.metrics.accuracy_metrics import Accuracy as Accuracy
from kerasish.metrics.accuracy_metrics import BinaryAccuracy as BinaryAccuracy
from kerasish.metrics.accuracy_metrics import CategoricalAccuracy as CategoricalAccuracy
from kerasish.metrics.accuracy_metrics import SparseCategoricalAccuracy as SparseCategoricalAccuracy
from kerasish.metrics.accuracy_metrics import (
    SparseTopKCategoricalAccuracy as SparseTopKCategoricalAccuracy,
)
from kerasish.metrics.accuracy_metrics import TopKCategoricalAccuracy as TopKCategoricalAccuracy
from kerasish.metrics.accuracy_metrics import binary_accuracy as binary_accuracy
from kerasish.metrics.accuracy_metrics import categorical_accuracy as categorical_accuracy
from kerasish.metrics.accuracy_metrics import (
    sparse_categorical_accuracy as sparse_categorical_accuracy,
)
from kerasish.metrics.accuracy_metrics import (
    sparse_top_k_categorical_accuracy as sparse_top_k_categorical_accuracy,
)
from kerasish.metrics.accuracy_metrics import (
    top_k_categorical_accuracy as top_k_categorical_accuracy,
)
from kerasish.metrics.confusion_metrics import AUC as AUC
from kerasish.metrics.confusion_metrics import FalseNegatives as FalseNegatives
from kerasish.metrics.confusion_metrics import FalsePositives as FalsePositives
from kerasish.metrics.confusion_metrics import Precision as Precision
from kerasish.metrics.confusion_metrics import PrecisionAtRecall as PrecisionAtRecall
from kerasish.metrics.confusion_metrics import Recall as Recall
from kerasish.metrics.confusion_metrics import RecallAtPrecision as RecallAtPrecision
from kerasish.metrics.confusion_metrics import SensitivityAtSpecificity as SensitivityAtSpecificity
from kerasish.metrics.confusion_metrics import SpecificityAtSensitivity as SpecificityAtSensitivity
from kerasish.metrics.confusion_metrics import TrueNegatives as TrueNegatives
from kerasish.metrics.confusion_metrics import TruePositives as TruePositives
from kerasish.metrics.correlation_metrics import ConcordanceCorrelation as ConcordanceCorrelation
from kerasish.metrics.correlation_metrics import PearsonCorrelation as PearsonCorrelation
from kerasish.metrics.correlation_metrics import concordance_correlation as concordance_correlation
from kerasish.metrics.correlation_metrics import pearson_correlation as pearson_correlation
from kerasish.metrics.f_score_metrics import F1Score as F1Score
from kerasish.metrics.f_score_metrics import FBetaScore as FBetaScore
from kerasish.metrics.hinge_metrics import CategoricalHinge as CategoricalHinge
from kerasish.metrics.hinge_metrics import Hinge as Hinge
from kerasish.metrics.hinge_metrics import SquaredHinge as SquaredHinge
from kerasish.metrics.iou_metrics import BinaryIoU as BinaryIoU
from kerasish.metrics.iou_metrics import IoU as IoU
from kerasish.metrics.iou_metrics import MeanIoU as MeanIoU
from kerasish.metrics.iou_metrics import OneHotIoU as OneHotIoU
from kerasish.metrics.iou_metrics import OneHotMeanIoU as OneHotMeanIoU
from kerasish.metrics.metric import Metric as Metric
from kerasish.metrics.probabilistic_metrics import BinaryCrossentropy as BinaryCrossentropy
from kerasish.metrics.probabilistic_metrics import (
    CategoricalCrossentropy as CategoricalCrossentropy,
)
from kerasish.metrics.probabilistic_metrics import KLDivergence as KLDivergence
from kerasish.metrics.probabilistic_metrics import Poisson as Poisson
from kerasish.metrics.probabilistic_metrics import (
    SparseCategoricalCrossentropy as SparseCategoricalCrossentropy,
)
from kerasish.metrics.reduction_metrics import Mean as Mean
from kerasish.metrics.reduction_metrics import MeanMetricWrapper as MeanMetricWrapper
from kerasish.metrics.reduction_metrics import Sum as Sum
from kerasish.metrics.regression_metrics import CosineSimilarity as CosineSimilarity
from kerasish.metrics.regression_metrics import LogCoshError as LogCoshError
from kerasish.metrics.regression_metrics import MeanAbsoluteError as MeanAbsoluteError
from kerasish.metrics.regression_metrics import (
    MeanAbsolutePercentageError as MeanAbsolutePercentageError,
)
from kerasish.metrics.regression_metrics import MeanSquaredError as MeanSquaredError
from kerasish.metrics.regression_metrics import (
    MeanSquaredLogarithmicError as MeanSquaredLogarithmicError,
)
from kerasish.metrics.regression_metrics import R2Score as R2Score
from kerasish.metrics.regression_metrics import RootMeanSquaredError as RootMeanSquaredError
from kerasish.saving.serialization import deserialize_keras_object, serialize_keras_object

_ALL_CLASSES = (
    Metric, Mean, Sum, MeanMetricWrapper,
    MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, LogCoshError, R2Score,
    AUC, FalseNegatives, FalsePositives, Precision, PrecisionAtRecall, Recall,
    RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity, TrueNegatives,
    TruePositives,
    ConcordanceCorrelation, PearsonCorrelation,
    Hinge, SquaredHinge, CategoricalHinge,
    KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
    F1Score, FBetaScore,
    IoU, BinaryIoU, MeanIoU, OneHotIoU, OneHotMeanIoU,
)  # fmt: skip

# The names `get` and `deserialize` resolve, as Keras's table: class names, their snake
# case ("mean_squared_error" is the class, as in Keras), and the usual abbreviations.
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _ALL_CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in _ALL_CLASSES})
ALL_OBJECTS_DICT.update(
    {
        "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
        "mse": MeanSquaredError, "MSE": MeanSquaredError,
        "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
        "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
        "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
    }
)  # fmt: skip


def serialize(metric):
    """The Keras 3 config dict of a `Metric` instance or a metric function."""
    return serialize_keras_object(metric)


def deserialize(config, custom_objects=None):
    """The metric (instance, or class/function for a bare name) a config or name describes."""
    return deserialize_keras_object(
        config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects
    )


def get(identifier):
    """A metric from a name (``"mse"``, ``"AUC"``), a config dict, a class, or a callable.

    Classes (and names of classes) are instantiated with their defaults.

    Example:
    >>> get("mse")
    <MeanSquaredError name=mean_squared_error>
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        metric = deserialize(identifier)
    elif isinstance(identifier, str):
        metric = ALL_OBJECTS_DICT.get(identifier)
    else:
        metric = identifier
    if callable(metric):
        return metric() if inspect.isclass(metric) else metric
    raise ValueError(f"Could not interpret metric identifier: {identifier}")
