"""`keras.constraints`: projections ``weights -> weights`` applied after each optimizer step.

Example:
>>> from kerasish import constraints
>>> constraints.get("non_neg")(jnp.array([-1.0, 2.0])).tolist()
[0.0, 2.0]
"""

import jax.numpy as jnp

from kerasish.backend.config import epsilon
from kerasish.engine.variables import unwrap
from kerasish.saving import serialization
from kerasish.utils.serialization_utils import deserialize_from_table

_MODULE = "keras.constraints"


@serialization.keras_export(_MODULE)
class Constraint:
    """Base class: subclasses implement ``__call__(w) -> w`` and ``get_config()``."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _norms(w, axis):
    axis = tuple(axis) if isinstance(axis, list) else axis
    return jnp.sqrt(jnp.sum(jnp.square(w), axis=axis, keepdims=True))


@serialization.keras_export(_MODULE)
class MaxNorm(Constraint):
    """Rescales slices along ``axis`` whose L2 norm exceeds ``max_value``.

    ``axis=0`` constrains each column of a Dense kernel (one output unit each).

    Example:
    >>> MaxNorm(1.0)(jnp.array([[3.0], [4.0]])).tolist()
    [[0.6000000238418579], [0.800000011920929]]
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = jnp.asarray(unwrap(w))
        norms = _norms(w, self.axis)
        desired = jnp.clip(norms, 0, self.max_value)
        return w.astype(norms.dtype) * (desired / (epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


@serialization.keras_export(_MODULE)
class NonNeg(Constraint):
    """Sets negative weights to 0."""

    def __call__(self, w):
        return jnp.maximum(jnp.asarray(unwrap(w)), 0)


@serialization.keras_export(_MODULE)
class UnitNorm(Constraint):
    """Scales slices along ``axis`` to unit L2 norm."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = jnp.asarray(unwrap(w))
        norms = _norms(w, self.axis)
        return w.astype(norms.dtype) / (epsilon() + norms)

    def get_config(self):
        return {"axis": self.axis}


@serialization.keras_export(_MODULE)
class MinMaxNorm(Constraint):
    """Moves slice norms along ``axis`` towards ``[min_value, max_value]`` at ``rate``.

    ``rate=1.0`` clips the norms exactly; smaller rates move them part of the way.
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = jnp.asarray(unwrap(w))
        norms = _norms(w, self.axis)
        desired = (
            self.rate * jnp.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        )
        return w.astype(norms.dtype) * (desired / (epsilon() + norms))

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

ALL_OBJECTS_DICT = {
    cls.__name__: cls for cls in (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
}
ALL_OBJECTS_DICT.update(
    constraint=Constraint,
    max_norm=MaxNorm,
    min_max_norm=MinMaxNorm,
    non_neg=NonNeg,
    unit_norm=UnitNorm,
)
for _name, _cls in ALL_OBJECTS_DICT.items():
    if _name != _cls.__name__:
        serialization.keras_export(_MODULE, name=_name)(_cls)


def serialize(constraint):
    """The Keras config dict of a constraint."""
    return serialization.serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """A constraint from a config dict or a name; an unknown name comes back unchanged."""
    return deserialize_from_table(config, ALL_OBJECTS_DICT, custom_objects)


def get(identifier):
    """A constraint from None, a name (``"max_norm"``), a config dict, a class or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        found = deserialize(identifier)
    elif isinstance(identifier, str):
        found = ALL_OBJECTS_DICT.get(identifier)
    else:
        found = identifier
    if callable(found):
        return found() if isinstance(found, type) else found
    raise ValueError(f"Could not interpret constraint identifier: {identifier}")
