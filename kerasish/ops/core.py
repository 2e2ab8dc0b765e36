"""`keras.ops` core functions: conversion, casting, control flow, scatter/slice updates.

Also holds the small dtype helpers the other op modules share, so that every module
promotes dtypes the way Keras's JAX backend does.
"""

import re

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np

from kerasish.backend.config import floatx
from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.variables import Variable, standardize_dtype
from kerasish.ops._dispatch import keras_op

# Keras names Python's scalar types by the dtype they become on the JAX backend.
_PYTHON_DTYPES = {bool: "bool", int: "int32", float: "float32", complex: "complex64"}


# -- shared dtype helpers ----------------------------------------------------------------
def to_dtype_name(dtype):
    """A dtype's Keras name (``"float32"``...); Python types map as Keras maps them on JAX."""
    if isinstance(dtype, type) and dtype in _PYTHON_DTYPES:
        return _PYTHON_DTYPES[dtype]
    return standardize_dtype(dtype)


def optional_dtype_name(dtype):
    """``to_dtype_name``, keeping None as None (meaning "infer it")."""
    return None if dtype is None else to_dtype_name(dtype)


def is_inexact(dtype):
    return jnp.issubdtype(jnp.dtype(dtype), jnp.inexact)


def result_dtype(*dtypes):
    """Keras's ``result_type`` of array dtypes (no weak types; 64-bit narrowed as JAX does)."""
    promoted = dtypes[0]
    for other in dtypes[1:]:
        promoted = jnp.promote_types(promoted, other)
    return jax.dtypes.canonicalize_dtype(promoted).name


def result_type(*dtypes):
    """`keras.backend.result_type`: dtype names, dtypes or the Python types ``bool``/``int``/
    ``float`` (weakly typed, as JAX treats Python scalars); None means floatx."""
    if not dtypes:
        return floatx()
    converted = [
        value if value in (bool, int, float, complex) else standardize_dtype(value or floatx())
        for value in dtypes
    ]
    return jax.dtypes.canonicalize_dtype(jnp.result_type(*converted)).name


def float_dtype(dtype):
    """Keras's ``result_type(dtype, float)``: inexact dtypes stay, others become floatx."""
    return jnp.dtype(dtype).name if is_inexact(dtype) else floatx()


def at_least_float32(dtype):
    """Keras's ``result_type(dtype, "float32")``: the dtype statistics are computed in."""
    return jnp.promote_types(dtype, jnp.float32).name


def as_float(x):
    """``x`` as an array of `float_dtype` of its dtype."""
    x = jnp.asarray(x)
    return x.astype(float_dtype(x.dtype))


def to_array(x, dtype=None):
    if dtype is not None and not isinstance(x, jax.Array) and to_dtype_name(dtype) == "bfloat16":
        return jnp.asarray(x).astype("bfloat16")  # numpy cannot build bfloat16 directly
    return jnp.asarray(x, dtype=None if dtype is None else to_dtype_name(dtype))


def named_op(function, name, doc):
    """``function`` made into the public op ``name`` (for ops built by a factory)."""
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return keras_op(function)


# -- introspection (not ops: these answer directly, also for symbolic tensors) -----------
def shape(x):
    """The shape of ``x`` as a tuple (None for unknown dims of symbolic tensors)."""
    if isinstance(x, (KerasTensor, Variable, jax.Array, np.ndarray)):
        return tuple(x.shape)
    return jnp.shape(x)


def dtype(x):
    """The Keras dtype name of ``x``."""
    return standardize_dtype(x.dtype)


def is_tensor(x):
    """Whether ``x`` is a backend (JAX) array."""
    return isinstance(x, jax.Array)


def convert_to_numpy(x):
    """``x`` as a NumPy array."""
    if isinstance(x, Variable):
        x = x.value
    return np.array(x)


def custom_gradient(f):
    """Decorates ``f`` (returning ``(output, grad_fn)``) to use ``grad_fn`` as its gradient."""
    with_gradient = jax.custom_gradient(fun=f)

    def function(*args, **kwargs):
        args, kwargs = jax.tree.map(
            lambda v: v.value if isinstance(v, Variable) else v,
            (args, kwargs),
            is_leaf=lambda v: isinstance(v, Variable),
        )
        return with_gradient(*args, **kwargs)

    return function


# -- conversion --------------------------------------------------------------------------
@keras_op
def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """``x`` as a JAX array, optionally of ``dtype``."""
    if ragged:
        raise ValueError("`ragged=True` is not supported with jax backend")
    return to_array(x, dtype)


@keras_op
def cast(x, dtype):
    """``x`` converted to ``dtype``."""
    return to_array(x, dtype)


def _dtype_limits(dtype_name):
    if dtype_name == "bool":
        return 0, 1
    info = ml_dtypes.iinfo(dtype_name) if "int" in dtype_name else ml_dtypes.finfo(dtype_name)
    return info.min, info.max


@keras_op
def saturate_cast(x, dtype):
    """Casts ``x`` to ``dtype``, clipping values to the range ``dtype`` can represent."""
    dtype = to_dtype_name(dtype)
    x = jnp.asarray(x)
    in_dtype = x.dtype.name
    if in_dtype == "bool":
        return x.astype(dtype)
    (in_min, in_max), (out_min, out_max) = _dtype_limits(in_dtype), _dtype_limits(dtype)
    # A limit rounded up (or down) when stored in the input dtype would overflow the
    # output dtype, so it is nudged one step towards zero.
    low = np.asarray(max(in_min, out_min)).astype(in_dtype)
    if low < out_min:
        low = np.nextafter(low, 0, dtype=in_dtype)
    high = np.asarray(min(in_max, out_max)).astype(in_dtype)
    if high > out_max:
        high = np.nextafter(high, 0, dtype=in_dtype)
    return jnp.clip(x, low, high).astype(dtype)


@keras_op
def stop_gradient(variable):
    """``variable`` with its gradient blocked."""
    return jax.lax.stop_gradient(variable)


# -- control flow ------------------------------------------------------------------------
@keras_op
def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()``, as one traced conditional."""
    return jax.lax.cond(pred, true_fn, false_fn)


@keras_op
def switch(index, branches, *operands):
    """``branches[index](*operands)``, with ``index`` clamped to the valid range."""
    return jax.lax.switch(index, branches, *operands)


@keras_op
def map(f, xs):
    """``f`` applied to each slice of ``xs`` along its first axis, results stacked."""
    return jax.lax.map(f, xs)


@keras_op
def vectorized_map(function, elements):
    """``function`` vectorized over the first axis of ``elements``."""
    return jax.vmap(function)(elements)


@keras_op
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loops ``carry, y = f(carry, x)`` over ``xs``; returns ``(carry, stacked ys)``."""
    if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
        raise ValueError(
            f"`unroll` must be an positive integer or boolean. Received: unroll={unroll}"
        )
    return jax.lax.scan(f, init, xs, length=length, reverse=reverse, unroll=unroll)


@keras_op
def associative_scan(f, elems, reverse=False, axis=0):
    """Parallel prefix scan of ``elems`` with the associative binary function ``f``."""
    return jax.lax.associative_scan(f, elems, reverse=reverse, axis=axis)


@keras_op
def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``."""
    return jax.lax.fori_loop(lower, upper, body_fun, init_val)


@keras_op
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``; a non-sequence is one var."""
    is_sequence = isinstance(loop_vars, (tuple, list))
    state = (tuple(loop_vars) if is_sequence else (loop_vars,), 0)

    def keep_going(state):
        loop_vars, iteration = state
        condition = cond(*loop_vars)
        if maximum_iterations is None:
            return condition
        return jnp.logical_and(condition, iteration < maximum_iterations)

    def step(state):
        loop_vars, iteration = state
        outputs = body(*loop_vars)
        return (tuple(outputs) if is_sequence else (outputs,)), iteration + 1

    outputs, _ = jax.lax.while_loop(keep_going, step, state)
    return outputs if is_sequence else outputs[0]


# -- indexing and updates ----------------------------------------------------------------
@keras_op
def scatter(indices, values, shape):
    """A zeros tensor of ``shape`` with ``values`` added at ``indices`` (last axis: coords)."""
    values = jnp.asarray(values)
    coordinates = tuple(jnp.moveaxis(jnp.asarray(indices), -1, 0))
    return jnp.zeros(shape, values.dtype).at[coordinates].add(values)


_SCATTER_REDUCTIONS = {
    None: "set",
    "add": "add",
    "max": "max",
    "min": "min",
    "mul": "multiply",
}


@keras_op
def scatter_update(inputs, indices, updates, reduction=None):
    """``inputs`` with ``updates`` written (or reduced) at ``indices``."""
    reduction = reduction.lower() if reduction is not None else None
    if reduction not in _SCATTER_REDUCTIONS:
        raise ValueError(
            f"Invalid reduction: {reduction}. "
            "Supported values are: None, 'add', 'max', 'min', 'mul'."
        )
    coordinates = tuple(jnp.transpose(jnp.asarray(indices)))
    updater = jnp.asarray(inputs).at[coordinates]
    return getattr(updater, _SCATTER_REDUCTIONS[reduction])(updates)


@keras_op
def slice(inputs, start_indices, shape):
    """The block of ``inputs`` of ``shape`` at ``start_indices``; -1 takes the rest of a dim."""
    inputs = jnp.asarray(inputs)
    sizes = tuple(
        inputs.shape[i] - start_indices[i] if size == -1 else size for i, size in enumerate(shape)
    )
    return jax.lax.dynamic_slice(inputs, start_indices, sizes)


@keras_op
def slice_update(inputs, start_indices, updates):
    """``inputs`` with the block at ``start_indices`` replaced by ``updates``."""
    return jax.lax.dynamic_update_slice(jnp.asarray(inputs), jnp.asarray(updates), start_indices)


@keras_op
def unstack(x, num=None, axis=0):
    """The slices of ``x`` along ``axis``, as a list."""
    x = jnp.asarray(x)
    return [jax.lax.index_in_dim(x, i, axis, keepdims=False) for i in range(x.shape[axis])]


# -- einops ------------------------------------------------------------------------------
_AXIS_TOKEN = re.compile(r"\w+|\([\w\s]*\)")


def _parse_axes(side):
    """``"b (h w) c"`` -> ``[["b"], ["h", "w"], ["c"]]``."""
    return [token.strip("()").split() for token in _AXIS_TOKEN.findall(side)]


@keras_op
def rearrange(tensor, pattern, **axes_lengths):
    """Reorders, merges and splits axes as an einops pattern (``"b h w c -> b (h w) c"``) says."""
    tensor = jnp.asarray(tensor)
    source, target = (_parse_axes(side) for side in re.split(r"\s*->\s*", pattern))
    sizes = dict(axes_lengths)
    for group, dim in zip(source, tensor.shape):
        unknown = [name for name in group if name not in sizes]
        known = int(np.prod([sizes[name] for name in group if name in sizes]))
        if unknown:
            sizes[unknown[0]] = dim // known
    source_names = [name for group in source for name in group]
    tensor = jnp.reshape(tensor, [sizes[name] for name in source_names])
    target_names = [name for group in target for name in group]
    tensor = jnp.transpose(tensor, [source_names.index(name) for name in target_names])
    return jnp.reshape(tensor, [int(np.prod([sizes[name] for name in group])) for group in target])
