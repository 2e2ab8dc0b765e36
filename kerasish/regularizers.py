"""`keras.regularizers`: penalties ``weights -> scalar`` added to a layer's losses.

Example:
>>> from kerasish import regularizers
>>> float(regularizers.L2(0.5)(jnp.array([1.0, 2.0])))
2.5
>>> regularizers.get("l1").get_config()
{'l1': 0.009999999776482582}
"""

import math

import jax.numpy as jnp
import numpy as np

from kerasish.engine.variables import unwrap
from kerasish.saving import serialization
from kerasish.utils.numerical_utils import normalize
from kerasish.utils.serialization_utils import deserialize_from_table

_MODULE = "keras.regularizers"


@serialization.keras_export(_MODULE)
class Regularizer:
    """Base class: subclasses implement ``__call__(x) -> scalar`` and ``get_config()``."""

    def __call__(self, x):
        return 0.0

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_config(self):
        raise NotImplementedError(f"{self} does not implement get_config()")


@serialization.keras_export(_MODULE)
class L1L2(Regularizer):
    """``l1 * sum(abs(x)) + l2 * sum(square(x))``; both factors default to 0.

    Example:
    >>> float(L1L2(l1=1.0, l2=1.0)(jnp.array([-1.0, 2.0])))
    8.0
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = validate_float_arg(0.0 if l1 is None else l1, name="l1")
        self.l2 = validate_float_arg(0.0 if l2 is None else l2, name="l2")

    def __call__(self, x):
        x = jnp.asarray(unwrap(x))
        penalty = jnp.asarray(0.0, dtype=x.dtype)
        if self.l1 != 0.0:
            penalty += jnp.asarray(self.l1, x.dtype) * jnp.sum(jnp.abs(x))
        if self.l2 != 0.0:
            penalty += jnp.asarray(self.l2, x.dtype) * jnp.sum(jnp.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


@serialization.keras_export(_MODULE)
class L1(Regularizer):
    """``l1 * sum(abs(x))``.

    Keras keeps ``l1`` as a float32 tensor, so its config holds the float32-rounded value
    (``0.009999999776482582`` for the default); so does ours.
    """

    def __init__(self, l1=0.01):
        l1 = validate_float_arg(0.01 if l1 is None else l1, name="l1")
        self.l1 = float(np.float32(l1))

    def __call__(self, x):
        x = jnp.asarray(unwrap(x))
        return jnp.asarray(self.l1, x.dtype) * jnp.sum(jnp.abs(x))

    def get_config(self):
        return {"l1": self.l1}


@serialization.keras_export(_MODULE)
class L2(Regularizer):
    """``l2 * sum(square(x))``."""

    def __init__(self, l2=0.01):
        self.l2 = validate_float_arg(0.01 if l2 is None else l2, name="l2")

    def __call__(self, x):
        x = jnp.asarray(unwrap(x))
        return jnp.asarray(self.l2, x.dtype) * jnp.sum(jnp.square(x))

    def get_config(self):
        return {"l2": self.l2}


@serialization.keras_export(_MODULE)
class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (``mode="rows"``) or columns of a 2D kernel towards orthogonality.

    The penalty is ``factor * 0.5 * mean |<u_i, u_j>|`` over pairs ``i < j`` of the
    L2-normalized rows (columns).

    Example:
    >>> float(OrthogonalRegularizer(factor=1.0)(jnp.eye(3)))
    0.0
    """

    def __init__(self, factor=0.01, mode="rows"):
        validate_float_arg(factor, name="factor")
        # Keras holds the factor as a float32 tensor; a float32 scalar promotes the same way.
        self.factor = np.float32(factor)
        if mode not in {"rows", "columns"}:
            raise ValueError(
                "Invalid value for argument `mode`. Expected one of "
                f'{{"rows", "columns"}}. Received: mode={mode}'
            )
        self.mode = mode

    def __call__(self, inputs):
        inputs = jnp.asarray(unwrap(inputs))
        if inputs.ndim != 2:
            raise ValueError(
                f"Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape={inputs.shape}"
            )
        if self.mode == "rows":
            inputs = normalize(inputs, axis=1)
            product = inputs @ inputs.T
            size = inputs.shape[0]
        else:
            inputs = normalize(inputs, axis=0)
            product = inputs.T @ inputs
            size = inputs.shape[1]
        off_diagonal = product * (1.0 - jnp.eye(size, dtype=inputs.dtype))
        num_pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * jnp.sum(jnp.abs(off_diagonal)) / num_pairs

    def get_config(self):
        return {"factor": float(self.factor), "mode": self.mode}


def validate_float_arg(value, name):
    """``float(value)`` after checking that it is a finite, non-negative number."""
    if not isinstance(value, (float, int)) or (math.isinf(value) or math.isnan(value)) or value < 0:
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float."
            f"Received: {name}={value}"
        )
    return float(value)


l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)}
# Keras's snake_case names; note "l1l2" (not "l1_l2") resolves, as in Keras.
ALL_OBJECTS_DICT.update(
    regularizer=Regularizer, l1=L1, l2=L2, l1l2=L1L2, orthogonal_regularizer=OrthogonalRegularizer
)
for _name, _cls in ALL_OBJECTS_DICT.items():
    if _name != _cls.__name__:
        serialization.keras_export(_MODULE, name=_name)(_cls)


def serialize(regularizer):
    """The Keras config dict of a regularizer."""
    return serialization.serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """A regularizer from a config dict or a name; an unknown name comes back unchanged."""
    return deserialize_from_table(config, ALL_OBJECTS_DICT, custom_objects)


def get(identifier):
    """A regularizer from None, a name (``"l2"``), a config dict, a class or a callable."""
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
    raise ValueError(f"Could not interpret regularizer identifier: {identifier}")
