"""`SimpleRNNCell` and `SimpleRNN`: ``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``."""

from kerasish.engine.input_spec import InputSpec
from kerasish.layers.recurrent.dense_cell import DenseCell
from kerasish.layers.recurrent.rnn import RNNOfOwnCell, cell_attribute
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class SimpleRNNCell(DenseCell):
    """One step of `SimpleRNN`: ``h = activation(x @ kernel + h_prev @ recurrent_kernel + bias)``.

    Example:
    >>> cell = kerasish.layers.SimpleRNNCell(4)
    >>> output, states = cell(jnp.ones((2, 3)), [jnp.zeros((2, 4))])
    >>> output.shape, len(states)
    ((2, 4), 1)

    Arguments:
        units: positive int, the size of the output and of the state.
        activation: applied to the new state (default ``"tanh"``; None means linear).
        use_bias: whether to add ``bias``.
        kernel_initializer, recurrent_initializer, bias_initializer: for ``kernel``
            ``(input_dim, units)``, ``recurrent_kernel`` ``(units, units)``, ``bias`` ``(units,)``.
        kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
        recurrent_constraint, bias_constraint: for the same weights.
        dropout, recurrent_dropout: fractions of the inputs and of the previous state dropped
            in training, with masks that stay fixed over a sequence.
        seed: int seed of the cell's `SeedGenerator` (dropout masks).

    Call: ``cell(inputs (batch, features), states, training=False) -> (output, new_states)``;
    ``states`` is the previous state or a list holding it (the new state comes back alike).
    """

    def call(self, sequence, states, training=False):
        as_list = isinstance(states, (list, tuple))
        previous = states[0] if as_list else states
        if training and self.dropout > 0:
            sequence = sequence * self.get_dropout_mask(sequence)
        h = sequence @ self.kernel.value
        if self.bias is not None:
            h = h + self.bias.value
        if training and self.recurrent_dropout > 0:
            previous = previous * self.get_recurrent_dropout_mask(previous)
        output = self.activation(h + previous @ self.recurrent_kernel.value)
        return output, ([output] if as_list else output)


@keras_export("keras.layers")
class SimpleRNN(RNNOfOwnCell):
    """A fully connected RNN whose output is fed back as its state (`RNN` of a `SimpleRNNCell`).

    Example:
    >>> layer = kerasish.layers.SimpleRNN(4, return_sequences=True)
    >>> layer(jnp.ones((2, 5, 3))).shape
    (2, 5, 4)

    Arguments: the `SimpleRNNCell` arguments (``units``, ``activation``, ``use_bias``, the
    initializers, regularizers and constraints, ``dropout``, ``recurrent_dropout``, ``seed``),
    ``activity_regularizer``, and the `RNN` flags ``return_sequences``, ``return_state``,
    ``go_backwards``, ``stateful``, ``unroll``.

    Shapes: ``(batch, time, features)`` -> ``(batch, units)``, or ``(batch, time, units)``
    with ``return_sequences``; weights ``kernel``, ``recurrent_kernel``, ``bias``.
    """

    def __init__(
        self,
        units,
        activation="tanh",
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
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        seed=None,
        **kwargs,
    ):
        cell = SimpleRNNCell(
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
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="simple_rnn_cell",
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
        self.input_spec = [InputSpec(ndim=3)]

    # Keras leaves the seed out of SimpleRNN's config (not of the other layers').
    _cell_config_excludes = ("seed",)

    units = cell_attribute("units")
    activation = cell_attribute("activation")
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
