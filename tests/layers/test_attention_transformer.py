"""A small Transformer encoder (Functional: Embedding with padding mask, MultiHeadAttention,
residuals, LayerNormalization, feed-forward, masked pooling) trained with Adam for 5 steps in
Keras 3 and in kerasish from the same weights and batches: the same loss at every step."""

import keras
import numpy as np

import kerasish

VOCABULARY, LENGTH, WIDTH = 12, 6, 8


def _encoder(lib):
    layers = lib.layers
    tokens = lib.Input((LENGTH,), dtype="int32")
    x = layers.Embedding(VOCABULARY, WIDTH, mask_zero=True)(tokens)
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, attended]))
    hidden = layers.Dense(16, activation="relu")(x)
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, layers.Dense(WIDTH)(hidden)]))
    pooled = layers.GlobalAveragePooling1D()(x)
    return lib.Model(tokens, layers.Dense(1)(pooled))


def _batches():
    rng = np.random.default_rng(0)
    tokens = rng.integers(1, VOCABULARY, (5, 4, LENGTH)).astype("int32")
    lengths = rng.integers(2, LENGTH + 1, (5, 4))
    tokens[np.arange(LENGTH) >= lengths[..., None]] = 0  # trailing padding
    targets = rng.standard_normal((5, 4, 1)).astype("float32")
    return tokens, targets


def test_encoder_training_losses_match_keras():
    theirs, ours = _encoder(keras), _encoder(kerasish)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    ours.set_weights(theirs.get_weights())
    tokens, targets = _batches()
    losses = {}
    for label, model, lib in (("ours", ours, kerasish), ("theirs", theirs, keras)):
        model.compile(optimizer=lib.optimizers.Adam(1e-2), loss="mse")
        losses[label] = [
            float(np.asarray(model.train_on_batch(x, y))) for x, y in zip(tokens, targets)
        ]
    np.testing.assert_allclose(losses["ours"], losses["theirs"], rtol=1e-5)
    assert losses["ours"][-1] != losses["ours"][0]
    for got, want in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_encoder_config_round_trips_through_kerasish_and_keras():
    config = _encoder(kerasish).get_config()
    for lib in (kerasish, keras):
        revived = lib.Model.from_config(config)
        (attention,) = [layer for layer in revived.layers if "attention" in layer.name]
        assert type(attention).__name__ == "MultiHeadAttention"
        assert attention.num_heads == 2 and attention.key_dim == 4
        assert [w.shape for w in revived.get_weights()] == [
            w.shape for w in _encoder(keras).get_weights()
        ]
