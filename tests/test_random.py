"""kerasish.random and the rng semantics of pure calls."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import kerasish as keras
from kerasish import layers


def test_distributions_have_the_requested_statistics():
    shape = (200, 200)
    normal = np.asarray(keras.random.normal(shape, mean=1.0, stddev=2.0, seed=1))
    assert abs(normal.mean() - 1.0) < 0.05 and abs(normal.std() - 2.0) < 0.05
    uniform = np.asarray(keras.random.uniform(shape, minval=-1.0, maxval=3.0, seed=2))
    assert uniform.min() >= -1.0 and uniform.max() < 3.0 and abs(uniform.mean() - 1.0) < 0.05
    truncated = np.asarray(keras.random.truncated_normal(shape, stddev=1.0, seed=3))
    assert np.abs(truncated).max() <= 2.0
    ints = np.asarray(keras.random.randint(shape, 0, 7, seed=4))
    assert ints.dtype == np.int32 and ints.min() == 0 and ints.max() == 6


def test_int_seeds_repeat_and_seed_generators_advance():
    assert np.array_equal(keras.random.normal((5,), seed=7), keras.random.normal((5,), seed=7))
    generator = keras.random.SeedGenerator(42)
    first = keras.random.normal((5,), seed=generator)
    second = keras.random.normal((5,), seed=generator)
    assert not np.array_equal(first, second)
    again = keras.random.SeedGenerator(42)
    assert np.array_equal(first, keras.random.normal((5,), seed=again))


def test_dropout_and_shuffle():
    x = jnp.ones((1000,))
    dropped = np.asarray(keras.random.dropout(x, 0.3, seed=1))
    assert np.all(np.isclose(dropped, 0.0) | np.isclose(dropped, 1 / 0.7))
    assert abs((dropped == 0).mean() - 0.3) < 0.05
    shuffled = np.asarray(keras.random.shuffle(jnp.arange(10), seed=3))
    assert sorted(shuffled.tolist()) == list(range(10))


def test_set_random_seed_makes_unseeded_draws_repeat():
    keras.utils.set_random_seed(123)
    a = keras.random.normal((4,))
    keras.utils.set_random_seed(123)
    b = keras.random.normal((4,))
    np.testing.assert_array_equal(a, b)


def test_apply_rng_controls_dropout_inside_jit():
    model = keras.Sequential([keras.Input((50,)), layers.Dropout(0.5)])
    params, state = model.init(jax.random.key(0))
    apply = jax.jit(
        lambda rng: model.apply(params, state, jnp.ones((2, 50)), training=True, rng=rng)[0]
    )
    a, b, c = apply(jax.random.key(1)), apply(jax.random.key(1)), apply(jax.random.key(2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_unseeded_ops_inside_apply_draw_from_the_rng():
    class Noise(layers.Layer):
        def call(self, x):
            return x + keras.random.normal(x.shape)

    layer = Noise()
    params, state = layer.init(jax.random.key(0), (3,))
    apply = jax.jit(lambda r: layer.apply(params, state, jnp.zeros(3), rng=r)[0])
    np.testing.assert_array_equal(apply(jax.random.key(5)), apply(jax.random.key(5)))
    assert not np.array_equal(apply(jax.random.key(5)), apply(jax.random.key(6)))


def test_config_and_backend_basics():
    assert keras.backend.backend() == "jax" and keras.config.backend() == "jax"
    assert keras.config.floatx() == "float32" and keras.config.epsilon() == 1e-7
    assert keras.config.image_data_format() == "channels_last"
    keras.config.set_floatx("float16")
    try:
        assert layers.Dense(2).variable_dtype == "float16"
    finally:
        keras.config.set_floatx("float32")
    with pytest.raises(ValueError, match="Unknown `floatx` value"):
        keras.config.set_floatx("int8")
    with pytest.raises(ValueError, match="The `data_format` argument must be one of"):
        keras.config.set_image_data_format("nhwc")
