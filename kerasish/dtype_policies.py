"""Dtype policies: the compute dtype and the variable dtype of a layer (mixed precision)."""

from kerasish.backend.config import floatx
from kerasish.engine.variables import standardize_dtype
from kerasish.saving.serialization import keras_export

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
_GLOBAL = {"policy": None}


@keras_export("keras")
class DTypePolicy:
    """Which dtype a layer computes in and which its variables are stored in.

    Example:
    >>> policy = kerasish.DTypePolicy("mixed_bfloat16")
    >>> policy.compute_dtype, policy.variable_dtype
    ('bfloat16', 'float32')
    """

    def __init__(self, name=None):
        if name is None:
            name = floatx()
        if not isinstance(name, str):
            raise TypeError(
                f"'name' must be a string, such as 'mixed_float16'. Received: name={name}"
            )
        if name in _MIXED:
            self._compute_dtype, self._variable_dtype = _MIXED[name], "float32"
        else:
            try:
                dtype = standardize_dtype(name)
            except TypeError as error:
                raise ValueError(
                    f"Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies "
                    "include 'mixed_float16', 'mixed_bfloat16', and the name of any float dtype "
                    "such as 'float32'."
                ) from error
            self._compute_dtype = self._variable_dtype = dtype
        self._name = name

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        return self._compute_dtype

    @property
    def variable_dtype(self):
        return self._variable_dtype

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other.name == self.name

    __hash__ = object.__hash__

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


FloatDTypePolicy = DTypePolicy


def set_dtype_policy(policy):
    """Sets the policy new layers use by default (``"mixed_bfloat16"``, a `DTypePolicy`, or None)."""
    _GLOBAL["policy"] = None if policy is None else get(policy)


def dtype_policy():
    """The global default policy (``DTypePolicy(floatx())`` unless set)."""
    return _GLOBAL["policy"] or DTypePolicy(floatx())


def get(identifier):
    """A `DTypePolicy` from a name, a config dict, a policy, or None (the global policy)."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return DTypePolicy.from_config(identifier.get("config", identifier))
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    try:
        return DTypePolicy(standardize_dtype(identifier))
    except TypeError as error:
        raise ValueError(
            f"Cannot interpret `dtype` argument. Received: dtype={identifier}"
        ) from error
