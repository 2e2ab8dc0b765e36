"""`kerasish.constraints` against `keras.constraints` (Keras 3 on its JAX backend)."""

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kerasish import constraints
from kerasish.engine.variables import Variable

W = np.random.default_rng(0).normal(scale=2.0, size=(3, 4, 5)).astype("float32")

CASES = [
    ("Constraint", {}),
    ("NonNeg", {}),
    ("MaxNorm", {}),
    ("MaxNorm", {"max_value": 1.5, "axis": 1}),
    ("MaxNorm", {"max_value": 3, "axis": [0, 1]}),
    ("UnitNorm", {}),
    ("UnitNorm", {"axis": -1}),
    ("UnitNorm", {"axis": [1, 2]}),
    ("MinMaxNorm", {}),
    ("MinMaxNorm", {"min_value": 1.0, "max_value": 2.0, "rate": 0.5, "axis": 2}),
]


@pytest.mark.parametrize("name, kwargs", CASES)
def test_values_and_config_match_keras(name, kwargs):
    ours = getattr(constraints, name)(**kwargs)
    theirs = getattr(keras.constraints, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert constraints.serialize(ours) == keras.constraints.serialize(theirs)
    expected = np.asarray(theirs(W))
    np.testing.assert_allclose(np.asarray(ours(W)), expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(np.asarray(ours(Variable(W))), expected, rtol=1e-6, atol=1e-7)


def test_max_norm_caps_norms():
    constrained = np.asarray(constraints.MaxNorm(1.0)(W))
    assert np.linalg.norm(constrained, axis=0).max() <= 1.0 + 1e-5


@pytest.mark.parametrize(
    "name",
    [
        "Constraint",
        "MaxNorm",
        "MinMaxNorm",
        "NonNeg",
        "UnitNorm",
        "constraint",
        "max_norm",
        "min_max_norm",
        "non_neg",
        "unit_norm",
    ],
)
def test_names_resolve_like_keras(name):
    assert type(constraints.get(name)).__name__ == type(keras.constraints.get(name)).__name__


def test_public_names_match_keras():
    for name in [n for n in dir(keras.constraints) if not n.startswith("_")]:
        assert hasattr(constraints, name), name


@pytest.mark.parametrize("identifier", ["foo", 3, {"class_name": "foo", "config": {}}])
def test_unknown_identifier_error_matches_keras(identifier):
    with pytest.raises(ValueError) as theirs:
        keras.constraints.get(identifier)
    with pytest.raises(ValueError, match="Could not interpret constraint identifier") as ours:
        constraints.get(identifier)
    assert str(ours.value) == str(theirs.value)


def test_get_accepts_every_identifier_kind():
    assert constraints.get(None) is None
    instance = constraints.UnitNorm(axis=1)
    assert constraints.get(instance) is instance
    assert isinstance(constraints.get(constraints.NonNeg), constraints.NonNeg)

    def clip(w):
        return w

    assert constraints.get(clip) is clip
    config = {"class_name": "max_norm", "config": {"max_value": 4, "axis": 1}}
    assert constraints.get(config).get_config() == keras.constraints.get(config).get_config()


@settings(max_examples=30, deadline=None)
@given(
    min_value=st.floats(0, 5),
    extra=st.floats(0, 5),
    rate=st.floats(0, 1),
    axis=st.sampled_from([0, 1, -1, [0, 1]]),
)
def test_round_trip_with_keras(min_value, extra, rate, axis):
    ours = constraints.MinMaxNorm(min_value, min_value + extra, rate, axis)
    restored = constraints.deserialize(constraints.serialize(ours))
    assert type(restored) is constraints.MinMaxNorm and restored.get_config() == ours.get_config()
    in_keras = keras.constraints.deserialize(constraints.serialize(ours))
    assert in_keras.get_config() == ours.get_config()
