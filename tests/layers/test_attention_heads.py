"""`MultiHeadAttention` and `GroupQueryAttention` vs Keras 3: the layer contract with copied
weights, configs, weight names, symbolic shapes and error messages."""

import jax
import keras
import numpy as np
import pytest
from layer_parity import assert_same_error, comparable_config, raised

from kerasish import layers
from kerasish.testing import run_layer_test

RNG = np.random.default_rng(0)
QUERY = RNG.standard_normal((2, 4, 6)).astype("float32")
VALUE = RNG.standard_normal((2, 5, 6)).astype("float32")
KEY = RNG.standard_normal((2, 5, 3)).astype("float32")
GRID_QUERY = RNG.standard_normal((2, 3, 2, 6)).astype("float32")
GRID_VALUE = RNG.standard_normal((2, 2, 2, 6)).astype("float32")
ATTENTION_MASK = RNG.random((2, 4, 5)) > 0.4


def check_heads_layer(layer_cls, init_kwargs, query, call_kwargs, num_weights, **contract):
    """The contract (with Keras parity) on ``query``, then config values, weight names and
    build config against a Keras layer called the same way."""
    layer = run_layer_test(
        layer_cls,
        init_kwargs,
        input_data=query,
        call_kwargs=call_kwargs,
        expected_num_trainable_weights=num_weights,
        supports_masking=True,
        **contract,
    )
    theirs = getattr(keras.layers, layer_cls.__name__)(**init_kwargs)
    assert comparable_config(layer_cls(**init_kwargs).get_config()) == comparable_config(
        theirs.get_config()
    )
    theirs(query, **call_kwargs)
    assert comparable_config(layer.get_config()) == comparable_config(theirs.get_config())
    assert [v.name for v in layer.weights] == [v.name for v in theirs.weights]
    assert [v.path.split("/", 1)[1] for v in layer.weights] == [
        v.path.split("/", 1)[1] for v in theirs.weights
    ]
    return layer


def assert_outputs_match_keras(layer_cls, init_kwargs, query, call_kwargs):
    """Eager outputs equal Keras's given Keras's weights (configs and names checked too)."""
    theirs = getattr(keras.layers, layer_cls.__name__)(**init_kwargs)
    expected = theirs(query, **call_kwargs)
    ours = layer_cls(**init_kwargs)
    ours(query, **call_kwargs)  # builds
    ours.set_weights(theirs.get_weights())
    for got, want in zip(
        jax.tree.leaves(ours(query, **call_kwargs)), jax.tree.leaves(expected), strict=True
    ):
        np.testing.assert_allclose(got, np.asarray(want), rtol=1e-5, atol=1e-5)
    assert comparable_config(ours.get_config()) == comparable_config(theirs.get_config())
    assert [v.name for v in ours.weights] == [v.name for v in theirs.weights]


# The full contract (pure apply under jit, grad, vmap, config round trip, Keras parity) for
# one call of each kind; `assert_outputs_match_keras` covers the other paths more cheaply.
CONTRACT_CASES = {
    "multi_head_cross_attention_scores_mask": (
        layers.MultiHeadAttention,
        {"num_heads": 2, "key_dim": 3},
        QUERY,
        {"value": VALUE, "return_attention_scores": True, "attention_mask": ATTENTION_MASK},
        8,
    ),
    "group_query_gate_window_mask": (
        layers.GroupQueryAttention,
        {
            "head_dim": 3,
            "num_query_heads": 4,
            "num_key_value_heads": 2,
            "use_gate": True,
            "sliding_window": 3,
        },
        QUERY,
        {"value": VALUE, "attention_mask": ATTENTION_MASK},
        10,
    ),
}


@pytest.mark.parametrize("case", sorted(CONTRACT_CASES))
def test_contract(case):
    layer_cls, init_kwargs, query, call_kwargs, num_weights = CONTRACT_CASES[case]
    check_heads_layer(layer_cls, init_kwargs, query, call_kwargs, num_weights)


MULTI_HEAD_PARITY_CASES = {
    "self_attention": ({}, QUERY, {"value": QUERY}),
    "causal_only": ({}, QUERY, {"value": QUERY, "use_causal_mask": True}),
    "causal_cross_with_mask": (
        {},
        QUERY,
        {"value": VALUE, "use_causal_mask": True, "attention_mask": ATTENTION_MASK},
    ),
    "key_value_dim_causal_scores": (
        {"value_dim": 4, "use_bias": False},
        QUERY,
        {"value": VALUE, "key": KEY, "use_causal_mask": True, "return_attention_scores": True},
    ),
    "gate_window_output_shape": (
        {"use_gate": True, "sliding_window": 2, "output_shape": (3, 2)},
        QUERY,
        {"value": QUERY, "use_causal_mask": True},
    ),
    "dropout_at_inference_with_mask": (
        {"dropout": 0.3, "seed": 1},
        QUERY,
        {"value": VALUE, "attention_mask": ATTENTION_MASK},
    ),
    "attention_axes_1_2": (
        {"attention_axes": (1, 2)},
        GRID_QUERY,
        {"value": GRID_VALUE, "return_attention_scores": True},
    ),
    "attention_axes_2": (
        {"attention_axes": 2},
        GRID_QUERY,
        {"value": GRID_QUERY, "return_attention_scores": True},
    ),
}


@pytest.mark.parametrize("case", sorted(MULTI_HEAD_PARITY_CASES))
def test_multi_head_attention_matches_keras(case):
    init_kwargs, query, call_kwargs = MULTI_HEAD_PARITY_CASES[case]
    init_kwargs = {"num_heads": 2, "key_dim": 3, **init_kwargs}
    assert_outputs_match_keras(layers.MultiHeadAttention, init_kwargs, query, call_kwargs)


@pytest.mark.parametrize(
    "init_kwargs, call_kwargs",
    [
        (
            {"head_dim": 3, "num_query_heads": 2, "num_key_value_heads": 1, "use_bias": False},
            {"value": QUERY, "use_causal_mask": True},
        ),
        (
            {"head_dim": 3, "num_query_heads": 4, "num_key_value_heads": 2, "dropout": 0.2},
            {"value": VALUE, "key": VALUE * 2, "return_attention_scores": True},
        ),
        (
            {"head_dim": 3, "num_query_heads": 4, "num_key_value_heads": 2},
            {"value": VALUE, "use_causal_mask": True, "attention_mask": ATTENTION_MASK},
        ),
    ],
)
def test_group_query_attention_matches_keras(init_kwargs, call_kwargs):
    assert_outputs_match_keras(layers.GroupQueryAttention, init_kwargs, QUERY, call_kwargs)


@pytest.mark.parametrize("layer_cls", ["MultiHeadAttention", "GroupQueryAttention"])
def test_initializer_regularizer_constraint_configs_match_keras(layer_cls):
    kwargs = {
        "kernel_initializer": "he_normal",
        "bias_initializer": "ones",
        "kernel_regularizer": "l2",
        "bias_regularizer": "l1",
        "activity_regularizer": "l1",
        "kernel_constraint": "max_norm",
        "bias_constraint": "non_neg",
        "seed": 7,
    }
    kwargs.update(
        {"num_heads": 2, "key_dim": 3, "value_dim": 2, "output_shape": [4]}
        if layer_cls == "MultiHeadAttention"
        else {"head_dim": 3, "num_query_heads": 2, "num_key_value_heads": 1}
    )
    ours, theirs = getattr(layers, layer_cls)(**kwargs), getattr(keras.layers, layer_cls)(**kwargs)
    assert comparable_config(ours.get_config()) == comparable_config(theirs.get_config())
    revived = getattr(layers, layer_cls).from_config(ours.get_config())
    assert revived.get_config() == ours.get_config()


def test_fused_path_with_a_value_head_size_of_its_own():
    # Keras 3.15 fails here (its fallback reshapes the output to the query's head size); the
    # fused path must give what the explicit path (taken when scores are requested) gives.
    layer = layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=4)
    allowed = ATTENTION_MASK.copy()
    allowed[..., 0] = True  # no fully masked row (the paths differ there, as in Keras)
    call_kwargs = {"use_causal_mask": True, "attention_mask": allowed}
    fused = layer(QUERY, VALUE, **call_kwargs)
    explicit, _ = layer(QUERY, VALUE, return_attention_scores=True, **call_kwargs)
    np.testing.assert_allclose(fused, explicit, rtol=1e-5, atol=1e-6)


def test_group_query_attention_names_and_serializes_like_keras():
    ours = layers.GroupQueryAttention(2, 2, 1)
    theirs = keras.layers.GroupQueryAttention(2, 2, 1)
    assert ours.name.rsplit("_", 1)[0].startswith("grouped_query_attention")
    assert theirs.name.startswith("grouped_query_attention")
    serialized = keras.saving.serialize_keras_object(theirs)
    revived = keras.saving.deserialize_keras_object(serialized)
    assert type(revived).__name__ == "GroupedQueryAttention"
    from kerasish.saving import deserialize_keras_object, serialize_keras_object

    ours_serialized = serialize_keras_object(ours)
    assert ours_serialized["class_name"] == serialized["class_name"] == "GroupQueryAttention"
    assert isinstance(deserialize_keras_object(serialized), layers.GroupQueryAttention)


@pytest.mark.parametrize(
    "layer_cls, init_kwargs",
    [
        (layers.MultiHeadAttention, {"num_heads": 2, "key_dim": 3}),
        (
            layers.GroupQueryAttention,
            {"head_dim": 3, "num_query_heads": 2, "num_key_value_heads": 1},
        ),
    ],
)
def test_symbolic_scores_have_the_key_length(layer_cls, init_kwargs):
    # Keras reports (B, heads, T, T) for MultiHeadAttention; the scores really are (B, heads, T, S).
    query, value = layers.Input((4, 6)), layers.Input((7, 6))
    output, scores = layer_cls(**init_kwargs)(query, value, return_attention_scores=True)
    assert output.shape == (None, 4, 6)
    assert scores.shape == (None, 2, 4, 7)


def test_symbolic_shapes_of_multi_axis_attention_and_output_shape():
    query, value = layers.Input((3, 2, 6)), layers.Input((5, 4, 6))
    layer = layers.MultiHeadAttention(2, 3, attention_axes=(1, 2), output_shape=8)
    output, scores = layer(query, value, return_attention_scores=True)
    assert output.shape == (None, 3, 2, 8)
    assert scores.shape == (None, 2, 3, 2, 5, 4)
    eager_output, eager_scores = layer(GRID_QUERY, GRID_VALUE, return_attention_scores=True)
    assert eager_output.shape == (2, 3, 2, 8) and eager_scores.shape == (2, 2, 3, 2, 2, 2)


def test_attention_dropout_is_active_only_in_training():
    layer = layers.MultiHeadAttention(2, 3, dropout=0.5, seed=3)
    inference = layer(QUERY, VALUE)
    np.testing.assert_array_equal(layer(QUERY, VALUE, training=False), inference)
    assert not np.allclose(layer(QUERY, VALUE, training=True), inference)
    params, state = layer.params_and_state()
    apply = jax.jit(lambda key: layer.apply(params, state, QUERY, VALUE, training=True, rng=key))
    first, _ = apply(jax.random.key(0))
    np.testing.assert_array_equal(first, apply(jax.random.key(0))[0])
    assert not np.allclose(first, apply(jax.random.key(1))[0])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_heads": 0, "key_dim": 2},
        {"num_heads": 2, "key_dim": 1.5},
        {"num_heads": 2, "key_dim": 2, "value_dim": -1},
        {"num_heads": 2, "key_dim": 2, "attention_axes": "1"},
        {"num_heads": 2, "key_dim": 2, "sliding_window": 0},
        {"num_heads": 2, "key_dim": 2, "flash_attention": True, "dropout": 0.1},
    ],
)
def test_multi_head_attention_argument_errors_match_keras(kwargs):
    assert raised(lambda: layers.MultiHeadAttention(**kwargs)) == raised(
        lambda: keras.layers.MultiHeadAttention(**kwargs)
    )


def test_multi_head_attention_output_shape_error():
    ours = raised(lambda: layers.MultiHeadAttention(2, 2, output_shape=3.5))
    assert ours == (
        ValueError,
        "Invalid `output_shape`: 3.5. When specified, the `output_shape` should be of type "
        "tuple, list, or int.",
    )


@pytest.mark.parametrize("layer_cls", ["MultiHeadAttention", "GroupQueryAttention"])
def test_key_value_shape_mismatch_errors_match_keras(layer_cls):
    kwargs = (
        {"num_heads": 2, "key_dim": 2}
        if layer_cls == "MultiHeadAttention"
        else {"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 1}
    )
    key = RNG.standard_normal((2, 3, 6)).astype("float32")
    assert_same_error(
        lambda: getattr(layers, layer_cls)(**kwargs).compute_output_shape(
            QUERY.shape, VALUE.shape, key.shape
        ),
        lambda: getattr(keras.layers, layer_cls)(**kwargs).compute_output_shape(
            QUERY.shape, VALUE.shape, key.shape
        ),
    )


def test_group_query_attention_errors_match_keras():
    assert raised(lambda: layers.GroupQueryAttention(2, 3, 2)) == raised(
        lambda: keras.layers.GroupQueryAttention(2, 3, 2)
    )
    assert raised(lambda: layers.GroupQueryAttention(2, 2, 1, sliding_window=-2)) == raised(
        lambda: keras.layers.GroupQueryAttention(2, 2, 1, sliding_window=-2)
    )
    short_value = VALUE[..., :4]
    assert_same_error(
        lambda: layers.GroupQueryAttention(2, 2, 1).compute_output_shape(
            QUERY.shape, short_value.shape
        ),
        lambda: keras.layers.GroupQueryAttention(2, 2, 1).compute_output_shape(
            QUERY.shape, short_value.shape
        ),
    )


@pytest.mark.parametrize("layer_cls", [layers.MultiHeadAttention, layers.GroupQueryAttention])
def test_flash_attention_cannot_return_scores(layer_cls):
    layer = layer_cls(2, 2, 2, flash_attention=True)
    message = raised(lambda: layer(QUERY, VALUE, return_attention_scores=True))
    assert message == (
        ValueError,
        "Returning attention scores is not supported when flash attention is enabled. Please "
        "disable flash attention to access attention scores.",
    )


@pytest.mark.skipif(jax.default_backend() == "gpu", reason="cuDNN may be present")
def test_flash_attention_without_cudnn_fails_like_keras():
    assert_same_error(
        lambda: layers.MultiHeadAttention(2, 3, flash_attention=True)(QUERY, VALUE),
        lambda: keras.layers.MultiHeadAttention(2, 3, flash_attention=True)(QUERY, VALUE),
    )
