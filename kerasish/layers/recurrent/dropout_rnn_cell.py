"""`DropoutRNNCell`: dropout masks that stay the same at every timestep of a sequence, and the
masked per-gate transforms the built-in cells compute with them."""

import contextlib

import jax.numpy as jnp

from kerasish import random


class DropoutRNNCell:
    """Mixin for cells with ``dropout``, ``recurrent_dropout`` and a ``seed_generator``.

    As in Keras, one mask is drawn per sequence and reused at every timestep (variational
    dropout). `RNN` draws the masks before its time loop, inside ``masks_for_sequence``, from
    the cell's `SeedGenerator` (or the ``rng`` of a pure ``apply``); a cell called on its own
    draws new masks on every call. A cell that sets ``dropout_mask_count`` gets that many
    masks (one per gate) from each getter.
    """

    def _create_dropout_mask(self, step_input, rate):
        ones = jnp.ones_like(step_input)
        count = getattr(self, "dropout_mask_count", None)
        if count is None:
            return random.dropout(ones, rate, seed=self.seed_generator)
        return [random.dropout(ones, rate, seed=self.seed_generator) for _ in range(count)]

    def get_dropout_mask(self, step_input):
        """The input mask (or list of masks) of the current sequence; None without dropout."""
        cached = getattr(self, "_dropout_mask", None)
        if cached is None and self.dropout > 0:
            return self._create_dropout_mask(step_input, self.dropout)
        return cached

    def get_recurrent_dropout_mask(self, step_input):
        """The recurrent-state mask (or list of masks); None without recurrent dropout."""
        cached = getattr(self, "_recurrent_dropout_mask", None)
        if cached is None and self.recurrent_dropout > 0:
            return self._create_dropout_mask(step_input, self.recurrent_dropout)
        return cached

    def reset_dropout_mask(self):
        _set_untracked(self, "_dropout_mask", None)

    def reset_recurrent_dropout_mask(self):
        _set_untracked(self, "_recurrent_dropout_mask", None)

    @contextlib.contextmanager
    def masks_for_sequence(self, step_input, step_state):
        """Draws the masks once; every timestep inside the block reuses them."""
        _set_untracked(self, "_dropout_mask", self.get_dropout_mask(step_input))
        _set_untracked(self, "_recurrent_dropout_mask", self.get_recurrent_dropout_mask(step_state))
        try:
            yield
        finally:
            self.reset_dropout_mask()
            self.reset_recurrent_dropout_mask()


def _set_untracked(cell, name, value):
    """Masks are per-call values, not structure: skip the layer's attribute tracking."""
    object.__setattr__(cell, name, value)


def gate_transform(x, masks, kernel, transform, axis=-1):
    """``transform(x, kernel)`` with dropout ``masks`` applied to ``x`` first.

    ``masks`` is None, one mask for every gate, or a list with one mask per gate; then the
    kernel is split into that many gates along its last axis and the per-gate results are
    concatenated along ``axis`` (the output's channel axis).
    """
    if masks is None:
        return transform(x, kernel)
    if not isinstance(masks, (list, tuple)):
        return transform(x * masks, kernel)
    gates = jnp.split(kernel, len(masks), axis=-1)
    return jnp.concatenate(
        [transform(x * mask, gate) for mask, gate in zip(masks, gates)], axis=axis
    )


def active_rate(rate, training):
    """Whether a dropout ``rate`` applies: in training, strictly between 0 and 1 (Keras's
    LSTM, GRU and ConvLSTM cells ignore a rate of 1)."""
    return bool(training) and 0.0 < rate < 1.0
