"""`LSTMCell` and `LSTM` (Hochreiter & Schmidhuber, 1997), gates in Keras's order i, f, c, o."""

import jax.numpy as jnp

from kerasish import activations, initializers
from kerasish.engine.input_spec import InputSpec
from kerasish.layers.recurrent.dense_cell import DenseCell
from kerasish.layers.recurrent.dropout_rnn_cell import active_rate, gate_transform
from kerasish.layers.recurrent.rnn import RNNOfOwnCell, cell_attribute
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class LSTMCell(DenseCell):
    """One step of `LSTM`.

    Example:
    >>> cell = kerasish.layers.LSTMCell(4)
    >>> h, (h_again, c) = cell(jnp.ones((2, 3)), [jnp.zeros((2, 4)), jnp.zeros((2, 4))])
    >>> h.shape, c.shape
    ((2, 4), (2, 4))

    Arguments:
        units: positive int, the size of the output and of both states.
        activation: for the candidate and the output (default ``"tanh"``).
        recurrent_activation: for the gates (default ``"sigmoid"``).
        use_bias: whether to add ``bias``.
        kernel_initializer, recurrent_initializer, bias_initializer: for ``kernel``
            ``(input_dim, 4 * units)``, ``recurrent_kernel`` ``(units, 4 * units)`` and ``bias``
            ``(4 * units,)``.
        unit_forget_bias: start the forget gate's bias at 1 (the rest from ``bias_initializer``).
        kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
        recurrent_constraint, bias_constraint: for the same weights.
        dropout, recurrent_dropout: fractions dropped in training, with masks fixed over a
            sequence (one mask per gate once ``recurrent_dropout`` is set, as in Keras).
        seed: int seed of the cell's `SeedGenerator`.

    Call: ``cell(inputs, [h, c], training=False) -> (h_new, [h_new, c_new])``.
    """

    gates = 4

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
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
        self.unit_forget_bias = unit_forget_bias
        # Implementation 1 (forced by recurrent dropout) draws one dropout mask per gate.
        self.implementation = 1 if self.recurrent_dropout != 0.0 else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 4
        self.state_size = [units, units]

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        return ForgetBiasInitializer(self.bias_initializer, self.units)

    def call(self, inputs, states, training=False):
        h_previous, c_previous = states[0], states[1]
        masks = self.get_dropout_mask(inputs) if active_rate(self.dropout, training) else None
        z = gate_transform(inputs, masks, self.kernel.value, jnp.matmul)
        masks = None
        if active_rate(self.recurrent_dropout, training):
            masks = self.get_recurrent_dropout_mask(h_previous)
        z = z + gate_transform(h_previous, masks, self.recurrent_kernel.value, jnp.matmul)
        if self.bias is not None:
            z = z + self.bias.value
        z_i, z_f, z_c, z_o = jnp.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_previous + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias,
            }
        )
        return config


class ForgetBiasInitializer:
    """``bias_initializer`` for the i, c, o gates and ones for the forget gate."""

    def __init__(self, bias_initializer, units):
        self.bias_initializer = bias_initializer
        self.units = units

    def __call__(self, shape, dtype=None):
        units = self.units
        return jnp.concatenate(
            [
                self.bias_initializer((units,), dtype=dtype),
                initializers.Ones()((units,), dtype=dtype),
                self.bias_initializer((units * 2,), dtype=dtype),
            ]
        )


@keras_export("keras.layers")
class LSTM(RNNOfOwnCell):
    """Long Short-Term Memory layer: `RNN` of an `LSTMCell`.

    Example:
    >>> layer = kerasish.layers.LSTM(4, return_sequences=True, return_state=True)
    >>> sequence, h, c = layer(jnp.ones((2, 5, 3)))
    >>> sequence.shape, h.shape, c.shape
    ((2, 5, 4), (2, 4), (2, 4))

    Arguments: the `LSTMCell` arguments, ``activity_regularizer``, the `RNN` flags
    (``return_sequences``, ``return_state``, ``go_backwards``, ``stateful``, ``unroll``) and
    ``use_cudnn`` (``"auto"``, True or False; accepted for Keras: the loop is always an
    XLA-compiled `jax.lax.scan`).

    Shapes: ``(batch, time, features)`` -> ``(batch, units)`` or ``(batch, time, units)``;
    with ``return_state`` also the final ``h`` and ``c``, each ``(batch, units)``.
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
        unit_forget_bias=True,
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
        use_cudnn="auto",
        **kwargs,
    ):
        cell = LSTMCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            unit_forget_bias=unit_forget_bias,
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
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="lstm_cell",
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
    unit_forget_bias = cell_attribute("unit_forget_bias")
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


def validate_use_cudnn(use_cudnn):
    if use_cudnn not in ("auto", True, False):
        raise ValueError(
            "Invalid valid received for argument `use_cudnn`. Expected one of "
            f"{{'auto', True, False}}. Received: use_cudnn={use_cudnn}"
        )
    return use_cudnn
