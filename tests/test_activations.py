"""`kerasish.activations` against `keras.activations` (Keras 3 on its JAX backend)."""

import inspect
import warnings

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from keras.src.activations import ALL_OBJECTS_DICT as KERAS_NAMES

from kerasish import activations
from kerasish.engine.variables import Variable
from kerasish.saving import serialization

X = np.random.default_rng(0).normal(scale=3.0, size=(4, 6)).astype("float32")

CASES = [
    ("relu", {}),
    ("relu", {"negative_slope": 0.1}),
    ("relu", {"max_value": 6.0}),
    ("relu", {"max_value": 2.5}),
    ("relu", {"threshold": 0.7}),
    ("relu", {"negative_slope": 0.2, "max_value": 3.0, "threshold": -0.5}),
    ("relu", {"negative_slope": 0.3, "threshold": 1.0}),
    ("leaky_relu", {}),
    ("leaky_relu", {"negative_slope": 0.01}),
    ("relu6", {}),
    ("softmax", {}),
    ("softmax", {"axis": 0}),
    ("softmax", {"axis": (0, 1)}),
    ("log_softmax", {}),
    ("log_softmax", {"axis": 0}),
    ("elu", {}),
    ("elu", {"alpha": 0.5}),
    ("selu", {}),
    ("softplus", {}),
    ("softsign", {}),
    ("soft_shrink", {}),
    ("soft_shrink", {"threshold": 1.5}),
    ("sparse_plus", {}),
    ("silu", {}),
    ("swish", {}),
    ("squareplus", {}),
    ("squareplus", {"b": 2}),
    ("gelu", {}),
    ("gelu", {"approximate": True}),
    ("celu", {}),
    ("celu", {"alpha": 2.0}),
    ("glu", {}),
    ("glu", {"axis": 0}),
    ("tanh", {}),
    ("tanh_shrink", {}),
    ("hard_tanh", {}),
    ("hard_shrink", {}),
    ("hard_shrink", {"threshold": 2.0}),
    ("threshold", {"threshold": 0.5, "default_value": -1.0}),
    ("sigmoid", {}),
    ("exponential", {}),
    ("hard_sigmoid", {}),
    ("log_sigmoid", {}),
    ("sparse_sigmoid", {}),
    ("hard_silu", {}),
    ("hard_swish", {}),
    ("linear", {}),
    ("mish", {}),
    ("sparsemax", {}),
    ("sparsemax", {"axis": 0}),
]


@pytest.mark.parametrize("name, kwargs", CASES)
def test_values_match_keras(name, kwargs):
    # Eager on purpose: Keras's JAX backend then reuses the programs ours compiled.
    ours = np.asarray(getattr(activations, name)(X, **kwargs))
    theirs = np.asarray(getattr(keras.activations, name)(X, **kwargs))
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


def test_every_keras_activation_exists_with_keras_signature():
    public = [name for name in dir(keras.activations) if not name.startswith("_")]
    for name in public:
        assert hasattr(activations, name), name
        if name in ("get", "serialize", "deserialize"):
            continue
        ours = inspect.signature(getattr(activations, name))
        theirs = inspect.signature(getattr(keras.activations, name))
        assert ours == theirs, name
    covered = {name for name, _ in CASES}
    assert set(KERAS_NAMES) <= covered


@pytest.mark.parametrize("name", ["relu", "gelu", "softmax", "mish"])
def test_accepts_variables_lists_and_jit(name):
    function = getattr(activations, name)
    expected = np.asarray(function(X))
    np.testing.assert_allclose(function(Variable(X)), expected, rtol=1e-6)
    np.testing.assert_allclose(function(X.tolist()), expected, rtol=1e-6)
    np.testing.assert_allclose(jax.jit(function)(X), expected, rtol=1e-5, atol=1e-6)


def test_half_precision_keeps_dtype():
    assert activations.gelu(jnp.asarray(X, "bfloat16")).dtype == jnp.bfloat16


def test_softmax_warns_on_a_size_one_axis_like_keras():
    with pytest.warns(UserWarning, match="This axis has size 1"):
        activations.softmax(np.ones((3, 1), "float32"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        activations.softmax(np.ones((3, 2), "float32"))


@pytest.mark.parametrize("name", sorted(KERAS_NAMES))
def test_names_resolve_like_keras(name):
    assert activations.get(name).__name__ == keras.activations.get(name).__name__
    if name in ("swish", "hard_swish"):
        # Keras 3.15's `deserialize` raises for these two aliases (a lookup bug); `get` works.
        assert activations.deserialize(name) is activations.get(name)
    else:
        assert (
            activations.deserialize(name).__name__ == keras.activations.deserialize(name).__name__
        )
    assert activations.serialize(activations.get(name)) == keras.activations.serialize(
        keras.activations.get(name)
    )


def test_serialize_returns_builtin_names():
    assert activations.serialize(activations.relu) == "relu"
    assert activations.serialize(activations.swish) == "silu"
    assert activations.serialize(activations.hard_swish) == "hard_silu"


def test_serialize_goes_by_function_name_like_keras():
    def relu(x):
        return x

    assert activations.serialize(relu) == keras.activations.serialize(relu) == "relu"
    assert (
        activations.serialize(keras.ops.gelu)
        == keras.activations.serialize(keras.ops.gelu)
        == "gelu"
    )


def test_serialize_custom_functions_like_keras():
    def my_activation(x):
        return x

    expected = {
        "module": "builtins",
        "class_name": "function",
        "config": "my_activation",
        "registered_name": "function",
    }
    assert activations.serialize(my_activation) == expected
    assert keras.activations.serialize(my_activation) == expected

    @serialization.register_keras_serializable(package="test_pkg")
    def registered(x):
        return 2 * x

    assert activations.serialize(registered)["config"] == "test_pkg>registered"
    assert activations.deserialize(activations.serialize(registered)) is registered
    assert activations.get(activations.serialize(registered)) is registered


def test_get_and_deserialize_accept_function_configs():
    for config in [
        {
            "module": "builtins",
            "class_name": "function",
            "config": "relu",
            "registered_name": "function",
        },
        {
            "module": "keras.activations",
            "class_name": "function",
            "config": "tanh",
            "registered_name": None,
        },
    ]:
        assert activations.get(config) is getattr(activations, config["config"])
        assert activations.deserialize(config) is getattr(activations, config["config"])


def test_get_none_callable_and_custom_objects():
    assert activations.get(None) is activations.linear

    def custom(x):
        return x + 1

    assert activations.get(custom) is custom
    assert activations.deserialize("custom", custom_objects={"custom": custom}) is custom


@pytest.mark.parametrize("identifier", ["foo", 3, "RELU"])
def test_unknown_identifier_error_matches_keras(identifier):
    with pytest.raises(ValueError) as theirs:
        keras.activations.get(identifier)
    with pytest.raises(
        ValueError, match="Could not interpret activation function identifier"
    ) as ours:
        activations.get(identifier)
    assert str(ours.value) == str(theirs.value)


def test_unknown_names_deserialize_to_themselves_like_keras():
    assert activations.deserialize("foo") == keras.activations.deserialize("foo") == "foo"


@settings(max_examples=15, deadline=None)
@given(
    name=st.sampled_from(sorted(set(KERAS_NAMES) - {"threshold"})),
    # X's shape, so that the programs compiled for `test_values_match_keras` are reused.
    values=arrays(np.float32, X.shape, elements=st.floats(-20, 20, width=32)),
)
def test_round_trip_and_values_on_random_inputs(name, values):
    function = activations.deserialize(activations.serialize(activations.get(name)))
    assert function is activations.get(name)
    x = values
    np.testing.assert_allclose(
        np.asarray(function(x)), np.asarray(keras.activations.get(name)(x)), rtol=1e-6, atol=1e-6
    )
