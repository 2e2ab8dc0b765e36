"""`Dropout` vs Keras 3, and its randomness through the pure ``apply``."""

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from layer_parity import check_layer, current_trees, raised

import kerasish
from kerasish import layers
from kerasish.engine.masking import get_keras_mask


@pytest.mark.parametrize(
    "kwargs, training",
    [
        ({"rate": 0.5}, False),
        ({"rate": 0.5, "seed": 3}, True),
        ({"rate": 0.0}, True),
        ({"rate": 0.3, "noise_shape": (None, 1, 4), "seed": 1}, True),
    ],
)
def test_dropout_contract(kwargs, training):
    check_layer(
        layers.Dropout,
        kwargs,
        (2, 3, 4),
        training=training,
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
        expected_num_seed_generators=1 if kwargs["rate"] > 0 else 0,
    )


def _pure(layer, shape):
    layer.build(shape)
    return current_trees(layer)


def test_dropout_inference_is_the_identity():
    layer = layers.Dropout(0.9, seed=0)
    x = jnp.arange(12.0).reshape(3, 4)
    assert layer(x) is x or np.array_equal(layer(x), x)
    params, state = _pure(layer, x.shape)
    outputs, new_state = layer.apply(params, state, x, training=False, rng=jax.random.key(1))
    np.testing.assert_array_equal(outputs, x)
    assert jax.tree.all(jax.tree.map(lambda a, b: bool(jnp.all(a == b)), new_state, state))


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_dropout_training_statistics(rate):
    layer = layers.Dropout(rate, seed=7)
    x = jnp.ones((200, 500))
    outputs = np.asarray(layer(x, training=True))
    dropped = outputs == 0.0
    assert abs(dropped.mean() - rate) < 0.01
    np.testing.assert_allclose(outputs[~dropped], 1.0 / (1.0 - rate), rtol=1e-6)
    keras_outputs = np.asarray(
        keras.layers.Dropout(rate, seed=7)(np.ones((200, 500), "float32"), training=True)
    )
    assert abs((keras_outputs == 0).mean() - dropped.mean()) < 0.015


def test_dropout_masks_come_from_the_apply_rng():
    layer = layers.Dropout(0.5, seed=0)
    x = jnp.ones((4, 64))
    params, state = _pure(layer, x.shape)
    apply = jax.jit(lambda key: layer.apply(params, state, x, training=True, rng=key))
    first, state_after = apply(jax.random.key(1))
    again, _ = apply(jax.random.key(1))
    other, _ = apply(jax.random.key(2))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    # With an rng the seed state is not consumed.
    assert jax.tree.all(jax.tree.map(lambda a, b: bool(jnp.all(a == b)), state_after, state))


def test_dropout_without_rng_draws_from_the_seed_state_and_returns_it():
    layer = layers.Dropout(0.5, seed=0)
    x = jnp.ones((4, 64))
    params, state = _pure(layer, x.shape)
    apply = jax.jit(lambda s: layer.apply(params, s, x, training=True))
    first, state1 = apply(state)
    second, state2 = apply(state1)
    repeat, _ = apply(state)
    np.testing.assert_array_equal(first, repeat)
    assert not np.array_equal(first, second)
    assert not jax.tree.all(jax.tree.map(lambda a, b: bool(jnp.all(a == b)), state1, state))
    assert not jax.tree.all(jax.tree.map(lambda a, b: bool(jnp.all(a == b)), state2, state1))


def test_dropout_noise_shape_broadcasts():
    layer = layers.Dropout(0.5, noise_shape=(None, 1, 8), seed=1)
    outputs = np.asarray(layer(jnp.ones((3, 5, 8)), training=True))
    np.testing.assert_array_equal(outputs, np.broadcast_to(outputs[:, :1], outputs.shape))


def test_dropout_in_a_model_uses_training_flag():
    inputs = kerasish.Input((16,))
    model = kerasish.Model(inputs, layers.Dropout(0.5, seed=0)(inputs))
    params, state = model.init(jax.random.key(0))
    x = jnp.ones((2, 16))
    np.testing.assert_array_equal(model.apply(params, state, x)[0], x)
    trained, _ = model.apply(params, state, x, training=True, rng=jax.random.key(3))
    assert set(np.unique(np.asarray(trained))) <= {0.0, 2.0} and (np.asarray(trained) == 0).any()


def test_dropout_keeps_masks():
    embedded = layers.Embedding(3, 2, mask_zero=True)(jnp.array([[1, 0]]))
    np.testing.assert_array_equal(
        get_keras_mask(layers.Dropout(0.5)(embedded, training=True)), [[True, False]]
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate": 1.5},
        {"rate": -0.1},
        {"rate": 0.5, "noise_shape": "abc"},
        {"rate": 0.5, "noise_shape": 5},
        {"rate": 0.5, "noise_shape": (2, 0)},
        {"rate": 0.5, "noise_shape": (2, 1.5)},
    ],
)
def test_dropout_argument_errors_match_keras(kwargs):
    assert raised(lambda: layers.Dropout(**kwargs)) == raised(
        lambda: keras.layers.Dropout(**kwargs)
    )


def test_activity_regularization_contract():
    layer = check_layer(
        layers.ActivityRegularization,
        {"l1": 0.01, "l2": 0.2},
        (2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=0,
        supports_masking=True,
    )
    assert "activity_regularizer" not in layer.get_config()


def test_activity_regularization_loss_matches_keras():
    x = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
    ours = layers.ActivityRegularization(l1=0.1, l2=0.3)
    theirs = keras.layers.ActivityRegularization(l1=0.1, l2=0.3)
    np.testing.assert_array_equal(ours(x), x)
    theirs(x)
    assert len(ours.losses) == len(theirs.losses) == 1
    np.testing.assert_allclose(ours.losses[0], theirs.losses[0], rtol=1e-6)
    expected = (0.1 * np.abs(x).sum() + 0.3 * np.square(x).sum()) / 4
    np.testing.assert_allclose(ours.losses[0], expected, rtol=1e-6)


def test_activity_regularization_penalty_is_a_loss_of_the_pure_apply():
    from kerasish.engine import pure

    inputs = kerasish.Input((3,))
    model = kerasish.Model(inputs, layers.ActivityRegularization(l2=0.5)(inputs))
    params, state = model.init(jax.random.key(0))
    x = jnp.array([[1.0, 2.0, 2.0], [0.0, 1.0, 0.0]])
    loss = jax.jit(lambda x: sum(pure.apply_with_losses(model, params, state, x)[2]))(x)
    np.testing.assert_allclose(loss, 0.5 * 10.0 / 2, rtol=1e-6)
