"""Every built-in loss class and function in one namespace, as Keras's ``losses.losses``
module holds them, plus the short aliases (``mse``, ``kld`` ...). The code lives in one
module per family: `regression`, `probabilistic`, `crossentropy`, `hinge`, `segmentation`,
`circle` and `ctc`.
"""

from kerasish.losses.circle import Circle as Circle
from kerasish.losses.circle import circle as circle
from kerasish.losses.crossentropy import BinaryCrossentropy as BinaryCrossentropy
from kerasish.losses.crossentropy import BinaryFocalCrossentropy as BinaryFocalCrossentropy
from kerasish.losses.crossentropy import CategoricalCrossentropy as CategoricalCrossentropy
from kerasish.losses.crossentropy import (
    CategoricalFocalCrossentropy as CategoricalFocalCrossentropy,
)
from kerasish.losses.crossentropy import (
    CategoricalGeneralizedCrossEntropy as CategoricalGeneralizedCrossEntropy,
)
from kerasish.losses.crossentropy import (
    SparseCategoricalCrossentropy as SparseCategoricalCrossentropy,
)
from kerasish.losses.crossentropy import binary_crossentropy as binary_crossentropy
from kerasish.losses.crossentropy import binary_focal_crossentropy as binary_focal_crossentropy
from kerasish.losses.crossentropy import categorical_crossentropy as categorical_crossentropy
from kerasish.losses.crossentropy import (
    categorical_focal_crossentropy as categorical_focal_crossentropy,
)
from kerasish.losses.crossentropy import (
    categorical_generalized_cross_entropy as categorical_generalized_cross_entropy,
)
from kerasish.losses.crossentropy import (
    sparse_categorical_crossentropy as sparse_categorical_crossentropy,
)
from kerasish.losses.ctc import CTC as CTC
from kerasish.losses.ctc import ctc as ctc
from kerasish.losses.hinge import CategoricalHinge as CategoricalHinge
from kerasish.losses.hinge import Hinge as Hinge
from kerasish.losses.hinge import SquaredHinge as SquaredHinge
from kerasish.losses.hinge import categorical_hinge as categorical_hinge
from kerasish.losses.hinge import hinge as hinge
from kerasish.losses.hinge import squared_hinge as squared_hinge
from kerasish.losses.loss import LossFunctionWrapper as LossFunctionWrapper
from kerasish.losses.loss import squeeze_or_expand_to_same_rank as squeeze_or_expand_to_same_rank
from kerasish.losses.probabilistic import KLDivergence as KLDivergence
from kerasish.losses.probabilistic import Poisson as Poisson
from kerasish.losses.probabilistic import kl_divergence as kl_divergence
from kerasish.losses.probabilistic import poisson as poisson
from kerasish.losses.regression import CosineSimilarity as CosineSimilarity
from kerasish.losses.regression import Huber as Huber
from kerasish.losses.regression import LogCosh as LogCosh
from kerasish.losses.regression import MeanAbsoluteError as MeanAbsoluteError
from kerasish.losses.regression import (
    MeanAbsolutePercentageError as MeanAbsolutePercentageError,
)
from kerasish.losses.regression import MeanSquaredError as MeanSquaredError
from kerasish.losses.regression import (
    MeanSquaredLogarithmicError as MeanSquaredLogarithmicError,
)
from kerasish.losses.regression import cosine_similarity as cosine_similarity
from kerasish.losses.regression import huber as huber
from kerasish.losses.regression import log_cosh as log_cosh
from kerasish.losses.regression import mean_absolute_error as mean_absolute_error
from kerasish.losses.regression import (
    mean_absolute_percentage_error as mean_absolute_percentage_error,
)
from kerasish.losses.regression import mean_squared_error as mean_squared_error
from kerasish.losses.regression import (
    mean_squared_logarithmic_error as mean_squared_logarithmic_error,
)
from kerasish.losses.segmentation import Dice as Dice
from kerasish.losses.segmentation import Tversky as Tversky
from kerasish.losses.segmentation import dice as dice
from kerasish.losses.segmentation import tversky as tversky

# The aliases Keras's `get` accepts (and tf.keras exposed as functions).
bce = BCE = binary_crossentropy
kld = KLD = kl_divergence
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
mse = MSE = mean_squared_error
msle = MSLE = mean_squared_logarithmic_error
