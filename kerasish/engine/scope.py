"""Thread-local scopes that let stateful-looking layer code run as a pure function.

`StateScope` maps variables to values (tracers under `jax.jit`) and records assignments,
so a forward pass written against ``self.kernel`` reads the pytree passed to ``apply``
and hands mutated state back instead of writing it. It also carries the ``rng`` key of
the pure call: random ops inside it derive their keys from that key.
"""

import threading

import jax

_local = threading.local()


def _stack(kind):
    stacks = _local.__dict__.setdefault("stacks", {})
    return stacks.setdefault(kind, [])


class _Scope:
    kind = None

    def __enter__(self):
        _stack(self.kind).append(self)
        return self

    def __exit__(self, *exc_info):
        _stack(self.kind).pop()

    @classmethod
    def current(cls):
        stack = _stack(cls.kind)
        return stack[-1] if stack else None


class StateScope(_Scope):
    """Variables read from ``values`` and write into it; nothing touches the variables themselves.

    Arguments:
        values: ``{id(variable): array}`` for the variables this scope overrides.
        rng: optional JAX key; random ops draw ``fold_in(rng, i)`` for the i-th draw.
    """

    kind = "state"

    def __init__(self, values=None, rng=None):
        self.values = dict(values or {})
        self.assigned = {}
        self.rng = _raw_key(rng) if rng is not None else None
        self._draws = 0

    def get(self, variable):
        return self.values.get(id(variable))

    def assign(self, variable, value):
        self.values[id(variable)] = value
        self.assigned[id(variable)] = value

    def next_key(self):
        key = jax.random.fold_in(self.rng, self._draws)
        self._draws += 1
        return key


class StatelessScope(StateScope):
    """Keras's public scope in which no variable changes: reads come from ``state_mapping``
    and assignments are collected, to be read with `get_current_value`.

    Example:
    >>> layer = kerasish.layers.Dense(2)
    >>> layer.build((None, 3))
    >>> ones = [(v, np.ones(v.shape, v.dtype)) for v in layer.weights]
    >>> with kerasish.StatelessScope(ones) as scope:
    ...     outputs = layer(np.ones((1, 3), "float32"))
    >>> outputs.tolist()
    [[4.0, 4.0]]

    Arguments:
        state_mapping: ``(variable, value)`` pairs; each value must have its variable's shape.
        collect_losses: collect the losses that layers add inside the scope in ``losses``.
        initialize_variables: accepted for Keras compatibility (kerasish variables always
            hold their initial value).
    """

    def __init__(self, state_mapping=None, collect_losses=False, initialize_variables=True):
        from kerasish.engine.variables import Variable

        values = {}
        for variable, value in state_mapping or ():
            if not isinstance(variable, Variable):
                raise ValueError(
                    "Invalid reference variable in StatelessScope: all keys in argument "
                    f"`mapping` must be Variable instances. Received instead: {variable}"
                )
            value = jax.numpy.asarray(
                value.value if isinstance(value, Variable) else value, dtype=variable.dtype
            )
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(
                    "Invalid variable value in StatelessScope: all values in argument "
                    "`mapping` must be tensors with a shape that matches the corresponding "
                    f"variable shape. For variable {variable}, received invalid value {value} "
                    f"with shape {value.shape}."
                )
            values[id(variable)] = value
        super().__init__(values)
        self.collect_losses = collect_losses
        self.initialize_variables = initialize_variables
        self.losses = []

    def add_loss(self, loss):
        if self.collect_losses:
            self.losses.append(loss)

    def get_current_value(self, variable):
        """The value ``variable`` has in this scope (mapped or assigned), or None."""
        return self.values.get(id(variable))


class InitScope(_Scope):
    """While active, unseeded initializers draw their keys from ``rng`` (see `Model.init`)."""

    kind = "init"

    def __init__(self, rng):
        self.rng = _raw_key(rng)
        self._draws = 0

    def next_key(self):
        key = jax.random.fold_in(self.rng, self._draws)
        self._draws += 1
        return key


class AutocastScope(_Scope):
    """Float variables read inside it are cast to ``dtype`` (mixed precision compute)."""

    kind = "autocast"

    def __init__(self, dtype):
        self.dtype = dtype


class SymbolicScope(_Scope):
    """Active while shapes are inferred with `jax.eval_shape`; layers may not mutate state then."""

    kind = "symbolic"


def in_symbolic_scope():
    return SymbolicScope.current() is not None


def _raw_key(key):
    """Keys travel as raw ``uint32[2]`` arrays so they export and checkpoint as plain arrays."""
    if jax.dtypes.issubdtype(getattr(key, "dtype", None), jax.dtypes.prng_key):
        return jax.random.key_data(key)
    if isinstance(key, int):
        return jax.random.key_data(jax.random.key(key))
    return key
