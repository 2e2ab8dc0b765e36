"""`Variable`: Keras's stateful weight handle over a JAX array.

A variable holds its current value, but reads and writes go through the active
`StateScope` first, which is how the same layer code runs as a pure function.
"""

import contextlib
import operator

import jax
import jax.numpy as jnp
import numpy as np

from kerasish.backend.config import floatx
from kerasish.distribution import placement
from kerasish.engine import naming, structure
from kerasish.engine.scope import AutocastScope, InitScope, StateScope, in_symbolic_scope


def standardize_dtype(dtype):
    """A dtype's canonical name: ``"float32"``, ``"int64"``, ``"bool"`` ..."""
    if dtype is None:
        return floatx()
    if hasattr(dtype, "name") and not isinstance(dtype, (np.dtype, type)):
        dtype = dtype.name  # DTypePolicy and friends
    if isinstance(dtype, str) and dtype in ("float", "double"):
        return "float32" if dtype == "float" else "float64"
    if _is_string_dtype(dtype):
        return "string"  # Keras's name; such tensors live on the host (see `engine.host_stage`)
    return jnp.dtype(dtype).name


def _is_string_dtype(dtype):
    if isinstance(dtype, str):
        return dtype in ("string", "str")
    if isinstance(dtype, type):
        return issubclass(dtype, (str, bytes))
    return isinstance(dtype, np.dtype) and dtype.kind in "OSU"


def is_float_dtype(dtype):
    dtype = standardize_dtype(dtype)
    return dtype != "string" and jnp.issubdtype(jnp.dtype(dtype), jnp.floating)


def is_int_dtype(dtype):
    dtype = standardize_dtype(dtype)
    return dtype != "string" and jnp.issubdtype(jnp.dtype(dtype), jnp.integer)


class Variable:
    """A named, stateful tensor, as `keras.Variable`.

    Example:
    >>> v = kerasish.Variable(initializer="ones", shape=(2,), name="scale")
    >>> v.assign(v * 3.0)
    >>> v.numpy()
    array([3., 3.], dtype=float32)

    Arguments:
        initializer: an array-like value, or an initializer (name, instance or
            callable ``(shape, dtype) -> array``) used with ``shape``.
        shape: required when ``initializer`` is not a value.
        dtype: storage dtype; defaults to ``keras.config.floatx()``.
        trainable: whether gradients flow to it in `fit`.
        autocast: whether a mixed-precision layer reads it in its compute dtype.
        aggregation, synchronization: accepted for Keras compatibility.
        name: the last component of ``path``.
        layout: a `kerasish.distribution.TensorLayout` for this variable, overriding the
            current distribution's rule (Keras's JAX variables take it too).

    Under a distribution (`kerasish.distribution.set_distribution`) the value is created
    directly in the variable's layout and stays there when assigned.
    """

    _layout = None
    _sharding = None  # where the value lives under a distribution (None: wherever jax puts it)

    def __init__(
        self,
        initializer,
        shape=None,
        dtype=None,
        trainable=True,
        autocast=True,
        aggregation="none",
        synchronization="auto",
        name=None,
        layout=None,
    ):
        structure.changed()
        name = name or naming.auto_name("variable")
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name}"
            )
        self.name = name
        parent = naming.current_path()
        self.path = f"{parent}/{name}" if parent else name
        self._trainable = bool(trainable)
        self.autocast = autocast
        self.aggregation = aggregation
        self.synchronization = synchronization
        self.regularizer = None
        self._constraint = None
        self._dtype = standardize_dtype(dtype)
        if callable(initializer) or isinstance(initializer, str):
            if shape is None:
                raise ValueError(
                    "When creating a Variable from an initializer, the `shape` argument should "
                    f"be specified. Received: initializer={initializer} and shape={shape}"
                )
            from kerasish import initializers
            from kerasish.random.seed_generator import SeedGenerator

            initializer = initializers.get(initializer)
            self._layout = layout
            self._sharding = placement.variable_sharding(self.path, shape, self._dtype, layout)
            traceable = InitScope.current() is None and not isinstance(
                getattr(initializer, "seed", None), SeedGenerator
            )
            with contextlib.ExitStack() as stack:
                if in_symbolic_scope():
                    # Created while a shape is being inferred: compute the real value eagerly.
                    stack.enter_context(jax.ensure_compile_time_eval())
                value = placement.create_value(
                    lambda: initializer(tuple(shape), dtype=self._dtype), self._sharding, traceable
                )
        else:
            value = initializer
            self._layout = layout
            self._sharding = placement.variable_sharding(
                self.path, np.shape(value), self._dtype, layout
            )
        self._value = placement.place(self._convert(value), self._sharding)
        if shape is not None and tuple(shape) != self._value.shape:
            raise ValueError(
                f"Initial value for variable '{self.path}' has shape {self._value.shape}, "
                f"which is not compatible with the requested shape {tuple(shape)}."
            )

    def _convert(self, value):
        if isinstance(value, Variable):
            value = value.value
        return jnp.asarray(value, dtype=self._dtype)

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        structure.changed()
        self._trainable = bool(value)

    # -- value access ------------------------------------------------------------------
    @property
    def value(self):
        scope = StateScope.current()
        value = scope.get(self) if scope is not None else None
        if value is None:
            value = self._value
        autocast = AutocastScope.current()
        if (
            autocast is not None
            and self.autocast
            and autocast.dtype != self._dtype
            and is_float_dtype(self._dtype)
        ):
            value = value.astype(autocast.dtype)
        return value

    def assign(self, value):
        value = self._convert(value)
        if value.shape != self.shape:
            raise ValueError(
                "The shape of the target variable and the shape of the target value in "
                "`variable.assign(value)` must match. "
                f"variable.shape={self.shape}, Received: value.shape={value.shape}. "
                f"Target variable: {self.path}"
            )
        scope = StateScope.current()
        if scope is not None:
            scope.assign(self, value)
        elif not in_symbolic_scope():
            self._value = placement.place(value, self._sharding)
        return value

    def assign_add(self, value):
        return self.assign(self.value + value)

    def assign_sub(self, value):
        return self.assign(self.value - value)

    def numpy(self):
        return np.array(self.value)

    @property
    def dtype(self):
        autocast = AutocastScope.current()
        if autocast is not None and self.autocast and is_float_dtype(self._dtype):
            return autocast.dtype
        return self._dtype

    @property
    def shape(self):
        return tuple(self._value.shape)

    @property
    def ndim(self):
        return len(self._value.shape)

    @property
    def constraint(self):
        return self._constraint

    @constraint.setter
    def constraint(self, value):
        if value is not None and not callable(value):
            raise ValueError(
                f"Invalid value for attribute `constraint`. Expected a callable. Received: {value}"
            )
        self._constraint = value

    def __repr__(self):
        return (
            f"<Variable path={self.path}, shape={self.shape}, dtype={self._dtype}, "
            f"value={np.array(self._value) if not isinstance(self._value, jax.core.Tracer) else '<traced>'}>"
        )

    # -- array protocol --------------------------------------------------------------------
    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.value, dtype=dtype)

    def __jax_array__(self):
        return self.value

    def __len__(self):
        return self.shape[0]

    def __getitem__(self, index):
        return self.value[index]

    def __bool__(self):
        raise TypeError("A Variable cannot be used as a boolean.")

    def __int__(self):
        return int(self.value)

    def __float__(self):
        return float(self.value)

    __hash__ = object.__hash__


_OPERATORS = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "truediv": operator.truediv,
    "floordiv": operator.floordiv,
    "mod": operator.mod,
    "pow": operator.pow,
    "matmul": operator.matmul,
    "and": operator.and_,
    "or": operator.or_,
    "xor": operator.xor,
}
_COMPARISONS = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
    "eq": operator.eq,
    "ne": operator.ne,
}


def _operand(value):
    return value.value if isinstance(value, Variable) else value


def _define_operators():
    for name, function in {**_OPERATORS, **_COMPARISONS}.items():
        setattr(
            Variable, f"__{name}__", lambda self, other, f=function: f(self.value, _operand(other))
        )
    for name, function in _OPERATORS.items():
        setattr(
            Variable, f"__r{name}__", lambda self, other, f=function: f(_operand(other), self.value)
        )
    for name, function in {
        "neg": operator.neg,
        "pos": operator.pos,
        "abs": operator.abs,
        "invert": operator.invert,
    }.items():
        setattr(Variable, f"__{name}__", lambda self, f=function: f(self.value))


_define_operators()


def unwrap(value):
    """The array behind a `Variable`; anything else unchanged."""
    return value.value if isinstance(value, Variable) else value


def in_init_scope():
    return InitScope.current() is not None
