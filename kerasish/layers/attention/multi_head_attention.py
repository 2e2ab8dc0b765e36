"""`MultiHeadAttention`: projected multi-head dot-product attention over any attention axes."""

import math

from kerasish import constraints, initializers, ops, regularizers
from kerasish.backend.config import is_flash_attention_enabled
from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.layer import Layer
from kerasish.engine.masking import get_keras_mask, set_keras_mask
from kerasish.layers.activation import Softmax
from kerasish.layers.attention import _dot_product
from kerasish.layers.attention._einsum_equations import (
    attention_equations,
    partial_shape,
    projection_equation,
    split_equation,
)
from kerasish.layers.core import EinsumDense
from kerasish.layers.regularization import Dropout
from kerasish.saving.serialization import keras_export, serialize_keras_object


@keras_export("keras.layers")
class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al., 2017): ``query``, ``key`` and ``value`` are
    projected into ``num_heads`` heads, attend by scaled dot product, and are projected back.

    Example:
    >>> layer = kerasish.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    >>> query, value = jnp.ones((3, 5, 8)), jnp.ones((3, 7, 8))
    >>> output, scores = layer(query, value, return_attention_scores=True)
    >>> output.shape, scores.shape
    ((3, 5, 8), (3, 2, 5, 7))

    Arguments:
        num_heads: number of attention heads.
        key_dim: size of each head for query and key.
        value_dim: size of each head for value; defaults to ``key_dim``.
        dropout: dropout rate on the attention probabilities (training only).
        use_bias: whether the four projections have biases.
        output_shape: the output's trailing shape (int or tuple); defaults to the query's
            last dimension.
        attention_axes: the axes attention runs over; None means every axis but the batch,
            the heads and the features (axes count on the query's projected rank, as Keras).
        sliding_window: if set, position ``i`` attends only to positions less than
            ``sliding_window`` away (combines with ``use_causal_mask``).
        flash_attention: True asks for cuDNN's fused kernel (NVIDIA GPUs); it excludes
            ``dropout`` and ``return_attention_scores``.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: for the projections.
        use_gate: adds a sigmoid-gated projection of the query (``gate``) that multiplies
            the attention output before the output projection.
        seed: seed of the attention dropout.

    Call arguments:
        query ``(B, T, dim)``, value ``(B, S, dim)``, key ``(B, S, dim)`` (defaults to value).
        attention_mask: boolean ``(B, T, S)``, True where a query position may attend.
        return_attention_scores: also return the ``(B, num_heads, T, S)`` probabilities.
        training: dropout on or off.
        use_causal_mask: position ``i`` attends to positions ``<= i`` only.
        value_mask, key_mask: padding masks; taken from the value's and key's Keras masks
            when not given. The query's padding mask is always the query's Keras mask (as in
            Keras), and becomes the output's mask.

    Without dropout and without scores, rank-3 inputs go through
    `jax.nn.dot_product_attention`; otherwise the scores are computed explicitly and a fully
    masked row gives zeros, exactly as in Keras.

    Weights (in order): ``query``, ``key``, (``gate``), ``value`` and ``attention_output``
    `EinsumDense` sublayers, each a ``kernel`` then a ``bias``.
    """

    def __init__(
        self,
        num_heads,
        key_dim,
        value_dim=None,
        dropout=0.0,
        use_bias=True,
        output_shape=None,
        attention_axes=None,
        sliding_window=None,
        flash_attention=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        use_gate=False,
        seed=None,
        **kwargs,
    ):
        for argument, value in (("num_heads", num_heads), ("key_dim", key_dim)):
            if not isinstance(value, int) or value <= 0:
                raise ValueError(
                    f"Received an invalid value for argument `{argument}`, expected a positive "
                    f"integer. Received: {argument}={value}"
                )
        if value_dim is not None and (not isinstance(value_dim, int) or value_dim <= 0):
            raise ValueError(
                "Received an invalid value for argument `value_dim`, expected a positive integer "
                f"or `None`. Received: value_dim={value_dim}"
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = dropout
        self._use_bias = use_bias
        self._use_gate = use_gate
        self._output_shape = _standardize_output_shape(output_shape)
        self._flash_attention = flash_attention or is_flash_attention_enabled()
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(
                "`attention_axes` must be an int, list, or tuple."
                f"Received: attention_axes={attention_axes}"
            )
        self._attention_axes = attention_axes
        _dot_product.validate_sliding_window(sliding_window)
        self._sliding_window = sliding_window
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(key_dim))
        _dot_product.check_flash_attention_arguments(flash_attention, dropout)

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    # -- building ----------------------------------------------------------------------
    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        _check_key_matches_value(value_shape, key_shape)
        self._query_dense = self._projection(len(query_shape), self._key_dim, "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection(len(key_shape), self._key_dim, "key")
        self._key_dense.build(key_shape)
        if self._use_gate:
            self._gate_dense = self._projection(
                len(query_shape), self._value_dim, "gate", activation="sigmoid"
            )
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection(len(value_shape), self._value_dim, "value")
        self._value_dense.build(value_shape)
        self._build_attention(len(value_shape) + 1)
        self._output_dense = self._make_output_dense(query_shape)
        projected_shape = list(self._query_dense.compute_output_shape(tuple(query_shape)))
        projected_shape[-1] = self._value_dim
        self._output_dense.build(tuple(projected_shape))

    def _sublayer_kwargs(self):
        # Fresh initializer instances per sublayer, so seeded ones do not repeat their draws.
        return {
            "kernel_initializer": _clone(self._kernel_initializer),
            "bias_initializer": _clone(self._bias_initializer),
            "kernel_regularizer": self._kernel_regularizer,
            "bias_regularizer": self._bias_regularizer,
            "activity_regularizer": self._activity_regularizer,
            "kernel_constraint": self._kernel_constraint,
            "bias_constraint": self._bias_constraint,
            "dtype": self.dtype_policy,
        }

    def _projection(self, input_rank, head_size, name, activation=None):
        """Maps the last input axis to ``(num_heads, head_size)``."""
        equation, bias_axes, output_rank = projection_equation(input_rank - 1, 1, 2)
        return EinsumDense(
            equation,
            output_shape=partial_shape(output_rank - 1, [self._num_heads, head_size]),
            bias_axes=bias_axes if self._use_bias else None,
            activation=activation,
            name=name,
            **self._sublayer_kwargs(),
        )

    def _make_output_dense(self, query_shape):
        """Maps ``(num_heads, value_dim)`` to ``output_shape`` (or the query's last axis)."""
        output_shape = self._output_shape or [query_shape[-1]]
        equation, bias_axes, output_rank = projection_equation(
            len(query_shape) - 1, 2, len(output_shape)
        )
        return EinsumDense(
            equation,
            output_shape=partial_shape(output_rank - 1, output_shape),
            bias_axes=bias_axes if self._use_bias else None,
            name="attention_output",
            **self._sublayer_kwargs(),
        )

    def _build_attention(self, rank):
        """Equations, softmax and dropout for projected tensors of rank ``rank``."""
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(
                axis if axis >= 0 else (rank - 1) + axis for axis in self._attention_axes
            )
        self._dot_product_equation, self._combine_equation, scores_rank = attention_equations(
            rank, self._attention_axes
        )
        normalized_axes = tuple(range(scores_rank - len(self._attention_axes), scores_rank))
        self._softmax = Softmax(axis=normalized_axes, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self._dropout, dtype=self.dtype_policy, seed=self.seed)

    # -- calling -----------------------------------------------------------------------
    def call(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
    ):
        if value_mask is None:
            value_mask = get_keras_mask(value)
        if key is not None and key_mask is None:
            key_mask = get_keras_mask(key)
        if key is None:
            key = value
        # Keras reads the query's padding mask from the query itself, whatever is passed.
        query_mask = get_keras_mask(query)

        # With causality the only constraint, the fused kernel's own causal mode applies.
        causal_only = (
            use_causal_mask
            and query_mask is None
            and value_mask is None
            and key_mask is None
            and attention_mask is None
            and self._sliding_window is None
            and type(self)._compute_attention is MultiHeadAttention._compute_attention
        )
        if not causal_only:
            attention_mask = _dot_product.merge_attention_masks(
                query.shape[1],
                value.shape[1],
                query_mask,
                value_mask,
                key_mask,
                attention_mask,
                use_causal_mask,
                self._sliding_window,
            )
        with _dot_product.masks_hidden(query, value, key):
            gate = self._gate_dense(query) if self._use_gate else None
            query = self._query_dense(query)
            key = self._key_dense(key)
            value = self._value_dense(value)
        extra = {"use_causal_mask": True} if causal_only else {}
        attention_output, attention_scores = self._compute_attention(
            query, key, value, attention_mask, training, return_attention_scores, **extra
        )
        if gate is not None:
            attention_output = ops.multiply(attention_output, gate)
        attention_output = self._output_dense(attention_output)
        if query_mask is not None:
            set_keras_mask(attention_output, query_mask)
        if return_attention_scores:
            return attention_output, attention_scores
        return attention_output

    def _compute_attention(
        self,
        query,
        key,
        value,
        attention_mask=None,
        training=None,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        """``(output, scores)`` from projected ``(B, T, N, H)``-like tensors; ``scores`` is
        None on the fused path. Subclasses may override it, as in Keras."""
        if return_attention_scores:
            _dot_product.check_scores_available(self._flash_attention)
        if not (self._dropout > 0.0 or return_attention_scores or query.ndim != 4):
            output = _dot_product.fused_attention(
                query,
                key,
                value,
                attention_mask,
                self._inverse_sqrt_key_dim,
                use_causal_mask,
                self._flash_attention,
            )
            return output, None
        if use_causal_mask:
            causal = _dot_product.causal_mask(query.shape[1], value.shape[1])
            attention_mask = (
                causal if attention_mask is None else ops.cast(attention_mask, "bool") & causal
            )
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_key_dim, query.dtype))
        scores = ops.einsum(self._dot_product_equation, key, query)
        scores = self._masked_softmax(scores, attention_mask)
        dropped = self._dropout_layer(scores, training=training) if self._dropout > 0 else scores
        return ops.einsum(self._combine_equation, dropped, value), scores

    def _masked_softmax(self, attention_scores, attention_mask=None):
        if attention_mask is not None:
            attention_mask = _dot_product.expand_to_rank(
                attention_mask, attention_scores.ndim, len(self._attention_axes)
            )
        return self._softmax(attention_scores, mask=attention_mask)

    # -- shapes and config -------------------------------------------------------------
    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        _check_key_matches_value(value_shape, key_shape)
        if self._output_shape:
            return query_shape[:-1] + self._output_shape
        return query_shape

    def compute_output_spec(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
    ):
        key_shape = None if key is None else key.shape
        output = KerasTensor(
            self.compute_output_shape(query.shape, value.shape, key_shape), self.compute_dtype
        )
        if not return_attention_scores:
            return output
        scores_shape = self._scores_shape(query.shape, value.shape if key is None else key_shape)
        return output, KerasTensor(scores_shape, self.compute_dtype)

    def _scores_shape(self, query_shape, key_shape):
        source, target, product = split_equation(self._dot_product_equation)
        size_of = dict(zip(target, (*query_shape[:-1], self._num_heads, self._key_dim)))
        for letter, size in zip(source, (*key_shape[:-1], self._num_heads, self._key_dim)):
            size_of.setdefault(letter, size)
        return tuple(size_of[letter] for letter in product)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_heads": self._num_heads,
                "key_dim": self._key_dim,
                "value_dim": self._value_dim,
                "dropout": self._dropout,
                "use_bias": self._use_bias,
                "use_gate": self._use_gate,
                "output_shape": self._output_shape,
                "attention_axes": self._attention_axes,
                "sliding_window": self._sliding_window,
                "kernel_initializer": serialize_keras_object(self._kernel_initializer),
                "bias_initializer": serialize_keras_object(self._bias_initializer),
                "kernel_regularizer": serialize_keras_object(self._kernel_regularizer),
                "bias_regularizer": serialize_keras_object(self._bias_regularizer),
                "activity_regularizer": serialize_keras_object(self._activity_regularizer),
                "kernel_constraint": serialize_keras_object(self._kernel_constraint),
                "bias_constraint": serialize_keras_object(self._bias_constraint),
                "seed": self.seed,
            }
        )
        return config


def _standardize_output_shape(output_shape):
    if not output_shape:
        return output_shape
    if isinstance(output_shape, int):
        return (output_shape,)
    try:
        return tuple(output_shape)
    except TypeError:
        raise ValueError(
            f"Invalid `output_shape`: {output_shape}. When specified, the `output_shape` should "
            "be of type tuple, list, or int."
        ) from None


def _check_key_matches_value(value_shape, key_shape):
    if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
        raise ValueError(
            "All dimensions of `value` and `key`, except the last one, must be equal. "
            f"Received: value_shape={value_shape} and key_shape={key_shape}"
        )


def _clone(initializer):
    return type(initializer).from_config(initializer.get_config())
