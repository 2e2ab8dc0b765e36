"""ReversibleEmbedding against Keras 3 with copied weights: both directions, tied and untied."""

import keras
import numpy as np
import pytest

import kerasish

IDS = np.array([[4, 0, 7], [1, 2, 0]])


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"tie_weights": False},
        {"logit_soft_cap": 2.0, "mask_zero": True},
        {"tie_weights": False, "reverse_dtype": "float32"},
    ],
)
def test_matches_keras_both_directions(kwargs):
    theirs = keras.layers.ReversibleEmbedding(10, 6, **kwargs)
    ours = kerasish.layers.ReversibleEmbedding(10, 6, **kwargs)
    theirs.build((None, 3))
    ours.build((None, 3))
    assert [w.path.split("/")[-1] for w in ours.weights] == [
        w.path.split("/")[-1] for w in theirs.weights
    ]
    ours.set_weights(theirs.get_weights())
    hidden = np.random.default_rng(0).standard_normal((2, 3, 6)).astype("float32")
    np.testing.assert_allclose(ours(IDS), theirs(IDS), rtol=1e-6)
    np.testing.assert_allclose(
        ours(hidden, reverse=True), theirs(hidden, reverse=True), rtol=1e-5, atol=1e-6
    )
    config = {k: v for k, v in ours.get_config().items() if k != "name"}
    assert config == {k: v for k, v in theirs.get_config().items() if k != "name"}


def test_mask_only_in_the_forward_direction_and_a_tied_language_model_head():
    tokens = kerasish.Input((3,), dtype="int32")
    embed = kerasish.layers.ReversibleEmbedding(10, 4, mask_zero=True)
    hidden = embed(tokens)
    assert hidden._keras_mask is not None
    logits = embed(kerasish.layers.Dense(4)(hidden), reverse=True)
    model = kerasish.Model(tokens, logits)
    assert model.output_shape == (None, 3, 10)
    assert len(model.weights) == 3  # the table is shared by both directions
    model.compile("adam", kerasish.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(IDS, IDS, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
