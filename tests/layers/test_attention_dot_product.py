"""`Attention` and `AdditiveAttention` vs Keras 3: the layer contract with copied weights,
score modes, masks given explicitly, dropout, and error messages."""

import jax
import keras
import numpy as np
import pytest
from layer_parity import assert_same_error, check_layer, raised

from kerasish import layers

RNG = np.random.default_rng(2)
QUERY = RNG.standard_normal((2, 3, 4)).astype("float32")
VALUE = RNG.standard_normal((2, 5, 4)).astype("float32")
KEY = RNG.standard_normal((2, 5, 4)).astype("float32")
QUERY_MASK = np.array([[True, True, False], [True, False, False]])
VALUE_MASK = np.array([[True, True, True, False, False], [True, True, True, True, True]])


@pytest.mark.parametrize(
    "layer_cls, init_kwargs, call_kwargs, num_weights",
    [
        (
            layers.Attention,
            {"use_scale": True, "score_mode": "concat"},
            {"return_attention_scores": True},
            2,
        ),
        (layers.AdditiveAttention, {}, {"use_causal_mask": True}, 1),
    ],
)
def test_contract(layer_cls, init_kwargs, call_kwargs, num_weights):
    layer = check_layer(
        layer_cls,
        init_kwargs,
        [(2, 3, 4), (2, 5, 4)],
        call_kwargs=call_kwargs,
        expected_num_trainable_weights=num_weights,
        supports_masking=True,
    )
    assert [w.shape for w in layer.weights][-1] == (() if layer_cls is layers.Attention else (4,))


@pytest.mark.parametrize(
    "layer_name, init_kwargs",
    [
        ("Attention", {}),
        ("Attention", {"use_scale": True, "dropout": 0.5}),
        ("Attention", {"score_mode": "concat"}),
        ("AdditiveAttention", {"use_scale": False}),
    ],
)
def test_outputs_with_key_masks_and_scores_match_keras(layer_name, init_kwargs):
    theirs = getattr(keras.layers, layer_name)(**init_kwargs)
    ours = getattr(layers, layer_name)(**init_kwargs)
    call_kwargs = {"mask": [QUERY_MASK, VALUE_MASK], "return_attention_scores": True}
    expected = theirs([QUERY, VALUE, KEY], **call_kwargs)
    ours([QUERY, VALUE, KEY])
    ours.set_weights(theirs.get_weights())
    output, scores = ours([QUERY, VALUE, KEY], **call_kwargs)
    np.testing.assert_allclose(output, np.asarray(expected[0]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(scores, np.asarray(expected[1]), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(np.asarray(output)[~QUERY_MASK], 0.0)
    np.testing.assert_array_equal(np.asarray(scores)[0, :, 3:], 0.0)


def test_symbolic_outputs_scores_and_mask():
    query, value = layers.Input((3, 4)), layers.Input((5, 2))
    output, scores = layers.Attention()([query, value], return_attention_scores=True)
    assert output.shape == (None, 3, 2) and scores.shape == (None, 3, 5)
    layer = layers.Attention()
    assert layer.compute_mask([QUERY, VALUE], None) is None
    np.testing.assert_array_equal(
        layer.compute_mask([QUERY, VALUE], [QUERY_MASK, None]), QUERY_MASK
    )


def test_dropout_applies_only_in_training_and_follows_the_rng():
    layer = layers.Attention(dropout=0.5, seed=1)
    assert len(layer._seed_generators) == 1
    inference = layer([QUERY, VALUE])
    np.testing.assert_array_equal(layer([QUERY, VALUE], training=False), inference)
    params, state = layer.params_and_state()
    apply = jax.jit(lambda key: layer.apply(params, state, [QUERY, VALUE], training=True, rng=key))
    first, _ = apply(jax.random.key(0))
    assert not np.allclose(first, inference)
    np.testing.assert_array_equal(first, apply(jax.random.key(0))[0])


def test_invalid_score_mode_matches_keras():
    assert raised(lambda: layers.Attention(score_mode="add")) == raised(
        lambda: keras.layers.Attention(score_mode="add")
    )


@pytest.mark.parametrize(
    "inputs, mask",
    [
        (QUERY, None),
        ([QUERY], None),
        ([QUERY, VALUE], QUERY_MASK),
        ([QUERY, VALUE], [QUERY_MASK]),
    ],
)
@pytest.mark.parametrize("layer_name", ["Attention", "AdditiveAttention"])
def test_input_and_mask_errors_match_keras(layer_name, inputs, mask):
    assert_same_error(
        lambda: getattr(layers, layer_name)()(inputs, mask=mask),
        lambda: getattr(keras.layers, layer_name)()(inputs, mask=mask),
    )
