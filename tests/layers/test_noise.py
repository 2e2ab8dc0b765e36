"""Noise layers vs Keras 3: configs, identity at inference, training statistics, randomness
from the pure ``apply``'s rng, and argument errors."""

import math

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from layer_parity import check_layer, comparable_config, current_trees, raised

from kerasish import layers


@pytest.mark.parametrize(
    "cls, kwargs, input_shape, training",
    [
        ("SpatialDropout1D", {"rate": 0.5, "seed": 1}, (2, 3, 4), True),
        ("SpatialDropout2D", {"rate": 0.3, "data_format": "channels_first"}, (2, 2, 3, 4), False),
        ("SpatialDropout3D", {"rate": 0.3, "seed": 2}, (1, 2, 3, 2, 2), True),
        ("GaussianNoise", {"stddev": 0.5, "seed": 1}, (2, 3), True),
        ("GaussianDropout", {"rate": 0.4, "seed": 1}, (2, 3), True),
        ("AlphaDropout", {"rate": 0.2, "seed": 1, "noise_shape": (None, 1)}, (2, 3), True),
    ],
)
def test_noise_contract(cls, kwargs, input_shape, training):
    check_layer(
        getattr(layers, cls),
        kwargs,
        input_shape,
        training=training,
        expected_output_shape=input_shape,
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        expected_num_seed_generators=1,
        supports_masking=True,
    )


def test_noise_configs_match_keras():
    cases = [
        ("SpatialDropout1D", {"rate": 0.5}),
        ("SpatialDropout2D", {"rate": 0.5, "seed": 3}),
        ("SpatialDropout3D", {"rate": 0.1, "data_format": "channels_first"}),
        ("GaussianNoise", {"stddev": 0.2}),
        ("GaussianDropout", {"rate": 0.3, "seed": 1}),
        ("AlphaDropout", {"rate": 0.3, "noise_shape": (None, 1, 4)}),
    ]
    for cls, kwargs in cases:
        ours, theirs = getattr(layers, cls)(**kwargs), getattr(keras.layers, cls)(**kwargs)
        assert comparable_config(ours.get_config()) == comparable_config(theirs.get_config())


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        ("GaussianNoise", {"stddev": 0.0}),
        ("GaussianDropout", {"rate": 0.0}),
        ("AlphaDropout", {"rate": 0.0}),
    ],
)
def test_zero_amount_is_the_identity_without_a_seed_generator(cls, kwargs):
    layer = getattr(layers, cls)(**kwargs)
    x = jnp.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(layer(x, training=True), x)
    assert layer._seed_generators == []


def test_noise_inference_is_the_identity():
    cases = [
        ("SpatialDropout1D", {"rate": 0.9}, (2, 3, 4)),
        ("SpatialDropout2D", {"rate": 0.9, "data_format": "channels_first"}, (2, 3, 4, 2)),
        ("SpatialDropout3D", {"rate": 0.9}, (1, 2, 3, 4, 2)),
        ("GaussianNoise", {"stddev": 1.0}, (2, 3)),
        ("GaussianDropout", {"rate": 0.5}, (2, 3)),
        ("AlphaDropout", {"rate": 0.5}, (2, 3)),
    ]
    for cls, kwargs, shape in cases:
        x = jnp.asarray(np.random.default_rng(0).standard_normal(shape), "float32")
        np.testing.assert_array_equal(getattr(layers, cls)(**kwargs, seed=0)(x), x)
    layer = layers.AlphaDropout(0.5, seed=0)
    layer.build(x.shape)
    params, state = current_trees(layer)
    outputs, new_state = layer.apply(params, state, x, rng=jax.random.key(1))
    np.testing.assert_array_equal(outputs, x)
    assert jax.tree.all(jax.tree.map(lambda a, b: bool(jnp.all(a == b)), new_state, state))


@pytest.mark.parametrize(
    "cls, data_format, shape, spatial_axes",
    [
        ("SpatialDropout2D", "channels_first", (64, 32, 3, 4), (2, 3)),
        ("SpatialDropout3D", "channels_last", (64, 2, 3, 2, 32), (1, 2, 3)),
    ],
)
def test_spatial_dropout_drops_whole_feature_maps(cls, data_format, shape, spatial_axes):
    kwargs = {} if data_format is None else {"data_format": data_format}
    layer = getattr(layers, cls)(0.4, seed=3, **kwargs)
    outputs = np.asarray(layer(jnp.ones(shape), training=True))
    first = outputs[
        tuple(slice(0, 1) if a in spatial_axes else slice(None) for a in range(len(shape)))
    ]
    np.testing.assert_array_equal(outputs, np.broadcast_to(first, shape))
    assert set(np.unique(outputs)) <= {0.0, np.float32(1 / 0.6)}
    assert abs((first == 0).mean() - 0.4) < 0.06


def test_gaussian_noise_and_dropout_statistics():
    x = jnp.ones((400, 500))
    noise = np.asarray(layers.GaussianNoise(0.3, seed=1)(x, training=True)) - 1.0
    assert abs(noise.mean()) < 0.005 and abs(noise.std() - 0.3) < 0.005
    dropped = np.asarray(layers.GaussianDropout(0.2, seed=1)(x * 2.0, training=True)) / 2.0
    assert abs(dropped.mean() - 1.0) < 0.005
    assert abs(dropped.std() - math.sqrt(0.2 / 0.8)) < 0.005


def test_alpha_dropout_keeps_mean_and_variance_of_standard_inputs():
    x = jnp.asarray(np.random.default_rng(0).standard_normal((400, 500)), "float32")
    outputs = np.asarray(layers.AlphaDropout(0.3, seed=2)(x, training=True))
    assert abs(outputs.mean()) < 0.01 and abs(outputs.var() - 1.0) < 0.02
    # Dropped entries all take one value: a * (-alpha * scale) + b.
    values, counts = np.unique(np.round(outputs, 5), return_counts=True)
    assert abs(counts.max() / outputs.size - 0.3) < 0.01
    keras_outputs = np.asarray(keras.layers.AlphaDropout(0.3, seed=2)(np.asarray(x), training=True))
    keras_values, keras_counts = np.unique(np.round(keras_outputs, 5), return_counts=True)
    assert values[counts.argmax()] == pytest.approx(keras_values[keras_counts.argmax()], abs=1e-5)


def test_alpha_dropout_noise_shape_broadcasts():
    layer = layers.AlphaDropout(0.5, noise_shape=(None, 1, 6), seed=1)
    outputs = np.asarray(layer(jnp.zeros((3, 4, 6)), training=True))
    np.testing.assert_array_equal(outputs, np.broadcast_to(outputs[:, :1], outputs.shape))


@pytest.mark.parametrize(
    "cls, kwargs",
    [("SpatialDropout2D", {"rate": 0.5}), ("GaussianNoise", {"stddev": 0.5})],
)
def test_noise_comes_from_the_apply_rng(cls, kwargs):
    layer = getattr(layers, cls)(**kwargs, seed=0)
    x = jnp.ones((4, 3, 3, 8))
    layer.build(x.shape)
    params, state = current_trees(layer)
    apply = jax.jit(lambda key: layer.apply(params, state, x, training=True, rng=key)[0])
    first, again, other = (
        apply(jax.random.key(1)),
        apply(jax.random.key(1)),
        apply(jax.random.key(2)),
    )
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    # Without an rng the seed state advances and comes back as new state.
    step = jax.jit(lambda s: layer.apply(params, s, x, training=True))
    out1, state1 = step(state)
    out2, _ = step(state1)
    assert not np.array_equal(out1, out2)
    np.testing.assert_array_equal(step(state)[0], out1)


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        ("SpatialDropout1D", {"rate": 1.5}),
        ("SpatialDropout2D", {"rate": 0.5, "data_format": "nhwc"}),
        ("SpatialDropout3D", {"rate": -0.1}),
        ("GaussianNoise", {"stddev": 1.5}),
        ("GaussianNoise", {"stddev": -1}),
        ("GaussianDropout", {"rate": 2}),
        ("AlphaDropout", {"rate": -0.5}),
    ],
)
def test_noise_argument_errors_match_keras(cls, kwargs):
    assert raised(lambda: getattr(layers, cls)(**kwargs)) == raised(
        lambda: getattr(keras.layers, cls)(**kwargs)
    )


def test_spatial_dropout_takes_no_other_layer_arguments_like_keras():
    assert raised(lambda: layers.SpatialDropout1D(0.5, trainable=False))[0] is TypeError
    assert raised(lambda: keras.layers.SpatialDropout1D(0.5, trainable=False))[0] is TypeError
    config = layers.SpatialDropout2D(0.5, dtype="mixed_float16", name="drop").get_config()
    assert (
        config
        == keras.layers.SpatialDropout2D(0.5, dtype="mixed_float16", name="drop").get_config()
    )
