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
from kerasish.dtype_policies import DTypePolicy
from kerasish.engine.functional import Functional
from kerasish.engine.input_layer import Input, InputLayer
from kerasish.engine.input_spec import InputSpec
from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.layer import Layer
from kerasish.engine.model import Model
from kerasish.engine.sequential import Sequential
from kerasish.engine.variables import Variable

__version__ = "0.1.0"

__all__ = [
    "DTypePolicy",
    "Functional",
    "Input",
    "InputLayer",
    "InputSpec",
    "KerasTensor",
    "Layer",
    "Model",
    "Sequential",
    "Variable",
    "activations",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "datasets",
    "distribution",
    "dtype_policies",
    "export",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "mixed_precision",
    "models",
    "ops",
    "optimizers",
    "preprocessing",
    "random",
    "regularizers",
    "saving",
    "tree",
    "utils",
    "__version__",
]
