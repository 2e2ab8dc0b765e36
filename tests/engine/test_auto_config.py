"""Keras 3's automatic configs: a custom layer without `get_config` serializes from the plain
arguments it was built with (defaults included), saves and loads; other arguments raise
Keras's `NotImplementedError`. Compared with Keras."""

import os

import keras
import numpy as np
import pytest

import kerasish


def _classes(lib):
    class Scaled(lib.layers.Layer):
        def __init__(self, units=32, activation="relu", sizes=(1, 2), **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.activation = activation

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units))

        def call(self, x):
            return lib.ops.matmul(x, self.w)

    class NoKwargs(lib.layers.Layer):
        def __init__(self, rate=0.1):
            super().__init__()
            self.rate = rate

        def call(self, x):
            return x * self.rate

    class Variadic(lib.layers.Layer):
        def __init__(self, *sizes, **kwargs):
            super().__init__(**kwargs)

    class WithObject(lib.layers.Layer):
        def __init__(self, init=None, **kwargs):
            super().__init__(**kwargs)

    return Scaled, NoKwargs, Variadic, WithObject


def _configs(lib):
    scaled, no_kwargs, _, _ = _classes(lib)
    return [
        scaled(units=4, name="mine").get_config(),
        scaled(8, "tanh", trainable=False, name="second").get_config(),
        no_kwargs(0.5).get_config(),
    ]


def test_automatic_configs_equal_keras():
    assert _configs(kerasish) == _configs(keras)


@pytest.mark.parametrize(
    "index, args, match",
    [(2, (1, 2), "positional only or variadic"), (3, (), "non-serializable argument values")],
)
def test_arguments_without_an_automatic_config_raise_like_keras(index, args, match):
    for lib in (kerasish, keras):
        cls = _classes(lib)[index]
        layer = cls(*args) if args else cls(init=lib.initializers.Ones())
        with pytest.raises(NotImplementedError, match=match):
            layer.get_config()


def test_a_model_with_an_automatic_config_layer_saves_and_loads(tmp_path):
    scaled = _classes(kerasish)[0]
    inputs = kerasish.Input((5,))
    model = kerasish.Model(inputs, scaled(units=2, name="mine")(inputs))
    path = os.path.join(tmp_path, "m.keras")
    model.save(path)
    loaded = kerasish.models.load_model(path, custom_objects={"Scaled": scaled})
    x = np.ones((2, 5), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.get_layer("mine").units == 2
