"""OrbaxCheckpoint: Keras 3.15's callback API over kerasish's checked orbax Checkpointer."""

import inspect
import os

import keras
import numpy as np
import pytest

import kerasish
from kerasish.saving import Checkpointer

RNG = np.random.default_rng(0)
X = RNG.standard_normal((64, 5)).astype("float32")
Y = RNG.standard_normal((64, 2)).astype("float32")


def _model():
    model = kerasish.Sequential(
        [
            kerasish.Input((5,)),
            kerasish.layers.Dense(8, activation="relu"),
            kerasish.layers.Dense(2),
        ]
    )
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def test_signature_matches_keras():
    ours = inspect.signature(kerasish.callbacks.OrbaxCheckpoint.__init__).parameters
    theirs = inspect.signature(keras.callbacks.OrbaxCheckpoint.__init__).parameters
    assert [(p.name, p.default) for p in ours.values()] == [
        (p.name, p.default) for p in theirs.values()
    ]


def test_load_model_resumes_training_exactly(tmp_path):
    model = _model()
    callback = kerasish.callbacks.OrbaxCheckpoint(str(tmp_path), max_to_keep=2)
    model.fit(X, Y, batch_size=16, epochs=3, verbose=0, callbacks=[callback])
    assert sorted(os.listdir(tmp_path)) == ["1", "2"]
    loaded = kerasish.models.load_model(str(tmp_path))
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    assert int(loaded.optimizer.iterations.numpy()) == 12
    # The optimizer state came back too: the next step's loss and weights are the same.
    ours = loaded.train_on_batch(X[:16], Y[:16])
    theirs = model.train_on_batch(X[:16], Y[:16])
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_save_best_only_keeps_the_improving_epochs(tmp_path):
    model = _model()
    model.predict(X[:1], verbose=0)
    callback = kerasish.callbacks.OrbaxCheckpoint(
        str(tmp_path),
        monitor="val_loss",
        save_best_only=True,
        max_to_keep=None,
        save_on_background=False,
    )
    callback.set_model(model)
    for epoch, val_loss in enumerate([1.0, 2.0, 0.5, 0.7]):
        callback.on_epoch_end(epoch, {"val_loss": val_loss})
    with pytest.warns(UserWarning, match="Can save best model only with val_loss available"):
        callback.on_epoch_end(4, {"loss": 0.1})
    callback.on_train_end()
    assert Checkpointer(str(tmp_path)).all_steps() == [0, 2]


def test_integer_save_freq_counts_batches(tmp_path):
    model = _model()
    callback = kerasish.callbacks.OrbaxCheckpoint(str(tmp_path), save_freq=3, max_to_keep=None)
    model.fit(X, Y, batch_size=16, epochs=2, verbose=0, callbacks=[callback])  # 8 batches
    assert Checkpointer(str(tmp_path)).all_steps() == [3, 6]


def test_weights_only_directory_loads_weights_but_not_a_model(tmp_path):
    model = _model()
    callback = kerasish.callbacks.OrbaxCheckpoint(str(tmp_path), save_weights_only=True)
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[callback])
    with pytest.raises(ValueError, match="Checkpoint does not contain model configuration"):
        kerasish.models.load_model(str(tmp_path))
    other = _model()
    other.predict(X[:1], verbose=0)
    other.optimizer.build(other.trainable_variables)
    other.load_weights(str(tmp_path))
    np.testing.assert_array_equal(other.predict(X, verbose=0), model.predict(X, verbose=0))


def test_bad_save_freq_is_the_keras_error(tmp_path):
    with pytest.raises(ValueError) as ours:
        kerasish.callbacks.OrbaxCheckpoint(str(tmp_path / "a"), save_freq="batch")
    with pytest.raises(ValueError) as theirs:
        keras.callbacks.OrbaxCheckpoint(str(tmp_path / "b"), save_freq="batch")
    assert str(ours.value) == str(theirs.value)


def test_state_tree_has_keras_layout_and_round_trips():
    def build(lib):
        model = lib.Sequential(
            [lib.Input((1,), name="my_input"), lib.layers.Dense(1, name="my_dense")],
            name="my_sequential",
        )
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        model.fit(np.ones((2, 1)), np.ones((2, 1)), verbose=0)
        return model

    ours, theirs = build(kerasish), build(keras)

    def shape_tree(tree):
        return {
            k: shape_tree(v) if isinstance(v, dict) else tuple(np.shape(v)) for k, v in tree.items()
        }

    ours_tree, theirs_tree = shape_tree(ours.get_state_tree()), shape_tree(theirs.get_state_tree())
    # Optimizer names count up per process (adam, adam_1, ...) in both libraries alike.
    for tree in (ours_tree, theirs_tree):
        tree["optimizer_variables"] = list(tree["optimizer_variables"].values())
    assert ours_tree == theirs_tree
    tree = theirs.get_state_tree(value_format="numpy_array")
    ours.set_state_tree(tree)
    np.testing.assert_array_equal(
        ours.get_state_tree("numpy_array")["trainable_variables"]["my_sequential"]["my_dense"][
            "kernel"
        ],
        tree["trainable_variables"]["my_sequential"]["my_dense"]["kernel"],
    )
    with pytest.raises(ValueError, match="Invalid `value_format` argument"):
        ours.get_state_tree("list")
    with pytest.raises(ValueError, match="Unknown variable name: weights"):
        ours.set_state_tree({"weights": {}})
