"""`RNN`: runs any cell over the time axis of a sequence with one `jax.lax.scan`."""

import contextlib
import functools

import jax
import jax.numpy as jnp

from kerasish import initializers
from kerasish.engine.layer import Layer
from kerasish.engine.operation import infer_output_spec
from kerasish.engine.scope import StateScope
from kerasish.engine.variables import Variable
from kerasish.layers.recurrent.dropout_rnn_cell import DropoutRNNCell
from kerasish.layers.recurrent.stacked_rnn_cells import StackedRNNCells, cell_output_size
from kerasish.layers.recurrent.time_loop import scan_over_time
from kerasish.saving.serialization import (
    deserialize_keras_object,
    keras_export,
    serialize_keras_object,
)


def cell_attribute(name):
    """A read-only property forwarding to ``self.cell.<name>`` (LSTM's ``units`` ...)."""
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's ``{name}``.")


@keras_export("keras.layers")
class RNN(Layer):
    """Runs a recurrent cell over the time axis of its inputs.

    Example:
    >>> layer = kerasish.layers.RNN(kerasish.layers.LSTMCell(4), return_state=True)
    >>> output, h, c = layer(jnp.ones((2, 5, 3)))
    >>> output.shape, c.shape
    ((2, 4), (2, 4))

    Arguments:
        cell: a cell, or a list of cells (run as one `StackedRNNCells`). A cell is any object
            with ``call(inputs_t, states) -> (output_t, new_states)`` and a ``state_size``
            (an int, or a list with one size per state); optionally ``output_size`` and
            ``get_initial_state(batch_size)`` (else the initial states are zeros).
        return_sequences: return the output of every timestep, not only the last.
        return_state: also return the final states (``output, *states``).
        go_backwards: process the sequence last step first; returned sequences come in
            processing order, as in Keras.
        stateful: carry the final states of a batch over as the initial states of the next
            one. Needs a fixed batch size. The states live in non-trainable variables
            (``layer.states``) that are not weights, so a pure ``apply`` returns them in its
            new ``state``; ``reset_state()`` zeroes them.
        unroll: accepted for Keras; the loop is always a `jax.lax.scan` (XLA compiles it
            once whatever the length), and masked steps follow Keras's unrolled semantics.
        zero_output_for_mask: masked timesteps output zeros instead of the previous output.

    Call arguments: ``sequences`` ``(batch, time, ...)``; ``initial_state`` (an array or a
    list, one per state); ``mask`` ``(batch, time)`` booleans, False for skipped steps (set
    by ``Embedding(mask_zero=True)`` or ``Masking``); ``training`` (dropout).

    Masking: a masked step keeps the previous states; its output is the previous output
    (or zeros with ``zero_output_for_mask``). With ``return_sequences`` the mask passes on.

    Dropout: cells with ``dropout``/``recurrent_dropout`` get masks drawn once per sequence
    and only in training, from their `SeedGenerator` (or the ``rng`` of ``apply``).
    """

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        **kwargs,
    ):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if "call" not in dir(cell):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: cell={cell}")
        if "state_size" not in dir(cell):
            raise ValueError(
                "The RNN cell should have a `state_size` attribute (single integer or list of "
                f"integers, one integer per RNN state). Received: cell={cell}"
            )
        super().__init__(**kwargs)
        self.zero_output_for_mask = zero_output_for_mask
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.supports_masking = True
        self.input_spec = None
        self.states = None
        self._expected_batch_size = None
        state_size = getattr(self.cell, "state_size", None)
        if state_size is None:
            raise ValueError("state_size must be specified as property on the RNN cell.")
        if not isinstance(state_size, (list, tuple, int)):
            raise ValueError(
                "state_size must be an integer, or a list/tuple of integers "
                "(one for each state tensor)."
            )
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)

    # -- building and states -------------------------------------------------------------
    def build(self, sequences_shape, initial_state_shape=None):
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build((sequences_shape[0], *tuple(sequences_shape[2:])))
        if not self.stateful:
            return
        if self.states is not None:
            self.reset_state()
            return
        if sequences_shape[0] is None:
            raise ValueError(
                "When using `stateful=True` in a RNN, the batch size must be static. Found "
                f"dynamic batch size: sequence.shape={sequences_shape}"
            )
        self._create_state_variables(sequences_shape[0])

    def _create_state_variables(self, batch_size):
        def variable(value):
            state = Variable(value, trainable=False, dtype=self.variable_dtype, name="rnn_state")
            state._initializer = initializers.Zeros()
            return state

        self.states = jax.tree.map(variable, self.get_initial_state(batch_size))
        self._state_variables = jax.tree.leaves(self.states)
        self._expected_batch_size = batch_size

    def get_initial_state(self, batch_size):
        """Zero states for ``batch_size`` sequences: the cell's own, else one per ``state_size``."""
        get_cell_state = getattr(self.cell, "get_initial_state", None)
        if get_cell_state is None:
            dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
            return [jnp.zeros((batch_size, size), dtype=dtype) for size in self.state_size]
        states = get_cell_state(batch_size=batch_size)
        return list(states) if isinstance(states, (list, tuple)) else [states]

    def reset_state(self):
        """Zeroes the carried states of a stateful layer."""
        for state in self._state_variables:
            state.assign(jnp.zeros_like(state.value))

    def reset_states(self):
        """Alias of `reset_state` (Keras keeps both)."""
        self.reset_state()

    # -- calling -------------------------------------------------------------------------
    def call(self, sequences, initial_state=None, mask=None, training=False):
        batch_size = sequences.shape[0]
        if self.stateful:
            self._check_stateful_batch(batch_size)
        if initial_state is not None:
            initial_state = self._standardize_initial_state(initial_state, batch_size)
        elif self.stateful:
            initial_state = jax.tree.map(lambda state: state.value, self.states)
        else:
            initial_state = self.get_initial_state(batch_size)
        dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        initial_state = jax.tree.map(lambda x: jnp.asarray(x, dtype=dtype), initial_state)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]

        last_output, outputs, states = self._run(sequences, initial_state, mask, training)
        output = (outputs if self.return_sequences else last_output).astype(self.compute_dtype)
        states = jax.tree.map(lambda x: x.astype(self.compute_dtype), states)
        if self.stateful:
            for variable, value in zip(self._state_variables, jax.tree.leaves(states)):
                variable.assign(value)
        if self.return_state:
            return output, *states
        return output

    def _check_stateful_batch(self, batch_size):
        if self._expected_batch_size is not None and batch_size != self._expected_batch_size:
            raise ValueError(
                "If an RNN is stateful, the batch size of the input sequences must be the same "
                "as the batch size of the initial state. \n"
                f"- Expected batch size: {self._expected_batch_size}\n"
                f"- Received batch size: {batch_size}"
            )

    def _standardize_initial_state(self, initial_state, batch_size):
        """``initial_state`` in the structure of the cell's states (a flat list is accepted
        for stacked cells), checked against their count and shapes."""
        expected = self.get_initial_state(batch_size)
        given = jax.tree.leaves(initial_state)
        wanted = jax.tree.leaves(expected)
        if len(given) != len(wanted):
            raise ValueError(
                f"Layer '{self.name}' expects {len(wanted)} initial state tensor(s), but it "
                f"received {len(given)}: initial_state={initial_state}"
            )
        for state, reference in zip(given, wanted):
            if tuple(state.shape) != tuple(reference.shape):
                raise ValueError(
                    f"An initial state of layer '{self.name}' has shape {tuple(state.shape)}, "
                    f"but the cell expects {tuple(reference.shape)}."
                )
        return jax.tree.unflatten(jax.tree.structure(expected), given)

    def _run(self, sequences, initial_state, mask, training):
        kwargs = {"training": training} if _takes_training(self.cell) else {}
        step = _without_side_effects(functools.partial(self.cell, **kwargs))
        with self._dropout_masks(sequences, initial_state, training):
            return scan_over_time(
                step,
                jnp.swapaxes(sequences, 0, 1),
                initial_state,
                mask=mask,
                go_backwards=self.go_backwards,
                unroll=self.unroll,
                zero_output_for_mask=self.zero_output_for_mask,
                return_all_outputs=self.return_sequences,
            )

    @contextlib.contextmanager
    def _dropout_masks(self, sequences, initial_state, training):
        """Draws every dropout cell's masks for this sequence (in training only)."""
        with contextlib.ExitStack() as stack:
            if training:
                for cell, step_input, state in _dropout_cells(
                    self.cell, sequences[:, 0], initial_state
                ):
                    stack.enter_context(cell.masks_for_sequence(step_input, state))
            yield

    # -- shapes, masks, config -------------------------------------------------------------
    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        # Traced through `call`, so it always agrees with what `call` returns.
        return super().compute_output_shape(sequences_shape, initial_state_shape)

    def compute_output_spec(self, *args, **kwargs):
        # Also traced (not derived from `compute_output_shape`), keyword arguments included.
        return infer_output_spec(lambda *a, **k: self._call_built(a, k), args, kwargs)

    def compute_mask(self, inputs, mask):
        mask = jax.tree.leaves(mask)[0] if jax.tree.leaves(mask) else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.state_size]
        return output_mask

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "return_sequences": self.return_sequences,
                "return_state": self.return_state,
                "go_backwards": self.go_backwards,
                "stateful": self.stateful,
                "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask,
            }
        )
        config["cell"] = serialize_keras_object(self.cell)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if "cell" in config:
            config["cell"] = deserialize_keras_object(config["cell"], custom_objects)
        return super().from_config(config)


def _takes_training(cell):
    if isinstance(cell, Layer):
        return cell._call_has_training_arg
    return False


def _dropout_cells(cell, step_input, states):
    """``(cell, step_input, first_state)`` for every dropout cell, stacked ones included;
    a stacked cell's step input has the previous cell's output size."""
    if isinstance(cell, StackedRNNCells):
        for inner, inner_states in zip(cell.cells, states):
            yield from _dropout_cells(inner, step_input, inner_states)
            step_input = jnp.zeros(
                (step_input.shape[0], cell_output_size(inner)), dtype=step_input.dtype
            )
    elif isinstance(cell, DropoutRNNCell):
        first = states[0] if isinstance(states, (list, tuple)) else states
        yield cell, step_input, first


def _without_side_effects(step):
    """``step`` run in its own state scope: variable assignments and losses made inside the
    time loop (by a cell drawing random numbers, say) are dropped rather than leaked out of
    the scan, as Keras's JAX backend does."""

    def run(inputs, states):
        outer = StateScope.current()
        values = outer.values if outer is not None else None
        rng = outer.rng if outer is not None else None
        with StateScope(values, rng) as scope:
            scope.losses = []
            return step(inputs, states)

    return run


class RNNOfOwnCell(RNN):
    """An `RNN` that makes its cell from its own arguments (`SimpleRNN`, `LSTM` ...): its config
    holds those arguments, not the cell, as Keras writes it."""

    _cell_config_excludes = ()

    def get_config(self):
        config = super().get_config()
        cell_config = config.pop("cell")["config"]
        excluded = {"name", "trainable", "dtype", *self._cell_config_excludes}
        config.update({k: v for k, v in cell_config.items() if k not in excluded})
        config["activity_regularizer"] = serialize_keras_object(self.activity_regularizer)
        return config
