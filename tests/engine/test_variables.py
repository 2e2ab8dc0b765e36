import jax
import jax.numpy as jnp
import numpy as np
import pytest

import kerasish as keras
from kerasish.engine.scope import StateScope


def test_variable_surface():
    v = keras.Variable(initializer="ones", shape=(2, 3), name="w")
    assert v.shape == (2, 3)
    assert v.dtype == "float32"
    assert v.path == "w"
    assert v.trainable
    np.testing.assert_array_equal(v.numpy(), np.ones((2, 3)))
    v.assign(v * 3.0)
    np.testing.assert_array_equal(v.numpy(), np.full((2, 3), 3.0))
    v.assign_add(np.ones((2, 3)))
    v.assign_sub(np.ones((2, 3)) * 2)
    np.testing.assert_array_equal(np.asarray(v), np.full((2, 3), 2.0))


def test_variable_from_value_and_arithmetic():
    v = keras.Variable(np.arange(3, dtype="float32"), trainable=False, name="v")
    assert not v.trainable
    np.testing.assert_array_equal(2 - v, [2.0, 1.0, 0.0])
    np.testing.assert_array_equal(v @ jnp.ones(3), 3.0)
    assert float(v[1]) == 1.0
    assert keras.ops.sum(v) == 3.0


def test_variable_assign_wrong_shape_names_the_variable():
    v = keras.Variable(np.zeros(3), name="kernel")
    with pytest.raises(ValueError, match="must match.*kernel"):
        v.assign(np.zeros(4))


def test_variable_requires_shape_with_initializer():
    with pytest.raises(ValueError, match="`shape` argument should be specified"):
        keras.Variable(initializer="zeros")


def test_state_scope_substitutes_and_records():
    v = keras.Variable(np.zeros(2, "float32"), name="s")
    with StateScope({id(v): jnp.ones(2)}) as scope:
        np.testing.assert_array_equal(v.value, [1.0, 1.0])
        v.assign(v.value + 1)
    np.testing.assert_array_equal(v.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(scope.values[id(v)], [2.0, 2.0])


def test_variable_under_jit_through_scope():
    v = keras.Variable(np.ones(2, "float32"), name="j")

    @jax.jit
    def f(x):
        with StateScope({id(v): x}):
            return keras.ops.multiply(v, 2.0)

    np.testing.assert_array_equal(f(jnp.full(2, 3.0)), [6.0, 6.0])
