"""The pure face of a layer or model: ``init`` and ``apply`` over pytrees of arrays.

``params`` holds the trainable variables and ``state`` everything else (BatchNorm
statistics, seed states), both as nested dicts keyed by stable, model-relative paths::

    params, state = model.init(jax.random.key(0), jax.ShapeDtypeStruct((None, 784), "float32"))
    outputs, state = model.apply(params, state, x, training=True, rng=key)

Both are plain functions of their arguments, so `jax.jit`, `jax.grad` and `jax.vmap` apply.
"""

import jax
import numpy as np

from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.masking import get_keras_mask
from kerasish.engine.scope import InitScope, StateScope
from kerasish.utils.gc_utils import FirstCallWithoutGC


def keyed_variables(layer):
    """``[(key, variable)]`` in ``layer.variables`` order, keys like ``dense_1/kernel``.

    Keys follow the layer tree (sublayer names, then the variable name), so they are the
    same in every program that builds the same model.
    """
    entries, seen, used = [], set(), set()

    def add(key, variable):
        if id(variable) in seen:
            return
        seen.add(id(variable))
        unique, count = key, 1
        while unique in used:
            unique, count = f"{key}_{count}", count + 1
        used.add(unique)
        entries.append((unique, variable))

    def walk(current, prefix):
        for variable in current._trainable_variables + current._non_trainable_variables:
            add(prefix + variable.name, variable)
        for generator in current._seed_generators:
            add(f"{prefix}{generator.name}/{generator.state.name}", generator.state)
        for variable in current._state_variables:
            add(prefix + variable.name, variable)
        for child in current._layers:
            walk(child, f"{prefix}{child.name}/")

    walk(layer, "")
    return entries


def nest(flat):
    """``{"a/b": x}`` -> ``{"a": {"b": x}}``."""
    nested = {}
    for key, value in flat.items():
        node = nested
        *parents, leaf = key.split("/")
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"Variable key '{key}' collides with another variable's key.")
        node[leaf] = value
    return nested


def lookup(tree, key, tree_name, owner):
    node = tree
    for part in key.split("/"):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(
                f"`{tree_name}` passed to '{owner.name}' has no entry '{key}'. Pass the pytrees "
                "that `init` returned for this model."
            )
        node = node[part]
    return node


def _require_built(layer):
    if not layer.built:
        raise ValueError(
            f"'{layer.name}' is not built yet: call `init(rng, input_spec)` (or call the layer "
            "once) before `apply`."
        )


def split_values(layer, values_by_id):
    """``(params, state)`` nested dicts from ``{id(variable): value}``."""
    trainable_ids = {id(v) for v in layer.trainable_variables}
    params, state = {}, {}
    for key, variable in keyed_variables(layer):
        (params if id(variable) in trainable_ids else state)[key] = values_by_id[id(variable)]
    return nest(params), nest(state)


def init(layer, rng, *input_specs, **kwargs):
    """Builds ``layer`` for ``input_specs`` if needed and returns fresh ``(params, state)``.

    ``input_specs`` are shapes, `jax.ShapeDtypeStruct`s, arrays or `KerasTensor`s (None
    dims allowed). Weights are drawn from ``rng``, so the same key gives the same
    pytrees; the layer's own variables are left as they are.
    """
    if not layer.built:
        if not input_specs and not kwargs:
            raise ValueError(f"'{layer.name}' is not built: pass an input spec to `init`.")
        symbolic_args, symbolic_kwargs = jax.tree.map(
            _to_keras_tensor, (input_specs, kwargs), is_leaf=_is_spec
        )
        layer._maybe_build(symbolic_args, symbolic_kwargs)
    values = {}
    with InitScope(rng):
        for _, variable in keyed_variables(layer):
            initializer = getattr(variable, "_initializer", None)
            if initializer is None:
                values[id(variable)] = variable.value
            else:
                values[id(variable)] = initializer(variable.shape, dtype=variable.dtype)
    return split_values(layer, values)


def _is_spec(value):
    if isinstance(value, tuple) and all(
        d is None or isinstance(d, (int, np.integer)) for d in value
    ):
        return True
    return isinstance(value, (jax.ShapeDtypeStruct, KerasTensor)) or hasattr(value, "shape")


def _to_keras_tensor(spec):
    if isinstance(spec, KerasTensor):
        return spec
    if isinstance(spec, tuple):
        return KerasTensor(spec)
    return KerasTensor(tuple(spec.shape), dtype=spec.dtype)


def run_in_scope(layer, values_by_id, rng, function, include_penalties=True):
    """Runs ``function()`` with the layer's variables reading ``values_by_id``.

    Returns ``(result, values_after, losses)``: values_after maps every variable id to its
    value after the call (assignments included); losses are those added during the call,
    followed (with ``include_penalties``) by the weight regularization penalties.
    """
    with StateScope(values_by_id, rng) as scope:
        scope.losses = []
        result = function()
        losses = list(scope.losses)
        if include_penalties:
            for variable in layer.trainable_weights:
                if variable.regularizer is not None:
                    losses.append(variable.regularizer(variable.value))
    return result, scope.values, losses


def compiled_call(model, static_kwargs):
    """A jitted ``(trainable, non_trainable, args, kwargs) -> (outputs, non_trainable, losses)``
    calling ``model`` with the hashable ``static_kwargs`` (``training``...) fixed."""

    def call(trainable_values, non_trainable_values, args, kwargs):
        trainable = model.trainable_variables
        non_trainable = model.non_trainable_variables
        values = {id(v): x for v, x in zip(trainable, trainable_values)}
        values.update({id(v): x for v, x in zip(non_trainable, non_trainable_values)})
        outputs, values_after, losses = run_in_scope(
            model,
            values,
            None,
            lambda: model(*args, **kwargs, **dict(static_kwargs)),
            include_penalties=False,
        )
        masks = jax.tree.map(get_keras_mask, outputs)
        return (outputs, masks), [values_after[id(v)] for v in non_trainable], losses

    return FirstCallWithoutGC(jax.jit(call))


def _values_from_trees(layer, params, state):
    _require_built(layer)
    trainable_ids = {id(v) for v in layer.trainable_variables}
    values = {}
    for key, variable in keyed_variables(layer):
        # A variable frozen or unfrozen since `init` is still found in the other tree.
        first, second = (params, state) if id(variable) in trainable_ids else (state, params)
        try:
            values[id(variable)] = lookup(
                first, key, "params" if first is params else "state", layer
            )
        except KeyError:
            values[id(variable)] = lookup(
                second, key, "params" if second is params else "state", layer
            )
    return values


def apply_with_losses(layer, params, state, *args, training=False, rng=None, **kwargs):
    """Like `apply`, plus the list of losses (``add_loss``, regularizers) of the call."""
    values = _values_from_trees(layer, params, state)
    outputs, values_after, losses = run_in_scope(
        layer, values, rng, lambda: layer(*args, training=training, **kwargs)
    )
    _, new_state = split_values(layer, values_after)
    return outputs, new_state, losses


def apply(layer, params, state, *args, training=False, rng=None, **kwargs):
    """``(outputs, new_state)`` of ``layer`` called on ``args`` with the given pytrees."""
    outputs, new_state, _ = apply_with_losses(
        layer, params, state, *args, training=training, rng=rng, **kwargs
    )
    return outputs, new_state


def stateless_call(
    layer, trainable_values, non_trainable_values, *args, return_losses=False, **kwargs
):
    """Keras 3's ``stateless_call``: value lists aligned with ``layer.trainable_variables`` and
    ``layer.non_trainable_variables``; returns ``(outputs, non_trainable_values)``."""
    _require_built(layer)
    trainable = layer.trainable_variables
    non_trainable = layer.non_trainable_variables
    if len(trainable_values) != len(trainable):
        raise ValueError(
            "Argument `trainable_variables` must be a list of tensors corresponding 1:1 to "
            f"{layer.__class__.__name__}().trainable_variables. Received list with length "
            f"{len(trainable_values)}, but expected {len(trainable)} variables."
        )
    if len(non_trainable_values) != len(non_trainable):
        raise ValueError(
            "Argument `non_trainable_variables` must be a list of tensors corresponding 1:1 to "
            f"{layer.__class__.__name__}().non_trainable_variables. Received list with length "
            f"{len(non_trainable_values)}, but expected {len(non_trainable)} variables."
        )
    values = {id(v): x for v, x in zip(trainable, trainable_values)}
    values.update({id(v): x for v, x in zip(non_trainable, non_trainable_values)})
    outputs, values_after, losses = run_in_scope(
        layer, values, None, lambda: layer(*args, **kwargs)
    )
    new_non_trainable = [values_after[id(v)] for v in non_trainable]
    if return_losses:
        return outputs, new_non_trainable, losses
    return outputs, new_non_trainable
