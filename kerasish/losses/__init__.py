"""`keras.losses`: loss classes, loss functions, and `get` / `serialize` / `deserialize`.

Example:
>>> import kerasish.losses as losses
>>> loss = losses.get("CategoricalCrossentropy")
>>> round(float(loss(jnp.array([[0.0, 1.0]]), jnp.array([[0.5, 0.5]]))), 4)
0.6931
"""

from kerasish.losses.lookup import ALL_OBJECTS_DICT as ALL_OBJECTS_DICT
from kerasish.losses.lookup import deserialize as deserialize
from kerasish.losses.lookup import get as get
from kerasish.losses.lookup import serialize as serialize
from kerasish.losses.loss import Loss as Loss
from kerasish.losses.loss import LossFunctionWrapper as LossFunctionWrapper
from kerasish.losses.losses import BCE as BCE
from kerasish.losses.losses import CTC as CTC
from kerasish.losses.losses import KLD as KLD
from kerasish.losses.losses import MAE as MAE
from kerasish.losses.losses import MAPE as MAPE
from kerasish.losses.losses import MSE as MSE
from kerasish.losses.losses import MSLE as MSLE
from kerasish.losses.losses import BinaryCrossentropy as BinaryCrossentropy
from kerasish.losses.losses import BinaryFocalCrossentropy as BinaryFocalCrossentropy
from kerasish.losses.losses import CategoricalCrossentropy as CategoricalCrossentropy
from kerasish.losses.losses import CategoricalFocalCrossentropy as CategoricalFocalCrossentropy
from kerasish.losses.losses import (
    CategoricalGeneralizedCrossEntropy as CategoricalGeneralizedCrossEntropy,
)
from kerasish.losses.losses import CategoricalHinge as CategoricalHinge
from kerasish.losses.losses import Circle as Circle
from kerasish.losses.losses import CosineSimilarity as CosineSimilarity
from kerasish.losses.losses import Dice as Dice
from kerasish.losses.losses import Hinge as Hinge
from kerasish.losses.losses import Huber as Huber
from kerasish.losses.losses import KLDivergence as KLDivergence
from kerasish.losses.losses import LogCosh as LogCosh
from kerasish.losses.losses import MeanAbsoluteError as MeanAbsoluteError
from kerasish.losses.losses import MeanAbsolutePercentageError as MeanAbsolutePercentageError
from kerasish.losses.losses import MeanSquaredError as MeanSquaredError
from kerasish.losses.losses import MeanSquaredLogarithmicError as MeanSquaredLogarithmicError
from kerasish.losses.losses import Poisson as Poisson
from kerasish.losses.losses import SparseCategoricalCrossentropy as SparseCategoricalCrossentropy
from kerasish.losses.losses import SquaredHinge as SquaredHinge
from kerasish.losses.losses import Tversky as Tversky
from kerasish.losses.losses import bce as bce
from kerasish.losses.losses import binary_crossentropy as binary_crossentropy
from kerasish.losses.losses import binary_focal_crossentropy as binary_focal_crossentropy
from kerasish.losses.losses import categorical_crossentropy as categorical_crossentropy
from kerasish.losses.losses import categorical_focal_crossentropy as categorical_focal_crossentropy
from kerasish.losses.losses import (
    categorical_generalized_cross_entropy as categorical_generalized_cross_entropy,
)
from kerasish.losses.losses import categorical_hinge as categorical_hinge
from kerasish.losses.losses import circle as circle
from kerasish.losses.losses import cosine_similarity as cosine_similarity
from kerasish.losses.losses import ctc as ctc
from kerasish.losses.losses import dice as dice
from kerasish.losses.losses import hinge as hinge
from kerasish.losses.losses import huber as huber
from kerasish.losses.losses import kl_divergence as kl_divergence
from kerasish.losses.losses import kld as kld
from kerasish.losses.losses import log_cosh as log_cosh
from kerasish.losses.losses import mae as mae
from kerasish.losses.losses import mape as mape
from kerasish.losses.losses import mean_absolute_error as mean_absolute_error
from kerasish.losses.losses import (
    mean_absolute_percentage_error as mean_absolute_percentage_error,
)
from kerasish.losses.losses import mean_squared_error as mean_squared_error
from kerasish.losses.losses import (
    mean_squared_logarithmic_error as mean_squared_logarithmic_error,
)
from kerasish.losses.losses import mse as mse
from kerasish.losses.losses import msle as msle
from kerasish.losses.losses import poisson as poisson
from kerasish.losses.losses import (
    sparse_categorical_crossentropy as sparse_categorical_crossentropy,
)
from kerasish.losses.losses import squared_hinge as squared_hinge
from kerasish.losses.losses import tversky as tversky
from kerasish.losses.retrieval import in_batch_softmax as in_batch_softmax
