"""Recurrent layers inside models: masked padded input vs Keras 3, `fit`, initial states as
model inputs, and `.keras`-format configs."""

import jax
import keras
import numpy as np

import kerasish
from kerasish import layers

TOKENS = np.array([[3, 5, 2, 0, 0], [1, 4, 0, 0, 0], [7, 0, 0, 0, 0]], "int32")


def test_embedding_lstm_dense_matches_keras_on_padded_input():
    def build(library, model_library):
        return model_library.Sequential(
            [
                model_library.Input((5,), dtype="int32"),
                library.Embedding(10, 4, mask_zero=True),
                library.LSTM(3, return_sequences=True),
                library.LSTM(3),
                library.Dense(2),
            ]
        )

    ours, theirs = build(layers, kerasish), build(keras.layers, keras)
    ours.set_weights(theirs.get_weights())
    expected = np.asarray(theirs.predict(TOKENS, verbose=0))
    np.testing.assert_allclose(ours.predict(TOKENS, verbose=0), expected, rtol=1e-5, atol=1e-6)
    # Padding is skipped: the same tokens with more padding give the same outputs.
    wider = np.pad(TOKENS, ((0, 0), (0, 2)))
    longer = kerasish.Sequential(
        [kerasish.Input((7,), dtype="int32"), *[layer for layer in ours.layers]]
    )
    np.testing.assert_allclose(longer.predict(wider, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_fit_trains_an_lstm_model():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((12, 3, 3)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None]
    model = kerasish.Sequential([kerasish.Input((3, 3)), layers.LSTM(4), layers.Dense(1)])
    model.compile(optimizer=kerasish.optimizers.Adam(0.05), loss="mse")
    before = [np.array(w) for w in model.get_weights()]
    history = model.fit(x, y, batch_size=6, epochs=2, verbose=0)
    losses = history.history["loss"]
    assert len(losses) == 2 and all(np.isfinite(losses)) and losses[1] < losses[0]
    assert any(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))


def test_initial_states_as_model_inputs():
    sequences = kerasish.Input((3, 3))
    h, c = kerasish.Input((4,)), kerasish.Input((4,))
    lstm = layers.LSTM(4)
    model = kerasish.Model([sequences, h, c], lstm(sequences, initial_state=[h, c]))
    x = np.random.default_rng(1).standard_normal((3, 3, 3)).astype("float32")
    zeros, ones = np.zeros((3, 4), "float32"), np.ones((3, 4), "float32")
    with jax.disable_jit():
        from_zeros = model([x, zeros, zeros])
        np.testing.assert_allclose(from_zeros, lstm(x), rtol=1e-5, atol=1e-6)
        assert not np.allclose(model([x, ones, ones]), from_zeros)


def test_model_config_loads_in_keras_and_back():
    model = kerasish.Sequential(
        [
            kerasish.Input((3, 3)),
            layers.Bidirectional(layers.GRU(4, return_sequences=True)),
            layers.TimeDistributed(layers.Dense(4)),
            layers.SimpleRNN(4),
        ]
    )
    config = kerasish.saving.serialize_keras_object(model)
    theirs = keras.saving.deserialize_keras_object(config)
    assert [type(layer).__name__ for layer in theirs.layers] == [
        "Bidirectional",
        "TimeDistributed",
        "SimpleRNN",
    ]
    theirs.set_weights(model.get_weights())
    x = np.random.default_rng(2).standard_normal((3, 3, 3)).astype("float32")
    with jax.disable_jit():
        np.testing.assert_allclose(model(x), theirs(x), rtol=1e-5, atol=1e-6)
    back = kerasish.saving.deserialize_keras_object(keras.saving.serialize_keras_object(theirs))
    assert [w.shape for w in back.weights] == [w.shape for w in model.weights]
