"""`ConvLSTM1D`, `ConvLSTM2D` and `ConvLSTM3D`: `ConvLSTM` over 1, 2 or 3 spatial dimensions."""

from kerasish.layers.recurrent.conv_lstm import ConvLSTM
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class ConvLSTM1D(ConvLSTM):
    """A 1D convolutional LSTM: LSTM gates computed by 1D convolutions.

    Example:
    >>> layer = kerasish.layers.ConvLSTM1D(4, 3, padding="same")
    >>> layer(jnp.ones((2, 5, 8, 3))).shape
    (2, 8, 4)

    Arguments: ``filters``, ``kernel_size``, ``strides``, ``padding`` (``"valid"`` or
    ``"same"``), ``data_format``, ``dilation_rate`` (not both > 1 with ``strides``), the
    `LSTM` activations, initializers (``unit_forget_bias`` included), regularizers,
    constraints, ``dropout``, ``recurrent_dropout``, ``seed``, and the `RNN` flags
    ``return_sequences``, ``return_state``, ``go_backwards``, ``stateful``.

    Shapes (channels_last): ``(batch, time, steps, channels)`` ->
    ``(batch, new_steps, filters)``, with ``time`` after ``batch`` when
    ``return_sequences``; weights ``kernel``, ``recurrent_kernel``, ``bias``.
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
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
        **kwargs,
    ):
        super().__init__(
            rank=1,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            **kwargs,
        )


@keras_export("keras.layers")
class ConvLSTM2D(ConvLSTM):
    """A 2D convolutional LSTM: LSTM gates computed by 2D convolutions.

    Example:
    >>> layer = kerasish.layers.ConvLSTM2D(4, 3, padding="same")
    >>> layer(jnp.ones((2, 5, 8, 8, 3))).shape
    (2, 8, 8, 4)

    Arguments: ``filters``, ``kernel_size``, ``strides``, ``padding`` (``"valid"`` or
    ``"same"``), ``data_format``, ``dilation_rate`` (not both > 1 with ``strides``), the
    `LSTM` activations, initializers (``unit_forget_bias`` included), regularizers,
    constraints, ``dropout``, ``recurrent_dropout``, ``seed``, and the `RNN` flags
    ``return_sequences``, ``return_state``, ``go_backwards``, ``stateful``.

    Shapes (channels_last): ``(batch, time, rows, cols, channels)`` ->
    ``(batch, new_rows, new_cols, filters)``, with ``time`` after ``batch`` when
    ``return_sequences``; weights ``kernel``, ``recurrent_kernel``, ``bias``.
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
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
        **kwargs,
    ):
        super().__init__(
            rank=2,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            **kwargs,
        )


@keras_export("keras.layers")
class ConvLSTM3D(ConvLSTM):
    """A 3D convolutional LSTM: LSTM gates computed by 3D convolutions.

    Example:
    >>> layer = kerasish.layers.ConvLSTM3D(4, 3, padding="same")
    >>> layer(jnp.ones((2, 5, 4, 4, 4, 3))).shape
    (2, 4, 4, 4, 4)

    Arguments: ``filters``, ``kernel_size``, ``strides``, ``padding`` (``"valid"`` or
    ``"same"``), ``data_format``, ``dilation_rate`` (not both > 1 with ``strides``), the
    `LSTM` activations, initializers (``unit_forget_bias`` included), regularizers,
    constraints, ``dropout``, ``recurrent_dropout``, ``seed``, and the `RNN` flags
    ``return_sequences``, ``return_state``, ``go_backwards``, ``stateful``.

    Shapes (channels_last): ``(batch, time, dim1, dim2, dim3, channels)`` ->
    ``(batch, new_dim1, new_dim2, new_dim3, filters)``, with ``time`` after ``batch`` when
    ``return_sequences``; weights ``kernel``, ``recurrent_kernel``, ``bias``.
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
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
        **kwargs,
    ):
        super().__init__(
            rank=3,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            **kwargs,
        )
