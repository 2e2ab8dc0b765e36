"""`Hashing` vs Keras 3: recorded bins (golden), live bins where TensorFlow is installed, the
device (jitted) path, models fed raw strings, and errors."""

import doctest

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import tabular_golden

import kerasish
from kerasish import layers
from kerasish.testing import run_layer_test

CASES = tabular_golden.load_cases("hashing.json", "Hashing")


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras_golden(name):
    tabular_golden.replay(layers.Hashing, CASES[name])


def test_golden_covers_every_output_mode_and_hash():
    kwargs = [case["kwargs"] for case in CASES.values() if "constructor_error" not in case]
    assert {k.get("output_mode", "int") for k in kwargs} == {"int", "one_hot", "multi_hot", "count"}
    assert any("salt" in k for k in kwargs) and any("mask_value" in k for k in kwargs)


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape",
    [
        ({"num_bins": 6, "mask_value": 0, "output_mode": "one_hot"}, (3, 1), (3, 6)),
    ],
)
def test_contract_host_and_device_paths_agree(kwargs, input_shape, output_shape):
    # The eager call hashes the numpy input on the host; jit(apply) hashes on the device.
    run_layer_test(
        layers.Hashing,
        kwargs,
        input_shape=input_shape,
        input_dtype="int32",
        input_range=(-50, 50),
        expected_output_shape=output_shape,
        expected_num_trainable_weights=0,
        keras_parity=False,  # Keras's Hashing needs TensorFlow: see the golden tests
    )


def test_live_matches_keras_when_tensorflow_is_installed():
    pytest.importorskip(
        "tensorflow", reason="Keras's Hashing needs TensorFlow; the golden tests cover it"
    )
    import keras

    rng = np.random.default_rng(3)
    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyzé日 0123456789"))
    strings = np.array(
        ["".join(rng.choice(alphabet, rng.integers(0, 150))) for _ in range(300)], dtype=object
    )
    integers = rng.integers(-(2**62), 2**62, 300)
    for kwargs in (
        {"num_bins": 1013},
        {"num_bins": 2**31 - 1, "salt": [rng.integers(2**40), -5]},
        {"num_bins": 7, "mask_value": strings[0]},
    ):
        expected = np.asarray(keras.layers.Hashing(**kwargs)(strings))
        np.testing.assert_array_equal(layers.Hashing(**kwargs)(strings), expected)
    for kwargs in ({"num_bins": 1013}, {"num_bins": 64, "salt": 9, "mask_value": 0}):
        expected = np.asarray(keras.layers.Hashing(**kwargs)(integers))
        np.testing.assert_array_equal(layers.Hashing(**kwargs)(integers), expected)
        small = integers.astype(np.int32)
        expected = np.asarray(keras.layers.Hashing(**kwargs)(small))
        np.testing.assert_array_equal(jax.jit(layers.Hashing(**kwargs))(small), expected)


@pytest.mark.parametrize(
    "inputs",
    [
        np.array(["a", "bb", "日本"]),
        np.array(["a", "bb", "日本"], dtype=object),
        np.array([b"a", b"bb", "日本".encode()]),
        ["a", "bb", "日本"],
    ],
    ids=["str", "object", "bytes", "list"],
)
def test_string_containers_hash_alike(inputs):
    expected = layers.Hashing(num_bins=1000)(np.array(["a", "bb", "日本"]))
    np.testing.assert_array_equal(layers.Hashing(num_bins=1000)(inputs), expected)


def test_int64_beyond_int32_on_host_differs_from_its_truncation():
    layer = layers.Hashing(num_bins=2**31 - 1)
    big = np.array([2**40 + 5, 5], dtype=np.int64)
    bins = np.asarray(layer(big))
    assert bins[0] != bins[1]
    np.testing.assert_array_equal(bins[1], layer(jnp.array([5])))


def test_device_path_exports():
    layer = layers.Hashing(num_bins=100, salt=3, output_mode="one_hot")
    exported = jax.export.export(jax.jit(layer))(
        jax.ShapeDtypeStruct((jax.export.symbolic_shape("b")[0], 1), jnp.int32)
    )
    x = np.array([[1], [-20], [300]], dtype=np.int32)
    np.testing.assert_array_equal(exported.call(x), layer(x))


def test_model_trains_on_raw_strings_and_predicts():
    rng = np.random.default_rng(0)
    words = np.array(["cat", "dog", "fish", "bird", "cow", "ant"])
    x = words[rng.integers(0, 6, 128)][:, None]
    y = np.isin(x[:, 0], ["cat", "dog", "cow"]).astype("float32")[:, None]
    inputs = kerasish.Input((1,), dtype="string")
    hashed = layers.Hashing(num_bins=32)(inputs)
    embedded = layers.Flatten()(layers.Embedding(32, 4)(hashed))
    model = kerasish.Model(inputs, layers.Dense(1, activation="sigmoid")(embedded))
    model.compile(kerasish.optimizers.Adam(0.05), "binary_crossentropy")
    history = model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    predictions = model.predict(np.array([["cat"], ["ant"]]), verbose=0)
    bins = np.asarray(layers.Hashing(num_bins=32)(np.array([["cat"], ["ant"]])))
    direct = model.layers[-1](model.layers[-2](model.layers[2](bins)))
    np.testing.assert_allclose(predictions, direct, rtol=1e-6)


def test_symbolic_output_spec():
    inputs = kerasish.Input((3,), dtype="int32")
    assert layers.Hashing(num_bins=4)(inputs).shape == (None, 3)
    one_hot = layers.Hashing(num_bins=4, output_mode="one_hot")(kerasish.Input((1,), dtype="int32"))
    assert (one_hot.shape, one_hot.dtype) == ((None, 4), "float32")


def test_mask_value_takes_bin_zero_and_shifts_the_rest():
    x = np.array(["", "a", "b", "c", "d"])
    masked = np.asarray(layers.Hashing(num_bins=5, mask_value="")(x))
    plain = np.asarray(layers.Hashing(num_bins=4)(x))
    assert masked[0] == 0
    np.testing.assert_array_equal(masked[1:], plain[1:] + 1)


def test_bins_too_many_for_the_device_path_raise():
    layer = layers.Hashing(num_bins=2**33)
    with pytest.raises(ValueError, match="at most 2147483648 bins"):
        layer(jnp.array([1, 2]))
    assert np.asarray(layer(np.array(["a"]))).shape == (1,)


def test_docstring_examples_run():
    from kerasish.layers import preprocessing

    for module in (
        preprocessing.hashing,
        preprocessing.hashed_crossing,
    ):
        result = doctest.testmod(module, extraglobs={"kerasish": kerasish, "np": np})
        assert result.failed == 0 and result.attempted > 0
