"""`StringLookup` beyond the recorded Keras cases: input forms, the host/device split, symbolic
calls, adapt, and the state that saves with a model."""

import doctest
import importlib

import jax
import numpy as np
import pytest

import kerasish
from kerasish.layers import StringLookup

VOCAB = ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    "inputs",
    [
        [["a", "z"], ["d", "b"]],
        np.array([["a", "z"], ["d", "b"]]),
        np.array([[b"a", b"z"], [b"d", b"b"]]),
        np.array([["a", "z"], ["d", b"b"]], dtype=object),
    ],
    ids=["list", "unicode", "bytes", "object"],
)
def test_accepts_lists_unicode_bytes_and_object_arrays(inputs):
    assert StringLookup(vocabulary=VOCAB)(inputs).tolist() == [[1, 0], [4, 2]]


def test_encoding_decodes_bytes():
    layer = StringLookup(vocabulary=["é"], encoding="latin-1")
    assert layer(np.array(["é".encode("latin-1"), b"e"])).tolist() == [1, 0]


def test_call_is_the_host_half_then_the_device_half():
    layer = StringLookup(vocabulary=VOCAB, output_mode="count", mask_token="")
    inputs = np.array([["a", "", "a", "q"], ["d", "d", "c", ""]])
    indices = layer.host_call(inputs)
    assert indices.tolist() == [[1, -1, 1, 0], [4, 4, 3, -1]]  # the mask is dropped: -1
    device = jax.jit(layer.device_call)(indices)
    np.testing.assert_array_equal(device, layer(inputs))
    np.testing.assert_array_equal(device, [[1, 2, 0, 0, 0], [0, 0, 0, 1, 2]])
    assert layer.host_output_spec(kerasish.Input((4,), dtype="string")).dtype == "int32"


def test_traced_inputs_get_a_clear_error():
    layer = StringLookup(vocabulary=VOCAB, name="city_lookup")
    with pytest.raises(TypeError, match="StringLookup 'city_lookup' maps strings on the host"):
        jax.jit(layer)(np.array([1, 2]))


@pytest.mark.parametrize(
    "kwargs, shape, dtype",
    [
        ({}, (None, 3), "int64"),
        ({"output_mode": "one_hot"}, (None, 3, 5), "float32"),
        ({"output_mode": "multi_hot"}, (None, 5), "float32"),
        (
            {"output_mode": "count", "max_tokens": 9, "pad_to_max_tokens": True},
            (None, 9),
            "float32",
        ),
        ({"invert": True}, (None, 3), "string"),
    ],
)
def test_symbolic_call(kwargs, shape, dtype):
    inputs = kerasish.Input((3,), dtype="int64" if kwargs.get("invert") else "string")
    outputs = StringLookup(vocabulary=VOCAB, **kwargs)(inputs)
    assert (outputs.shape, outputs.dtype) == (shape, dtype)


def test_one_hot_of_a_single_column_replaces_it():
    inputs = kerasish.Input((1,), dtype="string")
    layer = StringLookup(vocabulary=VOCAB, output_mode="one_hot")
    assert layer(inputs).shape == (None, 5)
    assert np.asarray(layer(np.array([["b"], ["q"]]))).tolist() == [
        [0, 0, 1, 0, 0],
        [1, 0, 0, 0, 0],
    ]


def test_adapt_reads_at_most_steps_batches():
    layer = StringLookup()
    batches = (np.array([["x", "y"], ["y", "y"]]) for _ in range(3))
    layer.adapt(batches, steps=2)
    assert layer.get_vocabulary() == ["[UNK]", "y", "x"]
    assert layer.get_config()["vocabulary_size"] == 3


@pytest.mark.parametrize(
    "data", [[], np.array([], dtype=str), iter([])], ids=["list", "array", "iterator"]
)
def test_adapt_on_an_empty_dataset_raises(data):
    layer = StringLookup(name="words")
    with pytest.raises(ValueError, match="Cannot adapt layer 'words': the data passed to `adapt"):
        layer.adapt(data)


def test_adapt_replaces_the_previous_vocabulary_and_respects_max_tokens():
    layer = StringLookup(max_tokens=3, num_oov_indices=2)
    layer.adapt(np.array([["p", "p", "q"]]))
    assert layer.get_vocabulary() == ["[UNK]", "[UNK]", "p"]
    layer.adapt(np.array([["r", "s", "s"]]))
    assert layer.get_vocabulary() == ["[UNK]", "[UNK]", "s"]


def test_adapted_vocabulary_round_trips_through_config_and_assets(tmp_path):
    layer = StringLookup(mask_token="[M]")
    layer.adapt(np.array([["ü", "日本", "ü"], ["a b", "[M]", "x"]]))
    assert layer.get_config()["vocabulary"] is None
    layer.save_assets(str(tmp_path))
    restored = kerasish.saving.deserialize_keras_object(
        kerasish.saving.serialize_keras_object(layer)
    )
    restored.load_assets(str(tmp_path))
    inputs = np.array([["日本", "[M]", "a b", "zz"]])
    np.testing.assert_array_equal(restored(inputs), layer(inputs))
    assert restored.get_vocabulary() == layer.get_vocabulary()


def test_given_vocabulary_is_in_the_config_not_an_asset(tmp_path):
    layer = StringLookup(vocabulary=np.array(VOCAB))
    layer.save_assets(str(tmp_path))
    assert not (tmp_path / "vocabulary.txt").exists()
    assert layer.get_config()["vocabulary"] == VOCAB


def test_tf_idf_state_round_trip_with_padding(tmp_path):
    # Keras's `load_assets` fails here (it checks the padded weights against the vocabulary);
    # kerasish restores the same layer.
    layer = StringLookup(output_mode="tf_idf", max_tokens=7, pad_to_max_tokens=True)
    layer.adapt(np.array([["a", "b", "b"], ["b", "c", "c"]]))
    store = {}
    layer.save_own_variables(store)
    layer.save_assets(str(tmp_path))
    restored = StringLookup.from_config(layer.get_config())
    restored.load_own_variables(store)
    restored.load_assets(str(tmp_path))
    inputs = np.array([["a", "b", "q", "c"]])
    np.testing.assert_allclose(restored(inputs), layer(inputs), rtol=1e-6)
    assert restored.weights == [] and layer.weights == []  # as in Keras: no layer weights


def test_unrecognized_keyword_argument():
    with pytest.raises(ValueError, match="Unrecognized keyword argument"):
        StringLookup(vocabulary=VOCAB, lowercase=True)


@pytest.mark.parametrize(
    "name",
    [
        "kerasish.layers.preprocessing.string_lookup",
        "kerasish.layers.preprocessing.integer_lookup",
        "kerasish.layers.preprocessing.text_vectorization",
        "kerasish.layers.preprocessing._lookup_table",
    ],
)
def test_docstring_examples(name):
    result = doctest.testmod(
        importlib.import_module(name), extraglobs={"kerasish": kerasish, "np": np}, verbose=False
    )
    assert result.failed == 0
    assert result.attempted > 0
