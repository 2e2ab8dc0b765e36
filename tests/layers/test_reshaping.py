"""`Flatten` and `Reshape` vs Keras 3."""

import keras
import numpy as np
import pytest
from layer_parity import assert_same_error, check_layer, raised

import kerasish
from kerasish import layers


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape",
    [
        ({}, (2, 3, 4), (2, 12)),
        ({}, (2, 3), (2, 3)),
        ({}, (2,), (2, 1)),
        ({"data_format": "channels_first"}, (2, 3, 4, 5), (2, 60)),
    ],
)
def test_flatten_contract(kwargs, input_shape, output_shape):
    check_layer(layers.Flatten, kwargs, input_shape, expected_output_shape=output_shape)


def test_flatten_channels_first_moves_channels_last_like_keras():
    x = np.arange(2 * 3 * 4 * 5, dtype="float32").reshape(2, 3, 4, 5)
    for data_format in ("channels_first", "channels_last"):
        ours = layers.Flatten(data_format=data_format)(x)
        np.testing.assert_array_equal(ours, keras.layers.Flatten(data_format=data_format)(x))


@pytest.mark.parametrize("input_shape", [(None, 3, 4), (None, None, 4), (5,), (None, 2, None)])
def test_flatten_output_shape_matches_keras(input_shape):
    ours = layers.Flatten().compute_output_shape(input_shape)
    assert ours == keras.layers.Flatten().compute_output_shape(input_shape)
    if len(input_shape) > 1:
        symbolic = layers.Flatten()(kerasish.Input(batch_shape=input_shape))
        assert symbolic.shape == keras.layers.Flatten()(keras.Input(batch_shape=input_shape)).shape


def test_flatten_invalid_data_format_matches_keras():
    assert raised(lambda: layers.Flatten(data_format="nhwc")) == raised(
        lambda: keras.layers.Flatten(data_format="nhwc")
    )


@pytest.mark.parametrize(
    "target_shape, input_shape, output_shape",
    [
        ((12,), (2, 3, 4), (2, 12)),
        ((-1,), (2, 3, 4), (2, 12)),
        ((-1, 2, 2), (2, 12), (2, 3, 2, 2)),
        ((2, -1), (2, 3, 4), (2, 2, 6)),
        ([4, 3], (2, 12), (2, 4, 3)),
    ],
)
def test_reshape_contract(target_shape, input_shape, output_shape):
    check_layer(
        layers.Reshape,
        {"target_shape": target_shape},
        input_shape,
        expected_output_shape=output_shape,
    )


@pytest.mark.parametrize(
    "target_shape, input_shape",
    [
        ((-1, 2), (None, 12)),
        ((-1, 4), (None, None, 4)),
        ((3, 4), (7, 12)),
        ((2, -1), (None, 3, None)),
    ],
)
def test_reshape_output_shape_matches_keras(target_shape, input_shape):
    ours = layers.Reshape(target_shape).compute_output_shape(input_shape)
    assert ours == keras.layers.Reshape(target_shape).compute_output_shape(input_shape)
    symbolic = layers.Reshape(target_shape)(kerasish.Input(batch_shape=input_shape))
    assert (
        symbolic.shape
        == keras.layers.Reshape(target_shape)(keras.Input(batch_shape=input_shape)).shape
    )


@pytest.mark.parametrize("target_shape", [(-2, 3), (-1, -1)])
def test_reshape_invalid_target_shape_matches_keras(target_shape):
    assert raised(lambda: layers.Reshape(target_shape)) == raised(
        lambda: keras.layers.Reshape(target_shape)
    )


@pytest.mark.parametrize("target_shape", [(5,), (-1, 5)])
def test_reshape_size_mismatch_matches_keras(target_shape):
    assert_same_error(
        lambda: layers.Reshape(target_shape)(kerasish.Input((12,))),
        lambda: keras.layers.Reshape(target_shape)(keras.Input((12,))),
    )
    x = np.ones((2, 12), "float32")
    assert_same_error(
        lambda: layers.Reshape(target_shape)(x), lambda: keras.layers.Reshape(target_shape)(x)
    )


@pytest.mark.parametrize("n, input_shape", [(3, (2, 4)), (1, (2, 5))])
def test_repeat_vector_contract(n, input_shape):
    check_layer(
        layers.RepeatVector,
        {"n": n},
        input_shape,
        expected_output_shape=(input_shape[0], n, input_shape[1]),
    )


def test_repeat_vector_values_and_unknown_dims():
    x = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    np.testing.assert_array_equal(layers.RepeatVector(2)(x), keras.layers.RepeatVector(2)(x))
    symbolic = layers.RepeatVector(3)(kerasish.Input(batch_shape=(None, None)))
    assert symbolic.shape == (None, 3, None)


@pytest.mark.parametrize("n", [0, 1.5, True, "2"])
def test_repeat_vector_invalid_n_matches_keras(n):
    assert raised(lambda: layers.RepeatVector(n)) == raised(lambda: keras.layers.RepeatVector(n))


@pytest.mark.parametrize(
    "dims, input_shape, output_shape",
    [
        ((2, 1), (2, 3, 4), (2, 4, 3)),
        ((1, 2), (2, 3, 4), (2, 3, 4)),
        ([3, 1, 2], (2, 3, 4, 5), (2, 5, 3, 4)),
    ],
)
def test_permute_contract(dims, input_shape, output_shape):
    check_layer(layers.Permute, {"dims": dims}, input_shape, expected_output_shape=output_shape)


def test_permute_symbolic_keeps_dtype_and_unknown_dims():
    inputs = kerasish.Input(batch_shape=(None, None, 4), dtype="int32")
    outputs = layers.Permute((2, 1))(inputs)
    expected = keras.layers.Permute((2, 1))(keras.Input(batch_shape=(None, None, 4), dtype="int32"))
    assert outputs.shape == expected.shape == (None, 4, None)
    assert outputs.dtype == expected.dtype


@pytest.mark.parametrize("dims", [(0, 1), (1, 3), (2, 2)])
def test_permute_invalid_dims_match_keras(dims):
    assert raised(lambda: layers.Permute(dims)) == raised(lambda: keras.layers.Permute(dims))


def test_permute_checks_input_rank():
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=4"):
        layers.Permute((2, 1))(np.ones((2, 3, 4, 5), "float32"))
