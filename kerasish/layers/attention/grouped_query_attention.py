"""`GroupQueryAttention`: attention whose key/value heads are shared by groups of query heads."""

import math

from kerasish import constraints, initializers, ops, regularizers
from kerasish.backend.config import is_flash_attention_enabled
from kerasish.engine import naming
from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.layer import Layer
from kerasish.engine.masking import get_keras_mask
from kerasish.layers.activation import Softmax
from kerasish.layers.attention import _dot_product
from kerasish.layers.core import EinsumDense
from kerasish.layers.regularization import Dropout
from kerasish.saving.serialization import keras_export, serialize_keras_object


@keras_export("keras.layers")
class GroupQueryAttention(Layer):
    """Grouped-query attention (Ainslie et al., 2023): ``num_key_value_heads`` key/value heads,
    each repeated for ``num_query_heads // num_key_value_heads`` query heads.

    One key/value head is multi-query attention; as many as query heads is multi-head
    attention. The default layer name is Keras's, ``grouped_query_attention``.

    Example:
    >>> layer = kerasish.layers.GroupQueryAttention(
    ...     head_dim=4, num_query_heads=4, num_key_value_heads=2
    ... )
    >>> query, value = jnp.ones((3, 5, 8)), jnp.ones((3, 7, 8))
    >>> output, scores = layer(query, value, return_attention_scores=True)
    >>> output.shape, scores.shape
    ((3, 5, 8), (3, 4, 5, 7))

    Arguments:
        head_dim: size of each head.
        num_query_heads: number of query heads.
        num_key_value_heads: number of key and value heads; must divide ``num_query_heads``.
        dropout: dropout rate on the attention probabilities (training only).
        use_bias: whether the projections have biases.
        sliding_window: if set, position ``i`` attends only to positions less than
            ``sliding_window`` away.
        flash_attention: True asks for cuDNN's fused kernel (NVIDIA GPUs).
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: for the projections (the
            activity regularizer also applies to this layer's output, as in Keras).
        use_gate: adds a sigmoid-gated projection of the query (``gate``).
        seed: seed of the attention dropout.

    Call arguments: as `MultiHeadAttention` (query, value, key, the three padding masks,
    attention_mask, return_attention_scores, training, use_causal_mask), with the masks given
    explicitly or taken from the inputs' Keras masks.

    Shapes: query ``(B, T, dim)``, value and key ``(B, S, dim)`` -> ``(B, T, dim)``; scores
    ``(B, num_query_heads, T, S)``.
    """

    def __init__(
        self,
        head_dim,
        num_query_heads,
        num_key_value_heads,
        dropout=0.0,
        use_bias=True,
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
        if kwargs.get("name") is None:
            kwargs["name"] = naming.auto_name("GroupedQueryAttention")
        super().__init__(**kwargs)
        self.supports_masking = True
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError("`num_query_heads` must be divisible by `num_key_value_heads`.")
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = dropout
        self.use_bias = use_bias
        self.use_gate = use_gate
        _dot_product.validate_sliding_window(sliding_window)
        self.sliding_window = sliding_window
        self._flash_attention = flash_attention or is_flash_attention_enabled()
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(head_dim))
        _dot_product.check_flash_attention_arguments(flash_attention, dropout)

    def build(self, query_shape, value_shape, key_shape=None):
        # Letters: b batch, q query length, k key length, m model dim, u query heads,
        # v key/value heads, h head dim.
        key_shape = value_shape if key_shape is None else key_shape
        self.feature_dim = query_shape[-1]
        query_heads = (None, self.num_query_heads, self.head_dim)
        key_value_heads = (None, self.num_key_value_heads, self.head_dim)
        self._query_dense = self._projection("bqm,muh->bquh", query_heads, "uh", "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection("bkm,mvh->bkvh", key_value_heads, "vh", "key")
        self._key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = self._projection(
                "bqm,muh->bquh", query_heads, "uh", "gate", activation="sigmoid"
            )
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection("bkm,mvh->bkvh", key_value_heads, "vh", "value")
        self._value_dense.build(value_shape)
        self._softmax = Softmax(axis=-1, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self.dropout, dtype=self.dtype_policy, seed=self.seed)
        self._dot_product_equation = "bquh,bkuh->buqk"
        self._combine_equation = "buqk,bkuh->bquh"
        self._output_dense = self._projection(
            "bquh,uhm->bqm", (None, self.feature_dim), "m", "attention_output"
        )
        self._output_dense.build((None, None, self.num_query_heads, self.head_dim))

    def _projection(self, equation, output_shape, bias_axes, name, activation=None):
        return EinsumDense(
            equation,
            output_shape=output_shape,
            bias_axes=bias_axes if self.use_bias else None,
            activation=activation,
            name=name,
            kernel_initializer=_clone(self.kernel_initializer),
            bias_initializer=_clone(self.bias_initializer),
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            activity_regularizer=self.activity_regularizer,
            kernel_constraint=self.kernel_constraint,
            bias_constraint=self.bias_constraint,
            dtype=self.dtype_policy,
        )

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
        # Padding masks not given come from the inputs' Keras masks (the key's only when a
        # key is passed), as Keras fills them.
        if query_mask is None:
            query_mask = get_keras_mask(query)
        if value_mask is None:
            value_mask = get_keras_mask(value)
        if key is not None and key_mask is None:
            key_mask = get_keras_mask(key)
        if key is None:
            key = value
        causal_only = (
            use_causal_mask
            and query_mask is None
            and value_mask is None
            and key_mask is None
            and attention_mask is None
            and self.sliding_window is None
            and type(self)._compute_attention is GroupQueryAttention._compute_attention
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
                self.sliding_window,
            )
        with _dot_product.masks_hidden(query, value, key):
            gate = self._gate_dense(query) if self.use_gate else None
            query = self._query_dense(query)
            key = self._key_dense(key)
            value = self._value_dense(value)
        # Each key/value head serves `num_repeats` consecutive query heads.
        key = ops.repeat(key, self.num_repeats, axis=2)
        value = ops.repeat(value, self.num_repeats, axis=2)
        output, scores = self._compute_attention(
            query,
            key,
            value,
            attention_mask=attention_mask,
            training=training,
            return_attention_scores=return_attention_scores,
            use_causal_mask=causal_only,
        )
        if gate is not None:
            output = ops.multiply(output, gate)
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

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
        """``(output, scores)`` from projected ``(B, T, heads, head_dim)`` tensors (keys and
        values already repeated); ``scores`` is None on the fused path."""
        if return_attention_scores:
            _dot_product.check_scores_available(self._flash_attention)
        if not (self.dropout > 0.0 or return_attention_scores):
            output = _dot_product.fused_attention(
                query,
                key,
                value,
                attention_mask,
                self._inverse_sqrt_head_dim,
                use_causal_mask,
                self._flash_attention,
            )
            return output, None
        if use_causal_mask:
            causal = _dot_product.causal_mask(query.shape[1], value.shape[1])
            attention_mask = (
                causal if attention_mask is None else ops.cast(attention_mask, "bool") & causal
            )
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_head_dim, query.dtype))
        scores = ops.einsum(self._dot_product_equation, query, key)
        if attention_mask is not None:
            attention_mask = _dot_product.expand_to_rank(attention_mask, scores.ndim, 1)
        scores = self._softmax(scores, mask=attention_mask)
        # As in the original Transformer, dropout removes whole attended tokens.
        dropped = self._dropout_layer(scores, training=training) if self.dropout > 0 else scores
        return ops.einsum(self._combine_equation, dropped, value), scores

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        if key_shape is None:
            key_shape = value_shape
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(
                "The last dimension of `query_shape` and `value_shape` must be equal, but are "
                f"{query_shape[-1]}, {value_shape[-1]}. Received: query_shape={query_shape}, "
                f"value_shape={value_shape}"
            )
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={value_shape} and key_shape={key_shape}"
            )
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
        output_shape = self.compute_output_shape(query.shape, value.shape, key_shape)
        output = KerasTensor(tuple(output_shape), self.compute_dtype)
        if not return_attention_scores:
            return output
        key_length = (value if key is None else key).shape[1]
        scores_shape = (query.shape[0], self.num_query_heads, query.shape[1], key_length)
        return output, KerasTensor(scores_shape, self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "head_dim": self.head_dim,
                "num_query_heads": self.num_query_heads,
                "num_key_value_heads": self.num_key_value_heads,
                "use_bias": self.use_bias,
                "use_gate": self.use_gate,
                "sliding_window": self.sliding_window,
                "dropout": self.dropout,
                "kernel_initializer": serialize_keras_object(self.kernel_initializer),
                "bias_initializer": serialize_keras_object(self.bias_initializer),
                "kernel_regularizer": serialize_keras_object(self.kernel_regularizer),
                "bias_regularizer": serialize_keras_object(self.bias_regularizer),
                "activity_regularizer": serialize_keras_object(self.activity_regularizer),
                "kernel_constraint": serialize_keras_object(self.kernel_constraint),
                "bias_constraint": serialize_keras_object(self.bias_constraint),
                "seed": self.seed,
            }
        )
        return config


def _clone(initializer):
    return type(initializer).from_config(initializer.get_config())
