"""`StackedRNNCells`: several cells run as one, each feeding its output to the next."""

import jax.numpy as jnp

from kerasish.engine.layer import Layer
from kerasish.saving.serialization import (
    deserialize_keras_object,
    keras_export,
    serialize_keras_object,
)


def cell_output_size(cell):
    """The size of a cell's output: ``output_size``, else its (first) ``state_size``."""
    if getattr(cell, "output_size", None) is not None:
        return cell.output_size
    if isinstance(cell.state_size, (list, tuple)):
        return cell.state_size[0]
    return cell.state_size


@keras_export("keras.layers")
class StackedRNNCells(Layer):
    """A stack of cells that behaves as one cell: `RNN` runs the whole stack at every step.

    Example:
    >>> cells = [kerasish.layers.LSTMCell(8), kerasish.layers.GRUCell(4)]
    >>> layer = kerasish.layers.RNN(kerasish.layers.StackedRNNCells(cells))
    >>> layer(jnp.ones((2, 5, 3))).shape
    (2, 4)

    Arguments:
        cells: the cells, first to last; each has ``call`` and ``state_size``.

    States: a list with each cell's states (``state_size`` is the list of the cells'
    ``state_size``); the output is the last cell's output.
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            if "call" not in dir(cell):
                raise ValueError(
                    f"All cells must have a `call` method. Received cell without a `call` "
                    f"method: {cell}"
                )
            if "state_size" not in dir(cell):
                raise ValueError(
                    "All cells must have a `state_size` attribute. Received cell without a "
                    f"`state_size`: {cell}"
                )
        self.cells = cells

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        return cell_output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        states = []
        for cell in self.cells:
            get_cell_state = getattr(cell, "get_initial_state", None)
            if get_cell_state is not None:
                states.append(get_cell_state(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                states.append(jnp.zeros((batch_size, cell.state_size), dtype=self.compute_dtype))
            else:
                states.append(
                    [jnp.zeros((batch_size, d), dtype=self.compute_dtype) for d in cell.state_size]
                )
        return states

    def call(self, inputs, states, training=False, **kwargs):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            as_list = isinstance(cell_states, (list, tuple))
            cell_states = list(cell_states) if as_list else [cell_states]
            if isinstance(cell, Layer) and cell._call_has_training_arg:
                kwargs["training"] = training
            else:
                kwargs.pop("training", None)
            inputs, cell_states = cell(inputs, cell_states, **kwargs)
            if isinstance(cell_states, (list, tuple)) and len(cell_states) == 1 and not as_list:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        if len(new_states) == 1:
            new_states = new_states[0]
        return inputs, new_states

    def build(self, input_shape):
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
            input_shape = (input_shape[0], cell_output_size(cell))

    def get_config(self):
        config = super().get_config()
        config["cells"] = [serialize_keras_object(cell) for cell in self.cells]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        cells = [deserialize_keras_object(cell, custom_objects) for cell in config["cells"]]
        return super().from_config({**config, "cells": cells})
