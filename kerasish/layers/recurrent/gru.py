"""`GRUCell` and `GRU` (Cho et al., 2014), gates in Keras's order z (update), r (reset), h."""

import jax.numpy as jnp

from kerasish import activations
from kerasish.engine.input_spec import InputSpec
from kerasish.layers.recurrent.dense_cell import DenseCell
from kerasish.layers.recurrent.dropout_rnn_cell import active_rate, gate_transform
from kerasish.layers.recurrent.lstm import validate_use_cudnn
from kerasish.layers.recurrent.rnn import RNNOfOwnCell, cell_attribute
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class GRUCell(DenseCell):
    """One step of `GRU`.

    Example:
    >>> cell = kerasish.layers.GRUCell(4)
    >>> h, states = cell(jnp.ones((2, 3)), [jnp.zeros((2, 4))])
    >>> h.shape
    (2, 4)

    Arguments:
        units: positive int, the size of the output and of the state.
        activation: for the candidate state (default ``"tanh"``).
        recurrent_activation: for the update and reset gates (default ``"sigmoid"``).
        use_bias: whether to add biases.
        kernel_initializer, recurrent_initializer, bias_initializer: for ``kernel``
            ``(input_dim, 3 * units)``, ``recurrent_kernel`` ``(units, 3 * units)`` and
            ``bias``: ``(2, 3 * units)`` (input and recurrent biases) with ``reset_after``,
            else ``(3 * units,)``.
        kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
        recurrent_constraint, bias_constraint: for the same weights.
        dropout, recurrent_dropout: fractions dropped in training, with masks fixed over a
            sequence (one per gate once ``recurrent_dropout`` is set, as in Keras).
        reset_after: apply the reset gate after the recurrent matrix product (the cuDNN
            convention, Keras's default) rather than before it.
        seed: int seed of the cell's `SeedGenerator`.

    Call: ``cell(inputs, states, training=False) -> (h_new, new_states)``; ``states`` is the
    previous state or a list holding it.
    """

    gates = 3

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        reset_after=True,
        seed=None,
        **kwargs,
    ):
        implementation = kwargs.pop("implementation", 2)
        super().__init__(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            **kwargs,
        )
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after
        self.implementation = 1 if self.recurrent_dropout != 0.0 else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 3

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _biases(self):
        """``(input_bias, recurrent_bias)``; either may be None."""
        if self.bias is None:
            return None, None
        bias = self.bias.value
        return (bias[0], bias[1]) if self.reset_after else (bias, None)

    def call(self, inputs, states, training=False):
        as_list = isinstance(states, (list, tuple))
        h_previous = states[0] if as_list else states
        input_bias, recurrent_bias = self._biases()
        masks = self.get_dropout_mask(inputs) if active_rate(self.dropout, training) else None
        projected = gate_transform(inputs, masks, self.kernel.value, jnp.matmul)
        if input_bias is not None:
            projected = projected + input_bias
        masks = None
        if active_rate(self.recurrent_dropout, training):
            masks = self.get_recurrent_dropout_mask(h_previous)
        kernel = self.recurrent_kernel.value
        x_z, x_r, x_h = jnp.split(projected, 3, axis=-1)
        if self.reset_after:
            recurrent = gate_transform(h_previous, masks, kernel, jnp.matmul)
            if recurrent_bias is not None:
                recurrent = recurrent + recurrent_bias
            recurrent_z, recurrent_r, recurrent_h = jnp.split(recurrent, 3, axis=-1)
            z = self.recurrent_activation(x_z + recurrent_z)
            r = self.recurrent_activation(x_r + recurrent_r)
            candidate = self.activation(x_h + r * recurrent_h)
        else:
            gate_masks = masks[:2] if masks is not None else None
            recurrent = gate_transform(
                h_previous, gate_masks, kernel[:, : 2 * self.units], jnp.matmul
            )
            recurrent_z, recurrent_r = jnp.split(recurrent, 2, axis=-1)
            z = self.recurrent_activation(x_z + recurrent_z)
            r = self.recurrent_activation(x_r + recurrent_r)
            h_for_candidate = h_previous if masks is None else h_previous * masks[2]
            candidate = self.activation(x_h + (r * h_for_candidate) @ kernel[:, 2 * self.units :])
        h = z * h_previous + (1 - z) * candidate
        return h, ([h] if as_list else h)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after,
            }
        )
        return config


@keras_export("keras.layers")
class GRU(RNNOfOwnCell):
    """Gated Recurrent Unit layer: `RNN` of a `GRUCell`.

    Example:
    >>> layer = kerasish.layers.GRU(4, return_sequences=True)
    >>> layer(jnp.ones((2, 5, 3))).shape
    (2, 5, 4)

    Arguments: the `GRUCell` arguments (``reset_after`` included), ``activity_regularizer``,
    the `RNN` flags (``return_sequences``, ``return_state``, ``go_backwards``, ``stateful``,
    ``unroll``) and ``use_cudnn`` (accepted for Keras; the loop is always a `jax.lax.scan`).

    Shapes: ``(batch, time, features)`` -> ``(batch, units)`` or ``(batch, time, units)``;
    with ``return_state`` also the final state ``(batch, units)``.
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        reset_after=True,
        use_cudnn="auto",
        **kwargs,
    ):
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            reset_after=reset_after,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="gru_cell",
            seed=seed,
            implementation=kwargs.pop("implementation", 2),
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.input_spec = InputSpec(ndim=3)
        self.use_cudnn = validate_use_cudnn(use_cudnn)

    units = cell_attribute("units")
    activation = cell_attribute("activation")
    recurrent_activation = cell_attribute("recurrent_activation")
    use_bias = cell_attribute("use_bias")
    kernel_initializer = cell_attribute("kernel_initializer")
    recurrent_initializer = cell_attribute("recurrent_initializer")
    bias_initializer = cell_attribute("bias_initializer")
    kernel_regularizer = cell_attribute("kernel_regularizer")
    recurrent_regularizer = cell_attribute("recurrent_regularizer")
    bias_regularizer = cell_attribute("bias_regularizer")
    kernel_constraint = cell_attribute("kernel_constraint")
    recurrent_constraint = cell_attribute("recurrent_constraint")
    bias_constraint = cell_attribute("bias_constraint")
    dropout = cell_attribute("dropout")
    recurrent_dropout = cell_attribute("recurrent_dropout")
    reset_after = cell_attribute("reset_after")
