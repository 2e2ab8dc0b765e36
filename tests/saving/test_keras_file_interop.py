"""`.keras` files move both ways between Keras 3 and kerasish: same layout, same predictions,
and training continues with the same losses (the optimizer state comes along)."""

import os

import keras
import numpy as np
import pytest
from saving_fixtures import (
    keras_file_layout,
    multi_io_data,
    multi_io_model,
    nested_data,
    nested_model,
)

import kerasish


def _subclassed_class(lib):
    layers = lib.layers

    @lib.saving.register_keras_serializable(package="kerasish_saving_tests")
    class TwoTowers(lib.Model):
        """Public and private attributes, nested containers, and a config argument."""

        def __init__(self, units=2, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.zeta = layers.Dense(units)
            self.alpha = layers.Dense(3)
            self.blocks = [layers.Dense(units), [layers.Dense(units)], {"a": layers.Dense(units)}]
            self._private = layers.Dense(units)
            self.norm = layers.BatchNormalization()

        def call(self, x, training=False):
            x = self.zeta(self.alpha(x))
            for block in (self.blocks[0], self.blocks[1][0], self.blocks[2]["a"], self._private):
                x = block(x)
            return self.norm(x, training=training)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return TwoTowers


SUBCLASSED = {keras: _subclassed_class(keras), kerasish: _subclassed_class(kerasish)}


def _subclassed(lib):
    model = SUBCLASSED[lib]()
    model(np.zeros((1, 3), "float32"))
    model.compile(lib.optimizers.RMSprop(0.01), "mse")
    return model


def _sequential(lib):
    model = lib.Sequential(
        [lib.Input((4,)), lib.layers.Dense(3, activation="tanh"), lib.layers.Dense(2)]
    )
    model.compile(lib.optimizers.AdamW(0.01, weight_decay=0.1), "mse", metrics=["mae"])
    return model


def _recurrent(lib):
    layers = lib.layers
    inputs = lib.Input((5, 3))
    x = layers.LSTM(4, return_sequences=True)(inputs)
    x = layers.Bidirectional(layers.GRU(2, return_sequences=True))(x)
    return lib.Model(inputs, layers.SimpleRNN(2)(x))


def _attention(lib):
    layers = lib.layers
    inputs = lib.Input((5, 4))
    x = layers.MultiHeadAttention(2, 3)(inputs, inputs)
    return lib.Model(
        inputs, layers.TimeDistributed(layers.Dense(2))(layers.LayerNormalization()(x))
    )


def _convolution(lib):
    layers = lib.layers
    inputs = lib.Input((6, 6, 2))
    x = layers.MaxPooling2D()(layers.Conv2D(3, 2, padding="same")(inputs))
    return lib.Model(inputs, layers.Conv1D(2, 2)(layers.Reshape((9, 3))(x)))


def _data(shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape).astype("float32")


TRAINED = {
    "sequential": (_sequential, lambda: (_data((8, 4)), _data((8, 2), 1))),
    "functional_multi_io_shared": (multi_io_model, multi_io_data),
    "subclassed": (_subclassed, lambda: (_data((8, 3)), _data((8, 2), 1))),
}

# Families whose sublayers sit at Keras's attribute paths (``cell``, ``forward_layer``,
# ``query_dense``, ...): the same layout and predictions, without training.
FAMILIES = {
    "nested_models": (nested_model, lambda: nested_data()[0]),
    "recurrent": (_recurrent, lambda: _data((2, 5, 3))),
    "attention": (_attention, lambda: _data((2, 5, 4))),
    "convolution": (_convolution, lambda: _data((2, 6, 6, 2))),
}


def _outputs(model, x):
    return [np.asarray(leaf) for leaf in kerasish.tree.flatten(model.predict_on_batch(x))]


def _assert_same_outputs(a, b, x):
    for left, right in zip(_outputs(a, x), _outputs(b, x)):
        np.testing.assert_allclose(left, right, rtol=1e-6, atol=1e-6)


def _assert_same_training(a, b, x, y, steps=2):
    """The next ``steps`` losses (the second one follows an update that reads the optimizer
    state) are the same."""
    for _ in range(steps):
        np.testing.assert_allclose(
            np.atleast_1d(a.train_on_batch(x, y)),
            np.atleast_1d(b.train_on_batch(x, y)),
            rtol=1e-5,
            atol=1e-6,
        )


def _save_both(build, tmp_path):
    theirs, ours = build(keras), build(kerasish)
    theirs.save(tmp_path / "keras.keras")
    ours.save(tmp_path / "kerasish.keras")
    assert keras_file_layout(tmp_path / "kerasish.keras") == keras_file_layout(
        tmp_path / "keras.keras"
    )
    return theirs, ours


@pytest.mark.parametrize("case", list(TRAINED))
def test_trained_models_move_both_ways_with_the_optimizer_state(case, tmp_path):
    """Keras trains and saves; kerasish loads and continues as Keras does; kerasish saves and
    Keras loads and continues as kerasish does."""
    build, data = TRAINED[case]
    x, y = data()
    theirs = build(keras)
    theirs.train_on_batch(x, y)
    theirs.save(tmp_path / "keras.keras")
    ours = kerasish.models.load_model(tmp_path / "keras.keras")
    assert type(ours).__name__ == type(theirs).__name__
    _assert_same_outputs(ours, theirs, x)
    _assert_same_training(ours, theirs, x, y)

    ours.save(tmp_path / "kerasish.keras")
    assert keras_file_layout(tmp_path / "kerasish.keras") == keras_file_layout(
        tmp_path / "keras.keras"
    )
    back_in_keras = keras.models.load_model(tmp_path / "kerasish.keras")
    _assert_same_outputs(back_in_keras, ours, x)
    _assert_same_training(back_in_keras, ours, x, y)


# Recurrent and attention layers compile slowly (scans, many einsums): run with -m slow.
HEAVY_FAMILIES = {"recurrent", "attention"}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=pytest.mark.slow) if case in HEAVY_FAMILIES else case
        for case in FAMILIES
    ],
)
def test_layer_families_move_both_ways(case, tmp_path):
    build, data = FAMILIES[case]
    x = data()
    theirs, ours = _save_both(build, tmp_path)
    _assert_same_outputs(
        kerasish.models.load_model(tmp_path / "keras.keras", compile=False), theirs, x
    )
    _assert_same_outputs(
        keras.models.load_model(tmp_path / "kerasish.keras", compile=False), ours, x
    )


def test_round_trip_keeps_config_compile_config_and_weights(tmp_path):
    model = multi_io_model(kerasish)
    x, y = multi_io_data()
    model.train_on_batch(x, y)
    model.save(tmp_path / "m.keras")
    restored = kerasish.saving.load_model(tmp_path / "m.keras")
    assert restored.get_config() == model.get_config()
    assert restored.get_compile_config() == model.get_compile_config()
    assert [w.path for w in restored.weights] == [w.path for w in model.weights]
    for left, right in zip(restored.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(left, right)
    for left, right in zip(restored.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(left.value), np.asarray(right.value))


def test_compile_false_skips_the_optimizer(tmp_path):
    model = _sequential(kerasish)
    model.train_on_batch(_data((8, 4)), _data((8, 2), 1))
    model.save(tmp_path / "m.keras")
    restored = kerasish.models.load_model(tmp_path / "m.keras", compile=False)
    assert not restored.compiled and restored.optimizer is None
    _assert_same_outputs(restored, model, _data((8, 4)))


def test_unbuilt_model_saves_with_keras_warning(tmp_path):
    model = kerasish.Sequential([kerasish.layers.Dense(2)])
    with pytest.warns(UserWarning, match="has not yet been built"):
        model.save(tmp_path / "m.keras")
    restored = kerasish.models.load_model(tmp_path / "m.keras")
    assert not restored.built and [type(layer) for layer in restored.layers] == [
        kerasish.layers.Dense
    ]


@pytest.mark.parametrize("filepath", ["model.txt", "model"])
def test_save_extension_errors_match_keras(filepath, tmp_path):
    with pytest.raises(ValueError) as ours:
        _sequential(kerasish).save(os.fspath(tmp_path / filepath))
    with pytest.raises(ValueError) as theirs:
        _sequential(keras).save(os.fspath(tmp_path / filepath))
    assert str(ours.value) == str(theirs.value)


def test_load_model_errors(tmp_path):
    with pytest.raises(ValueError, match="File not found"):
        kerasish.models.load_model(tmp_path / "missing.keras")
    with pytest.raises(ValueError, match="File format not supported"):
        kerasish.models.load_model(tmp_path / "model.npz")
    with pytest.raises(ValueError, match="not supported"):
        _sequential(kerasish).save(tmp_path / "m.keras", zipped=False)
    with pytest.raises(ValueError, match="does not write the legacy HDF5 model format"):
        _sequential(kerasish).save(tmp_path / "m.h5")


def test_overwrite_false_asks_first(tmp_path, monkeypatch):
    path = tmp_path / "m.keras"
    path.write_bytes(b"previous")
    model = kerasish.Sequential([kerasish.Input((2,)), kerasish.layers.Dense(1)])
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    model.save(path, overwrite=False)
    assert path.read_bytes() == b"previous"
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    model.save(path, overwrite=False)
    assert kerasish.models.load_model(path).built


class Scale(kerasish.layers.Layer):
    """Not registered: found only through `custom_objects`."""

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return inputs * self.scale


def test_custom_objects_resolve_unregistered_classes(tmp_path):
    model = kerasish.Sequential([kerasish.Input((3,)), Scale()])
    model.layers[0].scale.assign(np.array([1.0, 2.0, 3.0], "float32"))
    model.save(tmp_path / "m.keras")
    with pytest.raises(TypeError, match="Could not locate class 'Scale'"):
        kerasish.models.load_model(tmp_path / "m.keras")
    restored = kerasish.models.load_model(tmp_path / "m.keras", custom_objects={"Scale": Scale})
    np.testing.assert_array_equal(restored.layers[0].scale.numpy(), [1.0, 2.0, 3.0])
    with kerasish.saving.custom_object_scope({"Scale": Scale}):
        assert isinstance(kerasish.models.load_model(tmp_path / "m.keras").layers[0], Scale)
