"""`CategoryEncoding` vs Keras 3: every output mode and rank, ``count_weights``, errors."""

import doctest

import keras
import numpy as np
import pytest
from layer_parity import assert_same_error, check_layer

import kerasish
from kerasish import layers


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape",
    [
        ({"num_tokens": 6}, (3, 4), (3, 6)),
        ({"num_tokens": 6, "output_mode": "one_hot"}, (3, 2), (3, 2, 6)),
    ],
)
def test_contract(kwargs, input_shape, output_shape):
    check_layer(
        layers.CategoryEncoding,
        kwargs,
        input_shape,
        input_dtype="int32",
        input_range=(0, 6),
        expected_output_shape=output_shape,
        expected_num_trainable_weights=0,
    )


@pytest.mark.parametrize("output_mode", ["one_hot", "multi_hot", "count", "binary"])
@pytest.mark.parametrize(
    "inputs", [3, [0, 2, 2, 7], [[1, 1], [0, -1]], [[[1, 2], [3, 3]]]], ids=["0d", "1d", "2d", "3d"]
)
def test_ranks_and_out_of_range_values_match_keras(output_mode, inputs):
    expected = keras.layers.CategoryEncoding(4, output_mode=output_mode)(np.array(inputs))
    got = layers.CategoryEncoding(4, output_mode=output_mode)(inputs)
    np.testing.assert_array_equal(got, expected)


def test_count_weights_match_keras():
    inputs = np.array([[0, 1], [0, 0], [1, 2], [3, 1]])
    weights = np.array([[0.1, 0.2], [0.1, 0.1], [0.2, 0.3], [0.4, 0.2]])
    expected = keras.layers.CategoryEncoding(4, "count")(inputs, count_weights=weights)
    got = layers.CategoryEncoding(4, "count")(inputs, count_weights=weights)
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_in_a_model_after_integer_inputs():
    inputs = kerasish.Input((3,), dtype="int32")
    outputs = layers.CategoryEncoding(5)(inputs)
    assert outputs.shape == (None, 5)
    model = kerasish.Model(inputs, outputs)
    np.testing.assert_array_equal(
        model.predict(np.array([[0, 4, 4]]), verbose=0), [[1, 0, 0, 0, 1]]
    )


@pytest.mark.parametrize(
    "kwargs", [{}, {"num_tokens": 0}, {"num_tokens": 3, "output_mode": "tf_idf"}]
)
def test_argument_errors_match_keras(kwargs):
    assert_same_error(
        lambda: layers.CategoryEncoding(**kwargs), lambda: keras.layers.CategoryEncoding(**kwargs)
    )


def test_count_weights_outside_count_mode_match_keras():
    ours, theirs = layers.CategoryEncoding(3), keras.layers.CategoryEncoding(3)
    assert_same_error(
        lambda: ours(np.array([[1]]), count_weights=np.array([[1.0]])),
        lambda: theirs(np.array([[1]]), count_weights=np.array([[1.0]])),
    )


def test_sparse_is_refused():
    with pytest.raises(ValueError, match="kerasish has no sparse tensors"):
        layers.CategoryEncoding(3, sparse=True)


def test_docstring_examples_run():
    from kerasish.layers import preprocessing

    for module in (preprocessing.category_encoding,):
        result = doctest.testmod(module, extraglobs={"kerasish": kerasish, "np": np})
        assert result.failed == 0 and result.attempted > 0
