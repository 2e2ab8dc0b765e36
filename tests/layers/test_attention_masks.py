"""Attention layers with masks inside Functional models, vs Keras 3 with copied weights: padding
masks from `Embedding(mask_zero=True)` and `Masking`, explicit attention masks as model inputs,
causal masks, and the masks the outputs carry. Each model also runs as a jitted pure apply."""

import warnings

import jax
import keras
import numpy as np
import pytest
from layer_parity import keras_weights_into

import kerasish
from kerasish.engine.masking import get_keras_mask

RNG = np.random.default_rng(1)
# Trailing zeros are padding; the second sequence is padded from position 2 on.
TOKENS = np.array([[3, 1, 4, 1, 5], [9, 2, 0, 0, 0]], "int32")
QUERY_TOKENS = np.array([[2, 7, 1, 8], [2, 8, 0, 0]], "int32")


def _assert_same_outputs(ours, theirs, inputs):
    """Eager and jitted pure outputs of ``ours`` equal Keras's (weights copied first)."""
    params, state = keras_weights_into(ours, theirs)
    expected = jax.tree.leaves(theirs(inputs))
    eager = jax.tree.leaves(ours(inputs))
    pure, _ = jax.jit(lambda p, s, x: ours.apply(p, s, x))(params, state, inputs)
    for got_eager, got_pure, want in zip(eager, jax.tree.leaves(pure), expected, strict=True):
        np.testing.assert_allclose(got_eager, np.asarray(want), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(got_pure, np.asarray(want), rtol=1e-5, atol=1e-5)
    return eager


def _self_attention_model(lib):
    tokens = lib.Input((5,), dtype="int32")
    x = lib.layers.Embedding(10, 6, mask_zero=True)(tokens)
    multi_head = lib.layers.MultiHeadAttention(num_heads=2, key_dim=3)(x, x)
    grouped = lib.layers.GroupQueryAttention(head_dim=3, num_query_heads=2, num_key_value_heads=1)
    return lib.Model(tokens, [multi_head, grouped(multi_head, multi_head, use_causal_mask=True)])


# Keras's GroupQueryAttention hands the masked inputs to its projections, which warn.
@pytest.mark.filterwarnings("ignore:.*does not support masking:UserWarning")
def test_self_attention_with_embedding_padding_mask():
    # The multi-head output carries the query's mask on to the grouped-query layer.
    ours = _self_attention_model(kerasish)
    outputs = _assert_same_outputs(ours, _self_attention_model(keras), TOKENS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ours consume the masks without warnings
        ours(TOKENS)
    for output in outputs:
        np.testing.assert_array_equal(get_keras_mask(output), TOKENS != 0)


def _cross_attention_model(lib):
    query_tokens = lib.Input((4,), dtype="int32")
    features = lib.Input((5, 6))
    query = lib.layers.Embedding(10, 6, mask_zero=True)(query_tokens)
    value = lib.layers.Masking(mask_value=0.0)(features)
    output, scores = lib.layers.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.1)(
        query, value, return_attention_scores=True
    )
    return lib.Model([query_tokens, features], [output, scores])


def test_multi_head_cross_attention_with_query_and_value_masks_and_scores():
    features = RNG.standard_normal((2, 5, 6)).astype("float32")
    features[0, 3:] = 0.0  # masked value steps
    features[1, 1:] = 0.0
    ours = _cross_attention_model(kerasish)
    assert [t.shape for t in ours.outputs] == [(None, 4, 6), (None, 2, 4, 5)]
    output, scores = _assert_same_outputs(
        ours, _cross_attention_model(keras), [QUERY_TOKENS, features]
    )
    # Masked value steps get no attention; masked query rows attend to nothing (zeros).
    np.testing.assert_array_equal(np.asarray(scores)[0, :, :, 3:], 0.0)
    np.testing.assert_array_equal(np.asarray(scores)[1, :, 2:], 0.0)
    np.testing.assert_allclose(np.asarray(scores)[1, :, :2].sum(-1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(get_keras_mask(output), QUERY_TOKENS != 0)


def _explicit_mask_model(lib):
    query = lib.Input((4, 6))
    value = lib.Input((5, 6))
    allowed = lib.Input((4, 5), dtype="bool")
    output = lib.layers.MultiHeadAttention(num_heads=2, key_dim=3)(
        query, value, attention_mask=allowed, use_causal_mask=True
    )
    return lib.Model([query, value, allowed], output)


def test_multi_head_attention_mask_as_a_model_input_with_causal_mask():
    allowed = RNG.random((2, 4, 5)) > 0.3
    allowed[1, 0] = False  # a query row with nothing to attend to
    inputs = [
        RNG.standard_normal((2, 4, 6)).astype("float32"),
        RNG.standard_normal((2, 5, 6)).astype("float32"),
        allowed,
    ]
    _assert_same_outputs(_explicit_mask_model(kerasish), _explicit_mask_model(keras), inputs)


def _dot_product_attention_model(lib):
    query_tokens = lib.Input((4,), dtype="int32")
    value_tokens = lib.Input((5,), dtype="int32")
    embedding = lib.layers.Embedding(10, 6, mask_zero=True)
    query, value = embedding(query_tokens), embedding(value_tokens)
    outputs = [
        lib.layers.Attention(score_mode="concat")([query, value], use_causal_mask=True),
        lib.layers.AdditiveAttention()([query, value]),
    ]
    return lib.Model([query_tokens, value_tokens], outputs)


def test_dot_product_and_additive_attention_with_embedding_masks():
    outputs = _assert_same_outputs(
        _dot_product_attention_model(kerasish),
        _dot_product_attention_model(keras),
        [QUERY_TOKENS, TOKENS],
    )
    for output in outputs:
        np.testing.assert_array_equal(np.asarray(output)[1, 2:], 0.0)
        np.testing.assert_array_equal(get_keras_mask(output), QUERY_TOKENS != 0)
