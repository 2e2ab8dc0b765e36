"""`keras.layers`: the layer catalog."""

from kerasish.engine.input_layer import Input, InputLayer
from kerasish.engine.input_spec import InputSpec
from kerasish.engine.layer import Layer
from kerasish.layers.activation import Activation
from kerasish.layers.core import Dense, EinsumDense, Embedding, Identity, Lambda, Masking
from kerasish.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from kerasish.layers.normalization import BatchNormalization, LayerNormalization
from kerasish.layers.regularization import Dropout
from kerasish.layers.reshaping import Flatten, Reshape
from kerasish.layers.retrieval import BruteForceRetrieval

__all__ = [
    "Activation",
    "Add",
    "Average",
    "BatchNormalization",
    "BruteForceRetrieval",
    "Concatenate",
    "Dense",
    "Dot",
    "Dropout",
    "EinsumDense",
    "Embedding",
    "Flatten",
    "Identity",
    "Input",
    "InputLayer",
    "InputSpec",
    "Lambda",
    "Layer",
    "LayerNormalization",
    "Masking",
    "Maximum",
    "Minimum",
    "Multiply",
    "Reshape",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]
