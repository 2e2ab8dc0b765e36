"""`ReversibleEmbedding`: an embedding table that also maps vectors back to logits."""

from kerasish import ops
from kerasish.engine.masking import set_keras_mask
from kerasish.layers.core import Embedding
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class ReversibleEmbedding(Embedding):
    """`Embedding` whose ``call(x, reverse=True)`` projects hidden states onto the vocabulary,
    with the transposed table (``tie_weights=True``, language-model output heads) or a separate
    ``(output_dim, input_dim)`` matrix.

    Example:
    >>> embed = kerasish.layers.ReversibleEmbedding(1000, 64)
    >>> hidden = embed(jnp.array([[4, 20, 7]]))         # (1, 3, 64)
    >>> embed(hidden, reverse=True).shape              # (1, 3, 1000) logits
    (1, 3, 1000)

    Arguments (beyond `Embedding`'s):
        tie_weights: reuse the embedding table for the reverse projection.
        reverse_dtype: the dtype the reverse matmul runs in (e.g. ``"float32"`` under mixed
            precision); None keeps the compute dtype.
        logit_soft_cap: when set, logits become ``tanh(logits / cap) * cap``.
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        tie_weights=True,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        reverse_dtype=None,
        logit_soft_cap=None,
        **kwargs,
    ):
        super().__init__(
            input_dim,
            output_dim,
            embeddings_initializer=embeddings_initializer,
            embeddings_regularizer=embeddings_regularizer,
            embeddings_constraint=embeddings_constraint,
            mask_zero=mask_zero,
            **kwargs,
        )
        self.tie_weights = tie_weights
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap

    def build(self, input_shape=None):
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                shape=(self.output_dim, self.input_dim),
                initializer=self.embeddings_initializer,
                name="reverse_embeddings",
                trainable=True,
            )

    def call(self, inputs, reverse=False):
        if not reverse:
            embedded = super().call(inputs)
            mask = super().compute_mask(inputs)
            if mask is not None:  # the reverse direction has no mask: set it here
                set_keras_mask(embedded, mask)
            return embedded
        kernel = ops.transpose(self.embeddings) if self.tie_weights else self.reverse_embeddings
        if self.reverse_dtype is not None:
            inputs = ops.cast(inputs, self.reverse_dtype)
            kernel = ops.cast(kernel, self.reverse_dtype)
        logits = ops.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            logits = ops.tanh(logits / self.logit_soft_cap) * self.logit_soft_cap
        return logits

    def compute_mask(self, inputs, previous_mask=None):
        return None

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return (*input_shape[:-1], self.input_dim)
        return (*input_shape, self.output_dim)

    def get_config(self):
        return {
            **super().get_config(),
            "tie_weights": self.tie_weights,
            "reverse_dtype": self.reverse_dtype,
            "logit_soft_cap": self.logit_soft_cap,
        }
