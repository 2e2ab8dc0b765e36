"""`Discretization` vs Keras 3: bucketing and encodings live, quantile ``adapt`` against
recorded boundaries (Keras's adapt needs TensorFlow), config after adapt, and errors."""

import doctest

import keras
import numpy as np
import pytest
import tabular_golden
from layer_parity import assert_same_error, check_layer

import kerasish
from kerasish import layers

CASES = tabular_golden.load_cases("tabular.json", "Discretization")
BOUNDARIES = [-1.0, 0.0, 0.5, 2.0]


@pytest.mark.parametrize(
    "output_mode, input_shape, output_shape",
    [
        ("int", (3, 4), (3, 4)),
        ("count", (2, 3, 4), (2, 4, 5)),
    ],
)
def test_contract(output_mode, input_shape, output_shape):
    check_layer(
        layers.Discretization,
        {"bin_boundaries": BOUNDARIES, "output_mode": output_mode},
        input_shape,
        expected_output_shape=output_shape,
        expected_num_trainable_weights=0,
    )


def test_values_on_boundaries_and_int_inputs_match_keras():
    x = np.array([[-1.0, 0.0, 0.5, 2.0, 7.0, -3.0]])
    for inputs in (x, x.astype("int32")):
        expected = keras.layers.Discretization(bin_boundaries=BOUNDARIES)(inputs)
        got = layers.Discretization(bin_boundaries=BOUNDARIES)(inputs)
        assert str(got.dtype) == str(np.asarray(expected).dtype) == "int32"
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name", sorted(CASES))
def test_adapt_matches_keras_golden(name):
    tabular_golden.replay(layers.Discretization, CASES[name])


def test_adapted_boundaries_save_in_the_config():
    layer = layers.Discretization(num_bins=3)
    layer.adapt(np.arange(30.0))
    config = layer.get_config()
    assert config["num_bins"] == 3 and len(config["bin_boundaries"]) == 2
    revived = layers.Discretization.from_config(config)
    np.testing.assert_array_equal(revived(np.arange(30.0)), layer(np.arange(30.0)))


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"num_bins": -1},
        {"num_bins": 3, "bin_boundaries": [1.0]},
        {"num_bins": 3, "output_mode": "tf_idf"},
        {"bin_boundaries": [1.0], "output_mode": "int", "sparse": True},
    ],
)
def test_argument_errors_match_keras(kwargs):
    assert_same_error(
        lambda: layers.Discretization(**kwargs), lambda: keras.layers.Discretization(**kwargs)
    )


def test_call_before_adapt_and_empty_adapt_raise():
    layer = layers.Discretization(num_bins=3)
    with pytest.raises(ValueError, match="call `adapt\\(dataset\\)` before"):
        layer.bin_boundaries = None
        layer(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="empty iterable"):
        layer.adapt([])


def test_docstring_examples_run():
    from kerasish.layers import preprocessing

    for module in (preprocessing.discretization,):
        result = doctest.testmod(module, extraglobs={"kerasish": kerasish, "np": np})
        assert result.failed == 0 and result.attempted > 0
