"""The time loop of every recurrent layer: one `jax.lax.scan` over the time axis.

``scan_over_time`` is pure: a step function, time-major sequences and initial states in;
the last output, the (batch-major) outputs of every step and the final states out. It reproduces the
numbers of Keras 3's JAX backend (``keras.src.backend.jax.rnn.rnn``) for both of its loops,
the ``lax.scan`` one and the Python-unrolled one (``unroll=True``), which treat masked
timesteps differently.
"""

import jax
import jax.numpy as jnp


def scan_over_time(
    step,
    inputs,
    initial_states,
    *,
    mask=None,
    go_backwards=False,
    unroll=False,
    zero_output_for_mask=False,
    return_all_outputs=True,
):
    """Runs ``step(input_t, states) -> (output_t, new_states)`` over axis 0 of ``inputs``.

    Arguments:
        step: the function of one timestep. ``new_states`` must hold as many arrays as
            ``states``; they are put back into the structure of ``initial_states``.
        inputs: an array or pytree of arrays shaped ``(time, batch, ...)``.
        initial_states: a pytree of ``(batch, ...)`` arrays (the scan carry).
        mask: None, or booleans ``(batch, time)`` (extra trailing axes are reduced with
            ``any``): False marks a timestep that is skipped. A skipped step keeps the states
            it received, and its output is
            - with ``unroll``: the previous step's output (zeros before the first step);
            - else with ``zero_output_for_mask``: zeros;
            - else: the first incoming state (of the last cell's states, when the states
              are nested per cell, as for `StackedRNNCells`).
        go_backwards: process the timesteps last to first; outputs come in processing order.
        unroll: Keras's unrolled semantics for masked steps (the loop is still a scan, so
            compile time does not grow with the sequence length).
        zero_output_for_mask: see ``mask``; ignored with ``unroll``, as in Keras.
        return_all_outputs: stack every step's output; without it only the last output is
            kept (the loop then writes no per-step outputs).

    Returns:
        ``(last_output, outputs, final_states)``; ``outputs`` is ``(batch, time, ...)`` in
        processing order, or None without ``return_all_outputs``.
    """
    carry_structure = jax.tree.structure(initial_states)
    carry_dtypes = [x.dtype for x in jax.tree.leaves(initial_states)]

    def restructure(new_states):
        leaves = jax.tree.leaves(new_states)
        if len(leaves) != len(carry_dtypes):
            raise ValueError(
                f"The RNN cell returned {len(leaves)} state tensors, but it was given "
                f"{len(carry_dtypes)}. A cell must return one new state per state it receives."
            )
        leaves = [leaf.astype(dtype) for leaf, dtype in zip(leaves, carry_dtypes)]
        return jax.tree.unflatten(carry_structure, leaves)

    def body(carry, scanned):
        states, previous_output = carry
        input_t, keep_t = scanned
        output, new_states = step(input_t, states)
        new_states = restructure(new_states)
        if keep_t is not None:
            new_states = jax.tree.map(
                lambda new, old: jnp.where(_broadcastable(keep_t, new), new, old),
                new_states,
                states,
            )
            if unroll:
                fallback = previous_output
            elif zero_output_for_mask:
                fallback = jnp.zeros_like(output)
            else:
                fallback = _first_state(states)
            output = jnp.where(_broadcastable(keep_t, output), output, fallback)
        return (new_states, output), (output if return_all_outputs else None)

    first_input = jax.tree.map(lambda x: x[0], inputs)
    output_spec = jax.eval_shape(lambda x, s: step(x, s)[0], first_input, initial_states)
    no_output = jnp.zeros(output_spec.shape, output_spec.dtype)
    keep = None if mask is None else _timestep_mask(mask)
    (final_states, last_output), outputs = jax.lax.scan(
        body, (initial_states, no_output), (inputs, keep), reverse=go_backwards
    )
    if return_all_outputs:
        outputs = jnp.swapaxes(jnp.flip(outputs, axis=0) if go_backwards else outputs, 0, 1)
    return last_output, outputs, final_states


def _timestep_mask(mask):
    """``(time, batch)`` booleans from a batch-major mask, extra axes reduced with ``any``."""
    mask = jnp.asarray(mask).astype(bool)
    if mask.ndim > 2:
        mask = jnp.any(mask, axis=tuple(range(2, mask.ndim)))
    return jnp.swapaxes(mask, 0, 1)


def _broadcastable(keep, like):
    """``(batch,)`` booleans reshaped to broadcast against ``like`` (batch first)."""
    return jnp.reshape(keep, keep.shape + (1,) * (like.ndim - 1))


def _first_state(states):
    first = states[0]
    if isinstance(first, (list, tuple)):
        return states[-1][0]
    return first
