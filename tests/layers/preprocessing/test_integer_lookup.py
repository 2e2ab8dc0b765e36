"""`IntegerLookup` beyond the recorded Keras cases: its traced (JAX) lookup, ids beyond int32,
adapt errors, and the state that saves with a model (vocabulary asset, TF-IDF weights)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from kerasish.layers import IntegerLookup
from kerasish.testing import run_layer_test

VOCAB = [3, 7, 11, 2]


@pytest.mark.parametrize(
    "kwargs, expected_shape",
    [
        ({}, (4, 3)),
        ({"num_oov_indices": 3}, (4, 3)),
        ({"mask_token": 0, "num_oov_indices": 2}, (4, 3)),
        ({"output_mode": "one_hot"}, (4, 3, 5)),
        ({"output_mode": "multi_hot", "mask_token": 0}, (4, 5)),
        ({"output_mode": "count", "max_tokens": 8, "pad_to_max_tokens": True}, (4, 8)),
        ({"output_mode": "tf_idf", "idf_weights": [0.5, 1.0, 1.5, 2.0]}, (4, 5)),
        ({"invert": True}, (4, 3)),
        ({"invert": True, "mask_token": 0, "oov_token": -9}, (4, 3)),
    ],
)
def test_traced_lookup_equals_host_lookup(kwargs, expected_shape):
    # The contract compares `jit(apply)` and `vmap(apply)` -- the lookup as JAX ops on traced
    # ids -- with the eager call, which maps on the host. Keras's class needs TensorFlow, so
    # parity with Keras is test_lookup_golden.py's.
    run_layer_test(
        IntegerLookup,
        {"vocabulary": VOCAB, **kwargs},
        input_shape=(4, 3),
        input_dtype="int32",
        expected_output_shape=expected_shape,
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        keras_parity=False,
    )


@pytest.mark.parametrize(
    "kwargs",
    [{"num_oov_indices": 0}, {"num_oov_indices": 2, "oov_method": "farmhash"}],
)
def test_host_only_configurations_refuse_traced_inputs(kwargs):
    layer = IntegerLookup(vocabulary=VOCAB, **kwargs)
    with pytest.raises(ValueError, match="runs on the host only"):
        jax.jit(layer)(jnp.array([3, 7]))
    assert layer(np.array([3, 7])).tolist() == ([0, 1] if "oov_method" not in kwargs else [2, 3])


def test_ids_beyond_int32_map_on_the_host_and_are_refused_when_traced():
    big = [2**40, 2**40 + 1, 5]
    layer = IntegerLookup(vocabulary=big)
    ids = np.array([2**40 + 1, 2**40, 2**41, 5], dtype=np.int64)
    assert layer(ids).tolist() == [2, 1, 0, 3]
    with pytest.raises(ValueError, match="outside the device integer range"):
        jax.jit(layer)(jnp.array([5]))


@pytest.mark.parametrize("data", [np.zeros((0, 3), "int64"), iter([])])
def test_adapt_on_empty_data_raises(data):
    layer = IntegerLookup(name="ids")
    with pytest.raises(ValueError, match="Cannot adapt layer 'ids': the data passed"):
        layer.adapt(data)


def test_adapt_reads_at_most_steps_batches():
    layer = IntegerLookup()
    layer.adapt((np.array([[value, value]]) for value in range(10)), steps=3)
    assert layer.get_vocabulary() == [-1, 2, 1, 0]


def test_vocabulary_asset_round_trip(tmp_path):
    layer = IntegerLookup(mask_token=0, num_oov_indices=2)
    layer.adapt(np.array([[5, 5, 9], [9, 9, 2**35]]))
    layer.save_assets(str(tmp_path))
    text = (tmp_path / "vocabulary.txt").read_text()
    assert text.splitlines() == ["0", "-1", "-1", "9", "5", str(2**35)]
    restored = IntegerLookup.from_config(layer.get_config())
    restored.load_assets(str(tmp_path))
    inputs = np.array([[5, 0, 2**35, 4]])
    np.testing.assert_array_equal(restored(inputs), layer(inputs))
    assert restored.get_config() == layer.get_config()


def test_tf_idf_weights_and_vocabulary_round_trip(tmp_path):
    layer = IntegerLookup(output_mode="tf_idf", max_tokens=6, pad_to_max_tokens=True)
    layer.adapt(np.array([[1, 2, 2], [2, 3, 3], [3, 4, 1]]))
    store = {}
    layer.save_own_variables(store)
    layer.save_assets(str(tmp_path))
    assert store["idf_weights"].shape == (6,)
    restored = IntegerLookup.from_config(layer.get_config())
    restored.load_own_variables(store)
    restored.load_assets(str(tmp_path))
    inputs = np.array([[1, 2, 3, 4, 9]])
    np.testing.assert_allclose(restored(inputs), layer(inputs), rtol=1e-6)


def test_vocabulary_file(tmp_path):
    path = tmp_path / "ids.txt"
    path.write_text("40\n10\n30\n")
    layer = IntegerLookup(vocabulary=str(path))
    assert layer(np.array([10, 30, 40, 50])).tolist() == [2, 3, 1, 0]
    assert layer.get_config()["vocabulary"] is None  # the vocabulary travels as an asset
    with pytest.raises(ValueError, match="does not exist"):
        IntegerLookup(vocabulary=str(tmp_path / "missing.txt"))


def test_config_naming_a_vocabulary_file_loads_only_outside_safe_mode(tmp_path):
    path = tmp_path / "ids.txt"
    path.write_text("4\n8\n")
    config = IntegerLookup().get_config()
    config["vocabulary"] = str(path)
    with pytest.raises(ValueError, match="outside of the model archive"):
        IntegerLookup.from_config(config)
    assert IntegerLookup.from_config(config, safe_mode=False).get_vocabulary() == [-1, 4, 8]


def test_vocabulary_size_cannot_change_once_encodings_depend_on_it():
    layer = IntegerLookup(vocabulary=VOCAB, output_mode="multi_hot")
    with pytest.raises(RuntimeError, match="Old vocab size is 5, new vocab size is 3"):
        layer.set_vocabulary([1, 2])
    padded = IntegerLookup(
        vocabulary=VOCAB, output_mode="multi_hot", max_tokens=8, pad_to_max_tokens=True
    )
    padded.set_vocabulary([1, 2])
    assert padded(np.array([[1, 2, 9]])).tolist() == [[1, 1, 1, 0, 0, 0, 0, 0]]
