"""Layers that wrap plain JAX functions and Flax modules."""

from kerasish.layers.interop.flax_layer import FlaxLayer
from kerasish.layers.interop.jax_layer import JaxLayer

__all__ = ["FlaxLayer", "JaxLayer"]
