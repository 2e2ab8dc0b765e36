"""`FlaxLayer`: a `flax.linen.Module` (as Keras 3) or a `flax.nnx.Module` as a layer.

Both become a `JaxLayer` over a pure ``(params, state, rng, inputs[, training])`` function:

- linen: ``module.apply`` with every collection but ``params`` mutable, as Keras does;
  ``params`` are trainable weights, the other collections (``batch_stats`` ...) state.
- nnx: the module is split once into its graph, its `nnx.Param` values (trainable weights),
  its RNG streams (kept by the layer, reseeded from the layer's key at each training call)
  and everything else (`nnx.BatchStat` ...: state). Each call merges them into a fresh
  module inside the traced function, sets ``train()``/``eval()``, calls it and splits the
  updated state back out, so the call is pure and jits (never `nnx.jit`).
"""

import inspect

import jax
from flax import linen, nnx

from kerasish.layers.interop.jax_layer import JaxLayer, _path_name
from kerasish.saving.serialization import (
    deserialize_keras_object,
    keras_export,
    serialize_keras_object,
)


@keras_export("keras.layers")
class FlaxLayer(JaxLayer):
    """Wraps a Flax module (linen or nnx); its parameters train with `fit` like any weights.

    Example:
    >>> class MLP(flax.linen.Module):
    ...     @flax.linen.compact
    ...     def __call__(self, inputs):
    ...         return flax.linen.Dense(2)(flax.linen.relu(flax.linen.Dense(8)(inputs)))
    >>> layer = kerasish.layers.FlaxLayer(MLP())
    >>> layer(jnp.ones((3, 4))).shape
    (3, 2)
    >>> [w.name for w in layer.trainable_weights][:2]
    ['params.Dense_0.bias', 'params.Dense_0.kernel']

    Arguments:
        module: a `flax.linen.Module` or a `flax.nnx.Module` (already initialized, as nnx
            modules are).
        method: what to call instead of ``__call__``: a method of the module, or a function
            taking the module first. Its ``inputs`` argument gets the layer's inputs and its
            ``training`` argument, if any, the training flag.
        variables: for linen, the dict ``module.init`` returns (``params`` plus other
            collections); without it ``module.init`` runs at build. Not used with nnx (the
            module holds its variables).

    Training mode: linen methods get ``training`` if they take it; nnx modules are also set
    to ``train()``/``eval()``, so `nnx.Dropout` and `nnx.BatchNorm` follow the layer's mode.
    Weights are named by their path in the variables (``params.Dense_0.kernel``,
    ``batch_stats.BatchNorm_0.mean``; nnx: ``params.linear.kernel``, ``state.bn.mean``).
    """

    def __init__(self, module, method=None, variables=None, **kwargs):
        self.module = module
        self.method = method
        if isinstance(module, nnx.Module):
            call_fn, init_fn, params, state = self._nnx_functions(module, method, variables)
        else:
            call_fn, init_fn = self._linen_functions()
            params, state = _split_collections(variables)
        super().__init__(call_fn=call_fn, init_fn=init_fn, params=params, state=state, **kwargs)

    # -- linen -------------------------------------------------------------------------
    def _linen_functions(self):
        mutable = linen.DenyList(["params"])
        takes_training = _takes_training(self.method or self.module.__call__)

        def call_fn(params, state, rng, inputs, training):
            extra = {"training": training} if takes_training else {}
            return self.module.apply(
                {**(params or {}), **(state or {})},
                inputs,
                rngs=rng,
                method=self.method,
                mutable=mutable,
                **extra,
            )

        def init_fn(rng, inputs):
            extra = {"training": True} if takes_training else {}
            variables = self.module.init(rng, inputs, method=self.method, **extra)
            return _split_collections(dict(variables))

        return call_fn, init_fn

    # -- nnx ---------------------------------------------------------------------------
    def _nnx_functions(self, module, method, variables):
        if variables is not None:
            raise ValueError(
                "`variables` is only for `flax.linen` modules: a `flax.nnx.Module` holds its "
                f"own variables. Received: variables with keys {list(variables)}"
            )
        graphdef, params, rng_state, rest = nnx.split(module, nnx.Param, nnx.RngState, ...)
        streams = sorted(
            {v.tag for _, v in nnx.to_flat_state(rng_state) if isinstance(v, nnx.RngKey)}
        )
        takes_training = method is not None and _takes_training(method)

        def call_fn(params, state, rng, inputs, training):
            merged = nnx.merge(
                graphdef,
                _with_values(params_template, params["params"]),
                jax.tree.map(lambda x: x, rng_state),
                _with_values(rest_template, state["state"]),
            )
            merged.train() if training else merged.eval()
            if training and streams:
                nnx.reseed(merged, **{s: jax.random.fold_in(rng, i) for i, s in enumerate(streams)})
            if method is None:
                outputs = merged(inputs)
            else:
                function = getattr(merged, method.__name__) if _bound_to(method, module) else None
                arguments = (inputs,) if function is not None else (merged, inputs)
                function = function or method
                outputs = function(*arguments, **({"training": training} if takes_training else {}))
            _, _, _, new_rest = nnx.split(merged, nnx.Param, nnx.RngState, ...)
            return outputs, {"state": nnx.to_pure_dict(new_rest)}

        params_template, rest_template = params, rest
        return (
            call_fn,
            None,
            {"params": nnx.to_pure_dict(params)},
            {"state": nnx.to_pure_dict(rest)},
        )

    def _variable_name(self, trainable, path):
        # The first key is already the collection ("params", "batch_stats", "state").
        return _path_name(path)

    def _init_rng(self, key):
        return {"params": jax.random.fold_in(key, 0), "dropout": jax.random.fold_in(key, 1)}

    def _call_rng(self, training):
        if isinstance(self.module, nnx.Module):
            return self.seed_generator.next() if training else None
        return {"dropout": self.seed_generator.next()} if training else {}

    # -- config ------------------------------------------------------------------------
    def get_config(self):
        method = self.method
        if _bound_to(method, self.module):
            method = method.__name__  # a bound method is saved by its name
        config = super().get_config()
        del config["call_fn"], config["init_fn"]
        config.update(
            {
                "module": serialize_keras_object(self.module),
                "method": serialize_keras_object(method),
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        module = deserialize_keras_object(config["module"])
        method = config["method"]
        method = (
            getattr(module, method)
            if isinstance(method, str)
            else (deserialize_keras_object(method))
        )
        config.update({"module": module, "method": method})
        return super(JaxLayer, cls).from_config(config)


def _split_collections(variables):
    """Keras's split of linen variables: ``{"params": ...}`` and the other collections."""
    if variables is None:
        return None, None
    if "params" not in variables:
        return {}, variables
    state = {k: v for k, v in variables.items() if k != "params"}
    return {"params": variables["params"]}, state


def _with_values(template, values):
    """A copy of the nnx `State` ``template`` holding the arrays of the pure dict ``values``."""
    state = jax.tree.map(lambda x: x, template)
    nnx.replace_by_pure_dict(state, values)
    return state


def _takes_training(function):
    return "training" in inspect.signature(function).parameters


def _bound_to(method, module):
    return method is not None and getattr(method, "__self__", None) is module
