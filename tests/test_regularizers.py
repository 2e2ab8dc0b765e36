"""`kerasish.regularizers` against `keras.regularizers` (Keras 3 on its JAX backend)."""

import jax.numpy as jnp
import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kerasish import regularizers
from kerasish.engine.variables import Variable

# JAX arrays: Keras's own NumPy path of `normalize` breaks for axis=0 (mode="columns").
W = jnp.asarray(np.random.default_rng(0).normal(size=(5, 4)), "float32")

CASES = [
    ("L1", {}),
    ("L1", {"l1": 0.3}),
    ("L2", {}),
    ("L2", {"l2": 0.25}),
    ("L1L2", {}),
    ("L1L2", {"l1": 0.1}),
    ("L1L2", {"l1": 0.1, "l2": 0.2}),
    ("L1L2", {"l1": None, "l2": None}),
    ("OrthogonalRegularizer", {}),
    ("OrthogonalRegularizer", {"factor": 0.5}),
    ("OrthogonalRegularizer", {"factor": 0.5, "mode": "columns"}),
]


@pytest.mark.parametrize("name, kwargs", CASES)
def test_values_and_config_match_keras(name, kwargs):
    ours = getattr(regularizers, name)(**kwargs)
    theirs = getattr(keras.regularizers, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert regularizers.serialize(ours) == keras.regularizers.serialize(theirs)
    value = np.asarray(ours(W))
    expected = np.asarray(theirs(W))
    assert value.shape == () and value.dtype == expected.dtype
    np.testing.assert_allclose(value, expected, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(ours(Variable(W))), expected, rtol=1e-6)


def test_base_regularizer_matches_keras():
    assert regularizers.Regularizer()(W) == keras.regularizers.Regularizer()(W) == 0.0
    with pytest.raises(NotImplementedError, match="does not implement get_config"):
        regularizers.Regularizer().get_config()


@pytest.mark.parametrize("value", [-1.0, float("inf"), float("nan"), "0.1"])
def test_invalid_factors_raise_like_keras(value):
    with pytest.raises(ValueError) as theirs:
        keras.regularizers.L2(value)
    with pytest.raises(ValueError, match="Invalid value for argument l2") as ours:
        regularizers.L2(value)
    assert str(ours.value) == str(theirs.value)


def test_orthogonal_regularizer_checks_like_keras():
    with pytest.raises(ValueError, match="Invalid value for argument `mode`"):
        regularizers.OrthogonalRegularizer(mode="diagonal")
    with pytest.raises(ValueError, match="must have rank 2"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2), "float32"))
    assert float(regularizers.OrthogonalRegularizer(1.0)(np.eye(4, dtype="float32"))) == 0.0


@pytest.mark.parametrize(
    "name",
    [
        "L1",
        "L2",
        "L1L2",
        "OrthogonalRegularizer",
        "Regularizer",
        "l1",
        "l2",
        "l1l2",
        "orthogonal_regularizer",
        "regularizer",
    ],
)
def test_names_resolve_like_keras(name):
    assert type(regularizers.get(name)).__name__ == type(keras.regularizers.get(name)).__name__


def test_public_names_match_keras():
    for name in [n for n in dir(keras.regularizers) if not n.startswith("_")]:
        assert hasattr(regularizers, name), name
    assert regularizers.l1_l2 is regularizers.L1L2


@pytest.mark.parametrize("identifier", ["foo", "l1_l2", 3, {"class_name": "foo", "config": {}}])
def test_unknown_identifier_error_matches_keras(identifier):
    with pytest.raises(ValueError) as theirs:
        keras.regularizers.get(identifier)
    with pytest.raises(ValueError, match="Could not interpret regularizer identifier") as ours:
        regularizers.get(identifier)
    assert str(ours.value) == str(theirs.value)


def test_get_accepts_every_identifier_kind():
    assert regularizers.get(None) is None
    instance = regularizers.L2(0.5)
    assert regularizers.get(instance) is instance
    assert isinstance(regularizers.get(regularizers.L1), regularizers.L1)
    config = {
        "module": "keras.regularizers",
        "class_name": "L1L2",
        "config": {"l1": 0.5, "l2": 0.0},
        "registered_name": None,
    }
    assert regularizers.get(config).get_config() == keras.regularizers.get(config).get_config()

    def penalty(x):
        return 0.0

    assert regularizers.get(penalty) is penalty


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(["L1", "L2", "L1L2", "OrthogonalRegularizer"]),
    factor=st.floats(0, 10),
)
def test_round_trip_with_keras(name, factor):
    kwargs = {
        "L1": {"l1": factor},
        "L2": {"l2": factor},
        "L1L2": {"l1": factor, "l2": factor / 2},
        "OrthogonalRegularizer": {"factor": factor, "mode": "columns"},
    }[name]
    ours = getattr(regularizers, name)(**kwargs)
    restored = regularizers.deserialize(regularizers.serialize(ours))
    assert type(restored) is type(ours) and restored.get_config() == ours.get_config()
    in_keras = keras.regularizers.deserialize(regularizers.serialize(ours))
    assert in_keras.get_config() == ours.get_config()
