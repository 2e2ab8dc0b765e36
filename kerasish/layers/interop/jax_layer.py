"""`JaxLayer`: a pure JAX model function as a layer whose pytrees become kerasish weights."""

import inspect

import jax
import jax.numpy as jnp
import numpy as np

from kerasish.engine.layer import Layer
from kerasish.engine.scope import InitScope
from kerasish.engine.variables import Variable, is_float_dtype, standardize_dtype
from kerasish.random.seed_generator import SeedGenerator, draw_seed
from kerasish.saving.serialization import (
    deserialize_keras_object,
    keras_export,
    serialize_keras_object,
)


def _is_array_leaf(value):
    return isinstance(value, (jax.Array, np.ndarray, np.generic, bool, int, float))


def _array_leaves(tree):
    """``[(path, value)]`` of the leaves that become variables (arrays and Python numbers)."""
    return [
        (path, value)
        for path, value in jax.tree_util.tree_flatten_with_path(tree)[0]
        if _is_array_leaf(value)
    ]


def _path_name(path):
    """A variable name from a pytree path: ``('params', 'Dense_0', 'kernel')`` ->
    ``params.Dense_0.kernel`` (variable names may not contain ``/``)."""
    parts = []
    for key in path:
        for attribute in ("key", "idx", "name"):
            if hasattr(key, attribute):
                parts.append(str(getattr(key, attribute)))
                break
    return ".".join(parts) or "value"


def _unwrap(value):
    return value.value if isinstance(value, Variable) else value


class _InitFnLeaf:
    """The initializer of a variable that ``init_fn`` made: its built value, except inside
    ``init(rng)``, where ``init_fn`` runs again with a key drawn from ``rng`` (once per layer)."""

    def __init__(self, layer, trainable, index, value):
        self.layer = layer
        self.trainable = trainable
        self.index = index
        self.value = value

    def __call__(self, shape, dtype=None):
        scope = InitScope.current()
        if scope is None:
            value = self.value
        else:
            drawn = scope.__dict__.setdefault("jax_layer_trees", {})
            if id(self.layer) not in drawn:
                drawn[id(self.layer)] = self.layer._run_init_fn(scope.next_key())
            params, state = drawn[id(self.layer)]
            value = _array_leaves(params if self.trainable else state)[self.index][1]
        return jnp.asarray(value, dtype=standardize_dtype(dtype))


@keras_export("keras.layers")
class JaxLayer(Layer):
    """Wraps a JAX model function; its ``params`` train and its ``state`` updates like weights.

    Example:
    >>> def call_fn(params, inputs):
    ...     return inputs @ params["w"] + params["b"]
    >>> def init_fn(rng, inputs):
    ...     return {"w": jax.random.normal(rng, (inputs.shape[-1], 2)), "b": jnp.zeros(2)}
    >>> layer = kerasish.layers.JaxLayer(call_fn, init_fn)
    >>> layer(jnp.ones((3, 4))).shape
    (3, 2)
    >>> [w.name for w in layer.trainable_weights]
    ['params.b', 'params.w']

    Arguments:
        call_fn: the model function. Its arguments, by these names and in any order:
            ``params`` (trainable pytree), ``state`` (non-trainable pytree; then it returns
            ``(outputs, new_state)``), ``rng`` (a raw ``uint32[2]`` key in training, None
            otherwise), ``inputs`` (required; one array or pytree) and ``training``.
        init_fn: ``(rng, inputs[, training]) -> params`` (or ``(params, state)`` when
            ``call_fn`` takes ``state``), run at build on ones shaped like the inputs.
        params, state: pytrees of initial values, instead of ``init_fn``.
        seed: seed of the generator of the ``rng`` keys.
        native_serialization_platforms: accepted for Keras compatibility (jax2tf only).

    Every array leaf of ``params``/``state`` becomes a variable named by its pytree path
    (``params.w``, ``state.batch_stats.mean``) in ``jax.tree`` flatten order, so
    `get_weights` lists them in the order Keras does; other leaves stay configuration.
    Under ``init(rng)``, ``init_fn`` runs again with a key drawn from ``rng``.
    """

    def __init__(
        self,
        call_fn,
        init_fn=None,
        params=None,
        state=None,
        seed=None,
        native_serialization_platforms=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.call_fn = call_fn
        self.init_fn = init_fn
        self.seed = seed
        self.native_serialization_platforms = native_serialization_platforms
        self.params = self._create_variables(params, trainable=True)
        self.state = self._create_variables(state, trainable=False)
        self.call_fn_arguments = _validate_signature(
            call_fn, "call_fn", {"params", "state", "rng", "inputs", "training"}, {"inputs"}
        )
        self.call_fn_has_params = "params" in self.call_fn_arguments
        self.call_fn_has_state = "state" in self.call_fn_arguments
        if "rng" in self.call_fn_arguments:
            self.seed_generator = SeedGenerator(seed)
        if (
            init_fn is None
            and params is None
            and state is None
            and (self.call_fn_has_params or self.call_fn_has_state)
        ):
            raise ValueError(
                "`init_fn`, `params` and `state` cannot all be `None` when `call_fn` takes a "
                "`params` or a `state` argument."
            )
        if init_fn:
            self.init_fn_arguments = _validate_signature(
                init_fn, "init_fn", {"rng", "inputs", "training"}, {"inputs"}
            )
        self._init_inputs = None

    # -- variables ---------------------------------------------------------------------
    def _variable_name(self, trainable, path):
        return _path_name(((jax.tree_util.DictKey("params" if trainable else "state")), *path))

    def _create_variables(self, values, trainable, from_init_fn=False):
        """The pytree ``values`` with each array leaf replaced by a new weight."""
        if values is None:
            return None
        indices = {
            jax.tree_util.keystr(path): index
            for index, (path, _) in enumerate(_array_leaves(values))
        }

        def create(path, value):
            if not _is_array_leaf(value):
                return value
            value = np.asarray(value) if isinstance(value, (bool, int, float)) else value
            dtype = None if is_float_dtype(value.dtype) else value.dtype
            initializer = (
                _InitFnLeaf(self, trainable, indices[jax.tree_util.keystr(path)], value)
                if from_init_fn
                else value
            )
            return self.add_weight(
                shape=value.shape,
                initializer=initializer,
                dtype=dtype,
                trainable=trainable,
                name=self._variable_name(trainable, path),
            )

        return jax.tree_util.tree_map_with_path(create, values)

    def _init_rng(self, key):
        """The ``rng`` argument of ``init_fn`` made from one key."""
        return key

    def _run_init_fn(self, key):
        """``(params, state)`` from ``init_fn`` with ``key``, on the inputs seen at build."""
        arguments = {
            "rng": self._init_rng(key),
            "inputs": self._init_inputs,
            "training": True,
        }
        result = self.init_fn(*(arguments[name] for name in self.init_fn_arguments))
        return result if self.call_fn_has_state else (result, None)

    def build(self, input_shape):
        if (
            self.params is None
            and self.state is None
            and (self.call_fn_has_params or self.call_fn_has_state)
        ):
            self._init_inputs = jax.tree.map(
                lambda shape: jnp.ones([1 if d is None else d for d in shape]),
                input_shape,
                is_leaf=_is_shape,
            )
            params, state = self._run_init_fn(draw_seed(None))
            self.params = self._create_variables(params, trainable=True, from_init_fn=True)
            self.state = self._create_variables(state, trainable=False, from_init_fn=True)

    # -- calling -----------------------------------------------------------------------
    def _call_rng(self, training):
        """The ``rng`` argument of ``call_fn``: a key in training, None otherwise."""
        return self.seed_generator.next() if training else None

    def call(self, inputs, training=False):
        arguments = {
            "params": jax.tree.map(_unwrap, self.params),
            "state": jax.tree.map(_unwrap, self.state),
            "inputs": inputs,
            "training": training,
        }
        if "rng" in self.call_fn_arguments:
            arguments["rng"] = self._call_rng(training)
        result = self.call_fn(*(arguments[name] for name in self.call_fn_arguments))
        if not self.call_fn_has_state:
            return result
        outputs, new_state = result
        jax.tree.map(_assign_state, new_state, self.state)
        return outputs

    # -- config ------------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "call_fn": serialize_keras_object(self.call_fn),
                "init_fn": serialize_keras_object(self.init_fn),
                "native_serialization_platforms": self.native_serialization_platforms,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["call_fn"] = deserialize_keras_object(config["call_fn"])
        config["init_fn"] = deserialize_keras_object(config["init_fn"])
        return super().from_config(config)


def _assign_state(value, variable):
    if not isinstance(variable, Variable):
        raise ValueError(
            "Structure mismatch: the structure of the state returned by `call` does not match "
            "the structure of the state at initialization time."
        )
    variable.assign(value)


def _is_shape(value):
    return isinstance(value, tuple) and all(d is None or isinstance(d, int) for d in value)


def _validate_signature(fn, fn_name, allowed, required):
    parameters = inspect.signature(fn).parameters
    for name in required:
        if name not in parameters:
            raise ValueError(f"Missing required argument in `{fn_name}`: `{name}`")
    names = []
    for parameter in parameters.values():
        if parameter.name not in allowed:
            raise ValueError(
                f"Unsupported argument in `{fn_name}`: `{parameter.name}`, supported "
                f"arguments are `{'`, `'.join(allowed)}`"
            )
        names.append(parameter.name)
    return names
