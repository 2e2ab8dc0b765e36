"""`UnitNormalization` and `RMSNormalization` vs Keras 3: numerics, configs and errors."""

import keras
import numpy as np
import pytest
from layer_parity import check_layer, raised

from kerasish import layers


@pytest.mark.parametrize("kwargs", [{}, {"axis": [1, 2]}, {"axis": (-2,)}])
def test_unit_normalization_contract(kwargs):
    layer = check_layer(
        layers.UnitNormalization,
        kwargs,
        (2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=0,
        supports_masking=True,
    )
    assert layer.built  # built at construction, as in Keras


def test_unit_normalization_of_zeros_stays_finite():
    y = layers.UnitNormalization()(np.zeros((1, 3), "float32"))
    np.testing.assert_array_equal(y, np.zeros((1, 3)))
    y = layers.UnitNormalization()(np.array([[3.0, 4.0]], "float32"))
    np.testing.assert_allclose(np.sum(np.square(y)), 1.0, rtol=1e-6)


def test_unit_normalization_errors_match_keras():
    assert raised(lambda: layers.UnitNormalization(axis="1")) == raised(
        lambda: keras.layers.UnitNormalization(axis="1")
    )
    assert raised(lambda: layers.UnitNormalization(axis=2).compute_output_shape((2, 3))) == (
        raised(lambda: keras.layers.UnitNormalization(axis=2).compute_output_shape((2, 3)))
    )


@pytest.mark.parametrize(
    "kwargs, input_shape",
    [({}, (2, 3, 4)), ({"axis": [2, 1], "epsilon": 1e-3}, (2, 3, 4)), ({"axis": 1}, (2, 5))],
)
def test_rms_normalization_contract(kwargs, input_shape):
    layer = check_layer(
        layers.RMSNormalization,
        kwargs,
        input_shape,
        expected_output_shape=input_shape,
        expected_num_trainable_weights=1,
    )
    axis = kwargs.get("axis", -1)
    assert layer.get_config()["axis"] == (sorted(axis) if isinstance(axis, list) else [axis])


def test_rms_normalization_values():
    layer = layers.RMSNormalization(epsilon=0.0)
    layer.build((None, 2))
    layer.set_weights([np.array([1.0, 2.0], "float32")])
    # rms([3, 4]) = sqrt(12.5)
    np.testing.assert_allclose(
        layer(np.array([[3.0, 4.0]], "float32")), [[3 / 12.5**0.5, 8 / 12.5**0.5]], rtol=1e-6
    )


def test_rms_normalization_axis_out_of_bounds_matches_keras():
    assert raised(lambda: layers.RMSNormalization(axis=4).compute_output_shape((2, 3))) == (
        raised(lambda: keras.layers.RMSNormalization(axis=4).compute_output_shape((2, 3)))
    )
