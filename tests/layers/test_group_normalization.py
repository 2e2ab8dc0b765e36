"""`GroupNormalization` vs Keras 3: numerics for each layout, half precision, config, errors."""

import keras
import numpy as np
import pytest
from layer_parity import assert_same_error, check_layer, raised

from kerasish import layers


@pytest.mark.parametrize(
    "kwargs, input_shape, num_weights",
    [
        ({"groups": 3}, (2, 2, 3, 6), 2),
        (
            {
                "groups": -1,
                "axis": 1,
                "epsilon": 1e-5,
                "center": False,
                "gamma_initializer": "random_normal",
                "gamma_regularizer": "l2",
                "gamma_constraint": "non_neg",
            },
            (2, 4, 3),
            1,
        ),
    ],
)
def test_contract(kwargs, input_shape, num_weights):
    layer = check_layer(
        layers.GroupNormalization,
        kwargs,
        input_shape,
        expected_output_shape=input_shape,
        expected_num_trainable_weights=num_weights,
        supports_masking=True,
    )
    if kwargs["groups"] == -1:  # one group per channel once built, as in Keras
        assert layer.get_config()["groups"] == input_shape[kwargs["axis"]]


def test_groups_normalize_separately():
    x = np.array([[1.0, 3.0, 100.0, 300.0]], "float32")
    y = np.asarray(layers.GroupNormalization(groups=2, epsilon=0.0)(x))
    np.testing.assert_allclose(y, [[-1.0, 1.0, -1.0, 1.0]], rtol=1e-6)


@pytest.mark.parametrize("dtype", ["bfloat16", "mixed_float16"])
def test_half_precision_matches_keras(dtype):
    x = (np.random.default_rng(0).standard_normal((2, 3, 4)) * 20 + 50).astype("float32")
    ours = layers.GroupNormalization(groups=2, dtype=dtype)
    theirs = keras.layers.GroupNormalization(groups=2, dtype=dtype)
    expected = np.asarray(theirs(x))
    got = ours(x)
    assert str(got.dtype) == str(expected.dtype)
    np.testing.assert_allclose(
        np.asarray(got, "float32"), expected.astype("float32"), rtol=2e-2, atol=2e-2
    )


@pytest.mark.parametrize("groups", [0, -2, 2.0])
def test_invalid_groups_match_keras(groups):
    assert raised(lambda: layers.GroupNormalization(groups=groups)) == raised(
        lambda: keras.layers.GroupNormalization(groups=groups)
    )


@pytest.mark.parametrize(
    "kwargs, shape",
    [({"groups": 8}, (None, 4)), ({"groups": 3}, (None, 4)), ({"groups": 2}, (None, None))],
)
def test_build_errors_match_keras(kwargs, shape):
    assert_same_error(
        lambda: layers.GroupNormalization(**kwargs).build(shape),
        lambda: keras.layers.GroupNormalization(**kwargs).build(shape),
    )


def test_axis_out_of_bounds_matches_keras():
    assert raised(lambda: layers.GroupNormalization(axis=3).compute_output_shape((2, 4))) == (
        raised(lambda: keras.layers.GroupNormalization(axis=3).compute_output_shape((2, 4)))
    )
