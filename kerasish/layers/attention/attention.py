"""`Attention`: dot-product (Luong-style) attention of a query over a value sequence."""

from kerasish import ops, random
from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.layer import Layer
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class Attention(Layer):
    """Dot-product attention: ``softmax(scores(query, key)) @ value`` over inputs
    ``[query, value]`` or ``[query, value, key]`` (the key defaults to the value).

    Example:
    >>> layer = kerasish.layers.Attention()
    >>> query, value = jnp.ones((2, 3, 4)), jnp.ones((2, 5, 4))
    >>> output, scores = layer([query, value], return_attention_scores=True)
    >>> output.shape, scores.shape
    ((2, 3, 4), (2, 3, 5))

    Arguments:
        use_scale: learn a scalar ``scale`` that multiplies the scores.
        score_mode: ``"dot"`` (query-key dot product) or ``"concat"`` (sum of ``tanh`` of
            query plus key, times a learned ``concat_score_weight``).
        dropout: dropout rate on the attention probabilities (training only).
        seed: seed of that dropout.

    Call arguments:
        inputs: ``[query (B, Tq, dim), value (B, Tv, dim)]`` and optionally a key
            ``(B, Tv, dim)``.
        mask: ``[query_mask (B, Tq), value_mask (B, Tv)]``, taken from the inputs' Keras
            masks when not given. Masked values get no attention; masked query positions
            output zeros (and the query mask is the output's mask).
        return_attention_scores: also return the ``(B, Tq, Tv)`` probabilities.
        training: dropout on or off.
        use_causal_mask: position ``i`` attends to positions ``<= i`` only.
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        if self.dropout > 0:
            self.seed_generator = random.SeedGenerator(seed=seed)
        if self.score_mode not in ["dot", "concat"]:
            raise ValueError(
                "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                f"Received: score_mode={score_mode}"
            )

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(
                name="scale", shape=(), initializer="ones", dtype=self.dtype
            )
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                name="concat_score_weight", shape=(), initializer="ones", dtype=self.dtype
            )

    def _calculate_scores(self, query, key):
        """``(B, Tq, Tv)`` scores of every query position against every key position."""
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            return scores if self.scale is None else ops.multiply(scores, self.scale)
        # concat: broadcast (B, Tq, 1, dim) against (B, 1, Tv, dim).
        summed = ops.expand_dims(query, axis=-2) + ops.expand_dims(key, axis=-3)
        if self.scale is not None:
            summed = self.scale * summed
        return self.concat_score_weight * ops.sum(ops.tanh(summed), axis=-1)

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        """``(softmax(scores) @ value, softmax(scores))``; positions where ``scores_mask`` is
        False get a large negative bias first (65504 below in float16, 1e9 otherwise)."""
        if scores_mask is not None:
            padding_mask = ops.logical_not(scores_mask)
            max_value = 65504.0 if scores.dtype == "float16" else 1.0e9
            if padding_mask.ndim == 2:
                padding_mask = ops.expand_dims(padding_mask, axis=-2)
            scores = ops.where(padding_mask, scores - max_value, scores)
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = random.dropout(weights, self.dropout, seed=self.seed_generator)
        return ops.matmul(weights, value), weights

    def _calculate_score_mask(self, scores, value_mask, use_causal_mask):
        if not use_causal_mask:
            return value_mask
        query_length, value_length = scores.shape[-2], scores.shape[-1]
        rows = ops.arange(query_length)[:, None]
        columns = ops.arange(value_length)[None, :]
        causal_mask = (rows >= columns)[None]
        if value_mask is None:
            return causal_mask
        return ops.logical_and(ops.expand_dims(value_mask, axis=-2), causal_mask)

    def call(
        self,
        inputs,
        mask=None,
        training=False,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        self._validate_inputs(inputs=inputs, mask=mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self._calculate_scores(query=query, key=key)
        scores_mask = self._calculate_score_mask(scores, value_mask, use_causal_mask)
        outputs, attention_scores = self._apply_scores(
            scores=scores, value=value, scores_mask=scores_mask, training=training
        )
        if query_mask is not None:
            outputs = ops.where(ops.expand_dims(query_mask, axis=-1), outputs, 0)
        if return_attention_scores:
            return outputs, attention_scores
        return outputs

    def compute_mask(self, inputs, mask=None):
        self._validate_inputs(inputs=inputs, mask=mask)
        if mask is None or mask[0] is None:
            return None
        return ops.convert_to_tensor(mask[0])

    def compute_output_shape(self, input_shape):
        return (*input_shape[0][:-1], input_shape[1][-1])

    def compute_output_spec(
        self,
        inputs,
        mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
    ):
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        output = KerasTensor(
            self.compute_output_shape([query.shape, value.shape, key.shape]), self.compute_dtype
        )
        if not return_attention_scores:
            return output
        return output, KerasTensor((*query.shape[:-1], key.shape[-2]), self.compute_dtype)

    def _validate_inputs(self, inputs, mask=None):
        class_name = type(self).__name__
        if not isinstance(inputs, list):
            raise ValueError(
                f"{class_name} layer must be called on a list of inputs, namely [query, value] "
                f"or [query, value, key]. Received: inputs={inputs}."
            )
        if len(inputs) < 2 or len(inputs) > 3:
            raise ValueError(
                f"{class_name} layer accepts inputs list of length 2 or 3, namely [query, value] "
                f"or [query, value, key]. Received length: {len(inputs)}."
            )
        if mask is not None:
            if not isinstance(mask, list):
                raise ValueError(
                    f"{class_name} layer mask must be a list, namely [query_mask, value_mask]. "
                    f"Received: mask={mask}."
                )
            if len(mask) < 2 or len(mask) > 3:
                raise ValueError(
                    f"{class_name} layer accepts mask list of length 2 or 3. "
                    f"Received: inputs={inputs}, mask={mask}."
                )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "use_scale": self.use_scale,
                "score_mode": self.score_mode,
                "dropout": self.dropout,
                "seed": self.seed,
            }
        )
        return config
