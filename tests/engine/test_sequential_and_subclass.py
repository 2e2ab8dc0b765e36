import jax
import jax.numpy as jnp
import keras as reference
import numpy as np
import pytest

import kerasish as keras
from kerasish import layers


def test_sequential_with_input_builds_at_once_and_matches_keras():
    ours = keras.Sequential(
        [keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(3)]
    )
    theirs = reference.Sequential(
        [
            reference.Input((4,)),
            reference.layers.Dense(8, activation="relu"),
            reference.layers.Dense(3),
        ]
    )
    assert ours.built
    assert [w.shape for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]
    ours.set_weights(theirs.get_weights())
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    np.testing.assert_allclose(ours(x), theirs(x), atol=1e-5)
    assert ours.output_shape == (None, 3)
    assert len(ours.layers) == 2


def test_sequential_deferred_build_add_pop():
    model = keras.Sequential()
    model.add(layers.Dense(4))
    model.add(layers.Dense(2))
    assert not model.built
    assert model(np.ones((3, 5), "float32")).shape == (3, 2)
    assert model.built and model.layers[0].kernel.shape == (5, 4)
    popped = model.pop()
    assert popped.units == 2 and len(model.layers) == 1
    model.add(layers.Dense(7))
    assert model(np.ones((1, 5), "float32")).shape == (1, 7)


def test_sequential_input_shape_argument_creates_input():
    model = keras.Sequential([layers.Dense(3, input_shape=(6,))])
    assert model.built and model.input_shape == (None, 6)


def test_sequential_rejects_non_layers():
    with pytest.raises(ValueError, match="Only instances of `keras.Layer`"):
        keras.Sequential([lambda x: x])


class TwoLayer(keras.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.blocks = [layers.Dense(5, activation="relu"), layers.Dense(4)]
        self.heads = {"out": layers.Dense(units)}
        self.units = units

    def call(self, x, training=False):
        for block in self.blocks:
            x = block(x)
        if training:
            x = x * 0.5
        return self.heads["out"](x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_subclassed_model_tracks_lists_and_dicts_and_builds_on_first_call():
    model = TwoLayer()
    assert not model.built
    out = model(np.ones((2, 6), "float32"))
    assert out.shape == (2, 3)
    assert len(model.layers) == 3
    assert len(model.weights) == 6
    assert [w.shape for w in model.weights] == [(6, 5), (5,), (5, 4), (4,), (4, 3), (3,)]


def test_subclassed_model_training_argument_and_pure_apply():
    model = TwoLayer()
    x = jnp.ones((2, 6))
    params, state = model.init(jax.random.key(0), jax.ShapeDtypeStruct((None, 6), "float32"))
    eval_out, _ = model.apply(params, state, x, training=False)
    train_out, _ = model.apply(params, state, x, training=True)
    assert not np.allclose(eval_out, train_out)


def test_subclassed_model_from_config():
    model = TwoLayer(units=2)
    clone = keras.models.clone_model(model)
    assert clone.units == 2


def test_training_context_reaches_nested_layers():
    seen = []

    class Probe(layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    class Outer(keras.Model):
        def __init__(self):
            super().__init__()
            self.probe = Probe()

        def call(self, x):
            return self.probe(x)

    model = Outer()
    model(np.ones((1, 2), "float32"), training=True)
    assert seen[-1] is True
    model(np.ones((1, 2), "float32"))
    assert seen[-1] is None
