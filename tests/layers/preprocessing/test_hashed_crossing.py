"""`HashedCrossing` vs Keras 3: recorded bins (golden), live bins where TensorFlow is
installed, the device path under jit, and errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import tabular_golden

import kerasish
from kerasish import layers
from kerasish.testing import run_layer_test

CASES = tabular_golden.load_cases("hashing.json", "HashedCrossing")


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras_golden(name):
    tabular_golden.replay(layers.HashedCrossing, CASES[name])


def test_contract_host_and_device_paths_agree():
    # The eager call crosses the numpy inputs on the host; jit(apply) on the device.
    run_layer_test(
        layers.HashedCrossing,
        {"num_bins": 7, "output_mode": "one_hot"},
        input_shape=[(4, 1), (4, 1)],
        input_dtype="int32",
        input_range=(-30, 30),
        expected_output_shape=(4, 7),
        expected_num_trainable_weights=0,
        keras_parity=False,  # Keras's HashedCrossing needs TensorFlow: see the golden tests
    )


def test_live_matches_keras_when_tensorflow_is_installed():
    pytest.importorskip(
        "tensorflow", reason="Keras's HashedCrossing needs TensorFlow; the golden tests cover it"
    )
    import keras

    rng = np.random.default_rng(5)
    words = np.array(
        ["".join(rng.choice(list("abcxyz日"), rng.integers(0, 80))) for _ in range(200)]
    )
    ids = rng.integers(-(2**62), 2**62, 200)
    small = rng.integers(-1000, 1000, 200).astype(np.int32)
    for features in ((words, ids), (ids, small, words), (small, small[::-1])):
        expected = np.asarray(keras.layers.HashedCrossing(num_bins=2**31 - 1)(features))
        np.testing.assert_array_equal(layers.HashedCrossing(num_bins=2**31 - 1)(features), expected)
    expected = np.asarray(keras.layers.HashedCrossing(num_bins=101)((small, small[::-1])))
    crossing = jax.jit(layers.HashedCrossing(num_bins=101))
    np.testing.assert_array_equal(
        crossing((jnp.asarray(small), jnp.asarray(small[::-1]))), expected
    )


def test_model_with_two_integer_features_trains():
    rng = np.random.default_rng(1)
    first, second = kerasish.Input((1,), dtype="int32"), kerasish.Input((1,), dtype="int32")
    crossed = layers.HashedCrossing(num_bins=16)([first, second])
    embedded = layers.Flatten()(layers.Embedding(16, 2)(crossed))
    model = kerasish.Model([first, second], layers.Dense(1)(embedded))
    model.compile(kerasish.optimizers.SGD(0.1), "mse")
    x = [rng.integers(0, 4, (64, 1)), rng.integers(0, 4, (64, 1))]
    y = (x[0] * 4 + x[1]).astype("float32") / 16
    history = model.fit(x, y, epochs=4, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_symbolic_output_spec_and_config_round_trip():
    first, second = kerasish.Input((1,), dtype="int32"), kerasish.Input((1,), dtype="int32")
    outputs = layers.HashedCrossing(num_bins=8, output_mode="one_hot")([first, second])
    assert (outputs.shape, outputs.dtype) == ((None, 8), "float32")
    layer = layers.HashedCrossing(num_bins=8)
    assert layers.HashedCrossing.from_config(layer.get_config()).get_config() == layer.get_config()
    with pytest.raises(ValueError, match="at least two inputs"):
        layers.HashedCrossing(num_bins=8)([first])


def test_sparse_is_refused_as_keras_refuses_it_off_tensorflow():
    with pytest.raises(ValueError, match="can only be used with the TensorFlow backend"):
        layers.HashedCrossing(num_bins=3, output_mode="one_hot", sparse=True)
