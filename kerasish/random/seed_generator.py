"""`SeedGenerator` and how every random op turns its ``seed`` argument into a JAX key."""

import random as python_random

import jax
import jax.numpy as jnp
import numpy as np

from kerasish.engine import naming
from kerasish.engine.scope import InitScope, StateScope, in_symbolic_scope
from kerasish.engine.variables import Variable
from kerasish.saving.serialization import keras_export


@keras_export("keras.random")
class SeedGenerator:
    """Stateful source of keys for random ops, as `keras.random.SeedGenerator`.

    Its state is a ``uint32[2]`` non-trainable variable, so a layer that owns one returns
    the advanced state from a pure ``apply``. When ``apply`` is given an ``rng`` key, keys
    come from that key instead and the state is left as it is.

    Example:
    >>> gen = kerasish.random.SeedGenerator(seed=42)
    >>> a = kerasish.random.normal((2,), seed=gen)
    >>> b = kerasish.random.normal((2,), seed=gen)  # differs from `a`
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        self.name = name or naming.auto_name("seed_generator")
        self._initial_seed = seed
        if seed is None:
            seed = make_default_seed()
        if not isinstance(seed, (int, np.integer)):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed}")
        with naming.name_scope(self.name):
            self.state = Variable(
                np.array([int(seed) & 0xFFFFFFFF, 0], dtype=np.uint32),
                shape=(2,),
                dtype="uint32",
                trainable=False,
                name="seed_generator_state",
            )

    def next(self, ordered=True):
        scope = StateScope.current()
        if scope is not None and scope.rng is not None:
            return scope.next_key()
        value = self.state.value
        if ordered:
            self.state.assign(value + jnp.array([0, 1], dtype="uint32"))
        else:
            self.state.assign((value + 1) * 5387 % 933199)
        return value

    def get_config(self):
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


_GLOBAL = {}


def global_seed_generator():
    if "generator" not in _GLOBAL:
        _GLOBAL["generator"] = SeedGenerator(name="global_seed_generator")
    return _GLOBAL["generator"]


def set_global_seed(seed):
    _GLOBAL["generator"] = SeedGenerator(seed, name="global_seed_generator")


def make_default_seed():
    return python_random.randint(1, int(1e9))


def draw_seed(seed):
    """A raw ``uint32[2]`` JAX key for a ``seed`` that is an int, a `SeedGenerator`, a key or None.

    ``None`` draws from the active ``apply``/``init`` rng when there is one, else from the
    global generator (`keras.utils.set_random_seed` seeds it).
    """
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return jnp.array([int(seed) & 0xFFFFFFFF, 0], dtype="uint32")
    if seed is None:
        if in_symbolic_scope():
            return jnp.zeros((2,), dtype="uint32")  # shape inference only: values are never used
        for scope in (StateScope.current(), InitScope.current()):
            if scope is not None and scope.rng is not None:
                return scope.next_key()
        if isinstance(jnp.zeros(()), jax.core.Tracer):
            raise ValueError("Unseeded random ops cannot run while tracing.")
        return global_seed_generator().next(ordered=False)
    if hasattr(seed, "dtype"):
        if jax.dtypes.issubdtype(seed.dtype, jax.dtypes.prng_key):
            return jax.random.key_data(seed)
        return jnp.asarray(seed, dtype="uint32")
    raise ValueError(
        "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
        f"Received: seed={seed} (of type {type(seed)})"
    )
