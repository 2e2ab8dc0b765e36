"""Runs `kerasish.ops` and `keras.ops` on the same cases and compares what they return.

Comparing hundreds of ops one eager call at a time spends nearly all its time compiling one
tiny XLA program per call. So the cases of a test module run together: one `jax.jit` traces
every case for both libraries and compiles once, which also checks that every op traces.
Cases that cannot be traced (data-dependent shapes) are marked ``eager`` and run one by one.
"""

from typing import Any, NamedTuple

import jax
import numpy as np
import pytest

# XLA options for the one big test program: several times quicker to compile, and both
# libraries' results come out of the same program.
FAST_COMPILE = {
    "xla_cpu_use_fusion_emitters": False,
    "xla_backend_optimization_level": 0,
    "xla_llvm_disable_expensive_passes": True,
}


class Case(NamedTuple):
    id: str
    name: str
    args: tuple
    kwargs: dict
    eager: bool


def case(name, *args, id=None, eager=False, **kwargs):
    """One call of the op ``name``; NumPy array arguments become traced inputs."""
    return Case(id or f"{name}-{_describe(args, kwargs)}", name, args, kwargs, eager)


def _describe(args, kwargs):
    parts = [_stable_repr(a) for a in args]
    parts += [f"{k}={_stable_repr(v)}" for k, v in kwargs.items() if not isinstance(v, np.ndarray)]
    return ",".join(parts)[:80]


def _stable_repr(value):
    """Test ids must be the same in every process (xdist compares them): no addresses."""
    if isinstance(value, np.ndarray):
        return f"{value.dtype}{list(value.shape)}"
    if callable(value):
        return getattr(value, "__name__", type(value).__name__)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_stable_repr(v) for v in value) + "]"
    return repr(value)


def unique_ids(cases):
    """The cases' ids, numbered where two cases would otherwise share one."""
    seen, ids = {}, []
    for c in cases:
        seen[c.id] = seen.get(c.id, -1) + 1
        ids.append(c.id if not seen[c.id] else f"{c.id}#{seen[c.id]}")
    return ids


def parametrize_cases(cases):
    """Parametrizes a test over ``(key, case)``, with the keys as test ids."""
    keys = unique_ids(cases)
    return pytest.mark.parametrize("key, c", list(zip(keys, cases)), ids=keys)


class Outcome(NamedTuple):
    ours: Any
    theirs: Any
    error: Exception | None


def _call(module, name, args, kwargs):
    return getattr(module, name)(*args, **kwargs)


def run_cases(cases, ours, theirs):
    """``{id: Outcome}``: each traceable case run by both modules, all inside one `jax.jit`."""
    cases = {key: c for key, c in zip(unique_ids(cases), cases) if not c.eager}
    leaves, treedef = jax.tree.flatten([(c.args, c.kwargs) for c in cases.values()])
    traced = [i for i, leaf in enumerate(leaves) if isinstance(leaf, np.ndarray)]
    errors = {}

    def run_all(arrays):
        filled = list(leaves)
        for position, array in zip(traced, arrays):
            filled[position] = array
        outputs = {}
        for (key, c), (args, kwargs) in zip(cases.items(), jax.tree.unflatten(treedef, filled)):
            try:
                outputs[key] = (
                    _call(ours, c.name, args, kwargs),
                    _call(theirs, c.name, args, kwargs),
                )
            except Exception as error:  # reported by the case's own test
                errors[key] = error
        return outputs

    arrays = [leaves[i] for i in traced]
    outputs = jax.jit(run_all).lower(arrays).compile(compiler_options=FAST_COMPILE)(arrays)
    return {key: Outcome(*outputs.get(key, (None, None)), errors.get(key)) for key in cases}


def assert_same_outputs(ours, theirs, rtol=1e-5, atol=1e-5):
    """Same structure, shapes, dtypes and values (exact for ints and bools)."""
    ours_leaves, theirs_leaves = jax.tree.leaves(ours), jax.tree.leaves(theirs)
    assert len(ours_leaves) == len(theirs_leaves), (ours, theirs)
    for mine, reference in zip(ours_leaves, theirs_leaves):
        mine, reference = np.asarray(mine), np.asarray(reference)
        assert mine.dtype == reference.dtype, (mine.dtype, reference.dtype)
        assert mine.shape == reference.shape, (mine.shape, reference.shape)
        if np.issubdtype(mine.dtype, np.inexact) or mine.dtype.name == "bfloat16":
            wide = np.complex128 if np.iscomplexobj(mine) else np.float64
            np.testing.assert_allclose(
                mine.astype(wide), reference.astype(wide), rtol=rtol, atol=atol, equal_nan=True
            )
        else:
            np.testing.assert_array_equal(mine, reference)


def check_case(key, c, outcomes, ours, theirs, rtol=1e-5, atol=1e-5):
    """Asserts that case ``c`` (id ``key``) gives the same result in both libraries."""
    if c.eager:
        outcome = Outcome(
            _call(ours, c.name, c.args, c.kwargs), _call(theirs, c.name, c.args, c.kwargs), None
        )
    else:
        outcome = outcomes[key]
    if outcome.error is not None:
        raise outcome.error
    assert_same_outputs(outcome.ours, outcome.theirs, rtol=rtol, atol=atol)
