"""`TextVectorization` beyond the recorded Keras cases: callables, the host/device split,
symbolic shapes, adapt, and the state that saves with a model."""

import jax
import numpy as np
import pytest

import kerasish
from kerasish.layers import TextVectorization

TEXT = ["The cat sat.", "The dog sat on the cat!", "A bird"]


def test_callable_standardize_and_split_get_numpy_strings():
    seen = {}

    def standardize(strings):
        seen["standardize"] = strings.dtype.kind
        return np.char.upper(strings)

    def split(strings):
        seen["split"] = (strings.ndim, strings.dtype.kind)
        return [text.split(",") for text in strings]

    layer = TextVectorization(standardize=standardize, split=split, vocabulary=["A", "B C"])
    assert layer([["a,b c,d"], ["b c"]]).tolist() == [[2, 3, 1], [3, 0, 0]]
    assert seen == {"standardize": "U", "split": (1, "U")}
    assert layer.get_config()["standardize"] is standardize


def test_call_is_the_host_half_then_the_device_half():
    layer = TextVectorization(output_mode="count")
    layer.adapt(TEXT)
    indices = layer.host_call(np.array(["the cat the", "dog"]))
    # Padding (-1) adds nothing to the counts; the width is rounded up to a power of two so
    # that a jitted model sees few distinct shapes.
    assert indices.shape == (2, 4) and (indices[1, 1:] == -1).all()
    np.testing.assert_array_equal(
        jax.jit(layer.device_call)(indices), layer(["the cat the", "dog"])
    )
    spec = layer.host_output_spec(kerasish.Input((1,), dtype="string"))
    assert (spec.shape, spec.dtype) == ((None, None), "int32")


@pytest.mark.parametrize(
    "kwargs, input_shape, expected",
    [
        ({"output_sequence_length": 5}, (1,), (None, 5)),
        ({}, (), (None, None)),
        ({"output_mode": "multi_hot", "vocabulary": ["a", "b"]}, (1,), (None, 3)),
        ({"output_mode": "count", "max_tokens": 10, "pad_to_max_tokens": True}, (), (None, 10)),
        ({"output_mode": "multi_hot", "split": None, "vocabulary": ["a"]}, (), (None, 2)),
    ],
)
def test_symbolic_output_shapes(kwargs, input_shape, expected):
    # Keras's `compute_output_shape` for the same arguments, but for (batch, 1) inputs split
    # into tokens: Keras declares (batch, 1, depth) and returns (batch, depth).
    layer = TextVectorization(**kwargs)
    outputs = layer(kerasish.Input(input_shape, dtype="string"))
    assert outputs.shape == expected
    eager = layer(np.array(["a b"] * 2).reshape((2, *input_shape)))
    assert eager.shape[1:] == expected[1:] or expected[1] is None
    assert outputs.dtype == ("int64" if kwargs.get("output_mode", "int") == "int" else "float32")


def test_adapt_reads_batches_up_to_steps():
    layer = TextVectorization()
    layer.adapt(iter([np.array(["b b a"]), np.array(["c c c"]), np.array(["d d d d"])]), steps=2)
    assert layer.get_vocabulary() == ["", "[UNK]", "c", "b", "a"]


@pytest.mark.parametrize("data", [[], ["", "  ", "..."]], ids=["no strings", "no tokens"])
def test_adapt_on_empty_data_raises(data):
    layer = TextVectorization(name="text")
    with pytest.raises(ValueError, match="Cannot adapt layer 'string_lookup(_\\d+)?': the data"):
        layer.adapt(data)


def test_input_with_several_strings_per_sample_is_refused_before_splitting():
    layer = TextVectorization(vocabulary=["a"])
    with pytest.raises(ValueError, match=r"Received: inputs.shape=\(1, 2\) with rank=2"):
        layer([["a b", "a"]])


def test_config_round_trip_keeps_ngrams_a_tuple():
    layer = TextVectorization(ngrams=(1, 3), vocabulary=["a", "a b c"], output_sequence_length=4)
    config = layer.get_config()
    config["ngrams"] = list(config["ngrams"])  # as JSON returns it
    restored = TextVectorization.from_config(config)
    assert restored.get_config() == layer.get_config()
    np.testing.assert_array_equal(restored(["a b c d"]), layer(["a b c d"]))


def test_adapted_state_round_trips_through_config_assets_and_variables(tmp_path):
    layer = TextVectorization(output_mode="tf_idf", ngrams=2)
    layer.adapt(TEXT)
    store = {}
    layer.save_own_variables(store)
    layer.save_assets(str(tmp_path))
    restored = kerasish.saving.deserialize_keras_object(
        kerasish.saving.serialize_keras_object(layer)
    )
    restored.load_own_variables(store)
    restored.load_assets(str(tmp_path))
    np.testing.assert_allclose(restored(TEXT), layer(TEXT), rtol=1e-6)
    assert restored.get_vocabulary() == layer.get_vocabulary()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"sparse": True}, "`sparse=True` can only be used with the TensorFlow backend."),
        ({"ragged": True}, "`ragged=True` can only be used with the TensorFlow backend."),
    ],
)
def test_tensorflow_only_arguments_are_refused_as_on_keras_jax(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        TextVectorization(**kwargs)


@pytest.mark.parametrize(
    "kwargs, input_shape",
    [
        ({"output_sequence_length": 3}, (1,)),
        ({}, ()),
        ({"output_mode": "count"}, (1,)),
        ({"split": None}, ()),
        ({"split": None}, (1,)),
        ({"split": None, "output_sequence_length": 2}, (1,)),
        ({"split": None, "output_mode": "multi_hot"}, ()),
        ({"split": None, "ngrams": 2}, (3,)),
    ],
)
def test_host_output_spec_describes_the_indices(kwargs, input_shape):
    layer = TextVectorization(vocabulary=["a", "b c", "b"], **kwargs)
    spec = layer.host_output_spec(kerasish.Input(input_shape, dtype="string"))
    inputs = np.array(["a b", "b c", "c"] * 2)[: 2 * int(np.prod(input_shape, dtype=int))]
    indices = layer.host_call(inputs.reshape((2, *input_shape)))
    assert len(spec.shape) == indices.ndim
    assert all(want in (None, got) for want, got in zip(spec.shape[1:], indices.shape[1:]))
