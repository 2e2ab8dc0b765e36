"""Runs the same gradient sequence through a kerasish optimizer and its Keras 3 twin.

Both sides run eagerly (Keras's own ``apply`` on JAX is eager), so they execute the same
float32 operations and usually agree bit for bit. Keras's gradient accumulation calls
``jax.lax.cond`` with fresh closures, which recompiles on every eager call; those runs
use ``jax.disable_jit()`` on the Keras side only.
"""

import contextlib

import jax
import keras
import numpy as np

import kerasish
import kerasish.optimizers

SHAPES = ((2, 3), (3,))
RTOL, ATOL = 1e-5, 1e-6


def make_optimizer(library, class_name, kwargs):
    """``library.optimizers.<class_name>(**kwargs)``; ``kwargs["schedule"] = (name, args)``
    becomes a learning-rate schedule of that library."""
    kwargs = dict(kwargs)
    if "schedule" in kwargs:
        schedule_name, schedule_kwargs = kwargs.pop("schedule")
        kwargs["learning_rate"] = getattr(library.optimizers.schedules, schedule_name)(
            **schedule_kwargs
        )
    return getattr(library.optimizers, class_name)(**kwargs)


def random_problem(steps=20, shapes=SHAPES, seed=0):
    rng = np.random.default_rng(seed)
    initial = [rng.normal(size=s).astype("float32") for s in shapes]
    grads = [[rng.normal(size=s).astype("float32") for s in shapes] for _ in range(steps)]
    return initial, grads


def paired_variables(initial):
    ours = [kerasish.Variable(x, name=f"v{i}") for i, x in enumerate(initial)]
    theirs = [keras.Variable(x, name=f"v{i}") for i, x in enumerate(initial)]
    return ours, theirs


_KERAS_CONDS = (
    keras.optimizers.schedules.CosineDecay,
    keras.optimizers.schedules.CosineDecayRestarts,
)


def keras_context(keras_optimizer):
    """``jax.disable_jit()`` where Keras would recompile a ``cond`` on every eager call."""
    inner = getattr(keras_optimizer, "inner_optimizer", keras_optimizer)
    slow = (
        inner is not keras_optimizer
        or inner.gradient_accumulation_steps
        or isinstance(inner._learning_rate, _KERAS_CONDS)
    )
    return jax.disable_jit() if slow else contextlib.nullcontext()


def assert_same_values(ours, theirs, exact, what):
    for mine, reference in zip(ours, theirs):
        mine, reference = np.asarray(mine), np.asarray(reference)
        np.testing.assert_allclose(mine, reference, rtol=RTOL, atol=ATOL, err_msg=what)
        if exact:
            np.testing.assert_array_equal(mine, reference, err_msg=f"{what} (bit for bit)")


def run_parity(
    ours, theirs, steps=20, shapes=SHAPES, exact=True, variables=None, seed=0, edit=None
):
    """Applies ``steps`` random gradients to both optimizers and checks variables, slots,
    ``iterations`` and ``learning_rate`` after every step.

    ``variables(initial)`` optionally makes the pair of variable lists (to set attributes
    such as ``overwrite_with_gradient`` on both sides); ``edit(step, grads, our_vars,
    keras_vars)`` may change things before each step and returns ``(our_grads, keras_grads)``.
    """
    initial, grads = random_problem(steps, shapes, seed)
    our_vars, keras_vars = (variables or paired_variables)(initial)
    for step, grad in enumerate(grads):
        our_grad, keras_grad = edit(step, grad, our_vars, keras_vars) if edit else (grad, grad)
        with keras_context(theirs):
            theirs.apply(keras_grad, keras_vars)
            keras_learning_rate = float(theirs.learning_rate)
        ours.apply(our_grad, our_vars)
        what = f"step {step}"
        assert_same_values(
            [v.numpy() for v in our_vars], [v.value for v in keras_vars], exact, what
        )
        assert int(ours.iterations) == int(theirs.iterations), what
        assert float(ours.learning_rate) == keras_learning_rate, what
    assert [v.shape for v in ours.variables] == [tuple(v.shape) for v in theirs.variables]
    assert_same_values(
        [v.numpy() for v in ours.variables],
        [v.value for v in theirs.variables],
        exact,
        "optimizer variables",
    )
    return our_vars, keras_vars
