"""kerasish: the Keras 3 API, compiled to pure JAX functions.

import kerasish as keras
model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])
params, state = model.init(jax.random.key(0))
logits, state = model.apply(params, state, x)
"""

from kerasish import (
    activations,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    distribution,
    dtype_policies,
    export,
    initializers,
    layers,
    losses,
    metrics,
    mixed_precision,
    models,
    ops,
    optimizers,
    preprocessing,
    random,
    regularizers,
    saving,
    tree,
    utils,
)
from kerasish.backend.device import device
from kerasish.dtype_policies import DTypePolicy
from kerasish.engine.functional import Functional
from kerasish.engine.input_layer import Input, InputLayer
from kerasish.engine.input_spec import InputSpec
from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.layer import Layer
from kerasish.engine.model import Model
from kerasish.engine.naming import name_scope
from kerasish.engine.operation import Operation
from kerasish.engine.scope import StatelessScope, SymbolicScope
from kerasish.engine.sequential import Sequential
from kerasish.engine.variables import Variable
from kerasish.initializers import Initializer
from kerasish.losses import Loss
from kerasish.metrics import Metric
from kerasish.optimizers import Optimizer
from kerasish.regularizers import Regularizer

__version__ = "0.1.0"


def version():
    """kerasish's version string (`keras.version()`)."""
    return __version__


__all__ = [
    "DTypePolicy",
    "Functional",
    "Input",
    "InputLayer",
    "InputSpec",
    "Initializer",
    "KerasTensor",
    "Layer",
    "Loss",
    "Metric",
    "Model",
    "Operation",
    "Optimizer",
    "Regularizer",
    "Sequential",
    "StatelessScope",
    "SymbolicScope",
    "Variable",
    "activations",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "datasets",
    "device",
    "distribution",
    "dtype_policies",
    "export",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "mixed_precision",
    "models",
    "name_scope",
    "ops",
    "optimizers",
    "preprocessing",
    "random",
    "regularizers",
    "saving",
    "tree",
    "utils",
    "version",
    "__version__",
]
