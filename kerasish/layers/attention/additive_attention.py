"""`AdditiveAttention`: Bahdanau-style attention, scores from ``tanh(query + key)``."""

from kerasish import ops
from kerasish.layers.attention.attention import Attention
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class AdditiveAttention(Attention):
    """Additive attention: scores ``sum(scale * tanh(query + key), axis=-1)``, then softmax and
    a weighted sum of the value, as `Attention` (same inputs, masks and call arguments).

    Example:
    >>> layer = kerasish.layers.AdditiveAttention()
    >>> query, value = jnp.ones((2, 3, 4)), jnp.ones((2, 5, 4))
    >>> layer([query, value]).shape
    (2, 3, 4)

    Arguments:
        use_scale: learn a per-feature ``scale`` of shape ``(dim,)`` (glorot uniform).
        dropout: dropout rate on the attention probabilities (training only).
        seed: seed of that dropout.
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(
                name="scale",
                shape=(input_shape[0][-1],),
                initializer="glorot_uniform",
                dtype=self.dtype,
            )

    def _calculate_scores(self, query, key):
        summed = ops.expand_dims(query, axis=-2) + ops.expand_dims(key, axis=-3)
        scale = self.scale if self.use_scale else 1.0
        return ops.sum(scale * ops.tanh(summed), axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
