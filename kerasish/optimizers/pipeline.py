"""One Keras optimizer step as a pure function around an optax update rule.

Keras's ``optimizer.apply`` does, in this order: write gradients straight into variables
marked ``overwrite_with_gradient``; divide the others by ``loss_scale_factor``; accumulate
them over ``gradient_accumulation_steps`` calls (updating only every N-th call, with the
mean); clip them; decay the variables (``p -= p * weight_decay * lr``); run the update
rule on the decayed variables; update the EMA of the variables and maybe overwrite the
variables with it; count the step. `keras_optimizer` builds that pipeline with the
clipping and the rule as one ``optax.chain``.

Keras assigns new values where optax adds deltas. `KerasTransformation.step` returns the
assigned values themselves (what kerasish applies, so no extra rounding creeps in), and
`KerasTransformation.as_optax` presents the same computation as a standard
`optax.GradientTransformation` whose updates are ``new - params``.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from kerasish.backend.config import floatx
from kerasish.optimizers import transforms
from kerasish.optimizers.schedules import LearningRateSchedule


class KerasTransformation(NamedTuple):
    """``init(params) -> state`` and ``step(grads, state, params) -> (new_params, new_state)``.

    ``grads`` may hold ``None`` for parameters without a gradient: they, and their
    slots, are left as they are (Keras skips them with a warning).
    """

    init: Callable
    step: Callable

    def as_optax(self):
        """This step as an `optax.GradientTransformation`: ``updates = new_params - params``."""

        def update(updates, state, params=None):
            if params is None:
                raise ValueError(
                    "Keras optimizers need `params` in `update(grads, state, params)`."
                )
            new_params, new_state = self.step(updates, state, params)
            return jax.tree.map(lambda new, old: new - old, new_params, params), new_state

        return optax.GradientTransformation(self.init, update)


class KerasOptimizerState(NamedTuple):
    """The state of `keras_optimizer`, in the order of Keras's ``optimizer.variables``.

    ``iteration`` counts ``apply`` calls (int32: jax runs without x64, as Keras on JAX
    does); ``learning_rate`` is the float learning rate (None with a schedule);
    ``average`` the EMA of the parameters (None without ``use_ema``);
    ``gradient_accumulator`` the gradient sums (None without accumulation); ``inner`` the
    state of the clipping-and-rule chain.
    """

    iteration: Any
    learning_rate: Any
    average: Any
    gradient_accumulator: Any
    inner: Any


def _is_none(x):
    return x is None


def _flat_mask(mask, structure, params, default):
    if mask is None:
        return [default] * structure.num_leaves
    if callable(mask):
        mask = mask(params)
    return [bool(m) for m in structure.flatten_up_to(mask)]


def _masked(leaves, keep):
    return [leaf if k else optax.MaskedNode() for leaf, k in zip(leaves, keep)]


def _keep_old_slots(new, old, active):
    """``new`` with the per-parameter lists of the inner state reset to ``old`` where inactive."""
    if isinstance(new, list) and len(new) == len(active):
        return [n if a else o for n, o, a in zip(new, old, active)]
    if isinstance(new, tuple):
        fields = [_keep_old_slots(n, o, active) for n, o in zip(new, old)]
        return type(new)(*fields) if hasattr(new, "_fields") else tuple(fields)
    return new


def current_learning_rate(learning_rate, state_value, iteration):
    """Keras's ``optimizer.learning_rate`` during a step: the stored float,
    ``schedule(iteration)`` for a `LearningRateSchedule`, or ``learning_rate()``."""
    if state_value is not None:
        return state_value
    if isinstance(learning_rate, LearningRateSchedule):
        return jnp.asarray(learning_rate(iteration))
    return jnp.asarray(learning_rate())


def _accumulate(grads, accumulators, leaves, active, overwrite, is_update, steps):
    """Keras's gradient accumulation: ``(grads to apply, new accumulators, overwritten leaves)``.

    On an update step the gradients become the mean over the last ``steps`` calls and the
    accumulators reset; otherwise they add up. Variables overwritten with their gradient
    keep the elementwise maximum instead.
    """
    grads, new_accumulators, new_leaves = list(grads), list(accumulators), list(leaves)
    for i, (g, acc) in enumerate(zip(grads, accumulators)):
        if not active[i]:
            continue
        zeros = jnp.zeros_like(acc)
        if overwrite[i]:
            largest = jnp.maximum(g, acc)
            new_accumulators[i] = jnp.where(is_update, zeros, largest)
            grads[i] = jnp.where(is_update, largest, g)
            new_leaves[i] = jnp.where(is_update, grads[i], leaves[i])
        else:
            new_accumulators[i] = jnp.where(is_update, zeros, g + acc)
            grads[i] = jnp.where(is_update, (g + acc) / steps, g)
    return grads, new_accumulators, new_leaves


def _moving_average(averages, leaves, iterations, ema_momentum, overwrite_frequency):
    """Keras's EMA of the variables: ``(new averages, leaves maybe overwritten with them)``."""
    momentum = (iterations != 0).astype(floatx()) * ema_momentum
    averages = [
        a if isinstance(a, optax.MaskedNode) else momentum * a + (1 - momentum) * p
        for a, p in zip(averages, leaves)
    ]
    if overwrite_frequency is not None:
        overwrite_now = (iterations + 1) % overwrite_frequency == 0
        take, leave = overwrite_now.astype(jnp.int32), (~overwrite_now).astype(jnp.int32)
        leaves = [
            p if isinstance(a, optax.MaskedNode) else a * take + p * leave
            for a, p in zip(averages, leaves)
        ]
    return averages, leaves


def keras_optimizer(
    rule,
    *,
    learning_rate,
    weight_decay=None,
    weight_decay_mask=None,
    clipnorm=None,
    clipvalue=None,
    global_clipnorm=None,
    use_ema=False,
    ema_momentum=0.99,
    ema_overwrite_frequency=None,
    loss_scale_factor=None,
    gradient_accumulation_steps=None,
    overwrite_with_gradient=None,
):
    """Keras's optimizer step around ``rule`` (an optax transform taking ``learning_rate`` and
    ``iteration`` extra arguments, see `kerasish.optimizers.transforms`).

    Example:
    >>> tx = keras_optimizer(transforms.scale_by_keras_sgd(), learning_rate=0.1)
    >>> params = [jnp.ones(2)]
    >>> state = tx.init(params)
    >>> params, state = tx.step([jnp.ones(2)], state, params)
    >>> [round(float(x), 4) for x in params[0]], int(state.iteration)
    ([0.9, 0.9], 1)

    Arguments:
        rule: the update rule.
        learning_rate: a float (kept in the state, so it can change between steps), a
            `LearningRateSchedule` evaluated at the iteration count, or a callable
            without arguments.
        weight_decay_mask, overwrite_with_gradient: pytrees of bools shaped like the
            parameters (or callables ``params -> pytree``): which parameters are decayed,
            and which are overwritten with their gradient instead of being optimized.
        the rest: Keras's optimizer arguments of the same names.

    Returns:
        A `KerasTransformation` whose state is a `KerasOptimizerState`.
    """
    inner = optax.chain(transforms.keras_clipping(clipnorm, clipvalue, global_clipnorm), rule)
    accumulate = gradient_accumulation_steps
    float_learning_rate = not callable(learning_rate)

    def init(params):
        leaves, structure = jax.tree.flatten(params)
        keep = [not o for o in _flat_mask(overwrite_with_gradient, structure, params, False)]
        optimized = _masked(leaves, keep)
        return KerasOptimizerState(
            iteration=jnp.zeros((), jnp.int32),
            learning_rate=jnp.asarray(learning_rate, floatx()) if float_learning_rate else None,
            average=jax.tree.map(jnp.zeros_like, optimized) if use_ema else None,
            gradient_accumulator=[jnp.zeros_like(p) for p in leaves] if accumulate else None,
            inner=inner.init(optimized),
        )

    def step(grads, state, params):
        leaves, structure = jax.tree.flatten(params)
        grads = structure.flatten_up_to(grads)
        active = [g is not None for g in grads]
        if not any(active):
            raise ValueError("No gradients provided for any variable.")
        grads = [jnp.zeros_like(p) if g is None else g for g, p in zip(grads, leaves)]
        overwrite = _flat_mask(overwrite_with_gradient, structure, params, False)
        decay = _flat_mask(weight_decay_mask, structure, params, True)
        keep = [not o for o in overwrite]
        iteration = state.iteration
        # Keras's `optimizer.iterations`: applied updates, not calls, when accumulating.
        iterations = iteration // accumulate if accumulate else iteration
        lr = current_learning_rate(learning_rate, state.learning_rate, iteration)

        if loss_scale_factor is not None:
            grads = [g / loss_scale_factor if k else g for g, k in zip(grads, keep)]
        accumulators = state.gradient_accumulator
        if accumulate:
            is_update = (iteration + 1) % accumulate == 0
            grads, accumulators, new_leaves = _accumulate(
                grads, accumulators, leaves, active, overwrite, is_update, accumulate
            )
        else:
            new_leaves = [
                g if o and a else p for g, p, o, a in zip(grads, leaves, overwrite, active)
            ]

        decayed = [
            p - p * jnp.asarray(weight_decay, p.dtype) * lr.astype(p.dtype)
            if weight_decay is not None and k and d and a
            else p
            for p, k, d, a in zip(leaves, keep, decay, active)
        ]
        updates, new_inner = inner.update(
            _masked(grads, keep),
            state.inner,
            _masked(decayed, keep),
            learning_rate=lr,
            iteration=iterations,
        )
        if not all(active):
            new_inner = _keep_old_slots(new_inner, state.inner, _masked(active, keep))
        for i, update in enumerate(updates):
            if keep[i] and active[i]:
                # `decayed + update` is Keras's `assign_sub` on the decayed variable, bit for bit.
                new_leaves[i] = decayed[i] + update
                if accumulate:
                    new_leaves[i] = jnp.where(is_update, new_leaves[i], leaves[i])
        if accumulate:
            new_inner = jax.tree.map(
                lambda new, old: jnp.where(is_update, new, old), new_inner, state.inner
            )

        averages = state.average
        if use_ema:
            averages, new_leaves = _moving_average(
                averages, new_leaves, iterations, ema_momentum, ema_overwrite_frequency
            )
        new_state = KerasOptimizerState(
            iteration=iteration + 1,
            learning_rate=state.learning_rate,
            average=averages,
            gradient_accumulator=accumulators,
            inner=new_inner,
        )
        return structure.unflatten(new_leaves), new_state

    return KerasTransformation(init, step)


class LossScaleState(NamedTuple):
    """`LossScaleOptimizer`'s own variables (Keras's order), then the inner optimizer's state."""

    iteration: Any
    learning_rate: Any
    step_counter: Any
    dynamic_scale: Any
    inner: Any


def dynamic_loss_scale(
    inner, initial_scale=2.0**15, dynamic_growth_steps=2000, overwrite_with_gradient=None
):
    """Keras's dynamic loss scaling around the `KerasTransformation` ``inner``.

    Gradients arrive multiplied by ``dynamic_scale``. When all are finite they are divided
    by it and passed to ``inner``, and the scale doubles after ``dynamic_growth_steps``
    such steps in a row; otherwise the step is skipped and the scale halves.
    """

    def init(params):
        return LossScaleState(
            iteration=jnp.zeros((), jnp.int32),
            learning_rate=jnp.zeros((), floatx()),
            step_counter=jnp.zeros((), jnp.int32),
            dynamic_scale=jnp.asarray(initial_scale, jnp.float32),
            inner=inner.init(params),
        )

    def step(grads, state, params):
        leaves, structure = jax.tree.flatten(params)
        grads = structure.flatten_up_to(grads)
        overwrite = _flat_mask(overwrite_with_gradient, structure, params, False)
        present = [g for g in grads if g is not None]
        finite = jnp.all(jnp.stack([jnp.all(jnp.isfinite(g)) for g in present]))
        scale, counter = state.dynamic_scale, state.step_counter

        grow = counter == dynamic_growth_steps - 1
        unscaled = [g if g is None or o else g / scale for g, o in zip(grads, overwrite)]
        new_params, new_inner = inner.step(structure.unflatten(unscaled), state.inner, params)
        # Selects rather than Keras's cond: non-finite results of the skipped branch are dropped.
        new_params = jax.tree.map(lambda new, old: jnp.where(finite, new, old), new_params, params)
        new_inner = jax.tree.map(
            lambda new, old: jnp.where(finite, new, old), new_inner, state.inner
        )
        return new_params, state._replace(
            step_counter=jnp.where(finite, jnp.where(grow, 0, counter + 1), 0),
            dynamic_scale=jnp.where(finite, jnp.where(grow, scale * 2.0, scale), scale * 0.5),
            inner=new_inner,
        )

    return KerasTransformation(init, step)
