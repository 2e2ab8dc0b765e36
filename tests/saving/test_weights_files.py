""".weights.h5 files both ways, the state hooks, mismatches, atomic writes and damaged files."""

import os
import subprocess
import sys
import textwrap
import zipfile

import keras
import numpy as np
import pytest
from saving_fixtures import h5_layout

import kerasish


def _model(lib, outputs=2):
    return lib.Sequential(
        [
            lib.Input((4,)),
            lib.layers.Dense(3, name="hidden"),
            lib.layers.BatchNormalization(name="norm"),
            lib.layers.Dropout(0.5),
            lib.layers.Dense(outputs, name="out"),
        ]
    )


def _randomized(model, seed=0):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape).astype(w.dtype) for w in model.get_weights()])
    return model


def _assert_same_weights(a, b):
    assert len(a.get_weights()) == len(b.get_weights())
    for left, right in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(left, right)


@pytest.mark.parametrize("writer, reader", [(kerasish, keras), (keras, kerasish)])
def test_weights_files_move_both_ways(writer, reader, tmp_path):
    saved = _randomized(_model(writer))
    saved.save_weights(tmp_path / "w.weights.h5")
    loaded = _model(reader)
    loaded.load_weights(tmp_path / "w.weights.h5")
    _assert_same_weights(loaded, saved)


def test_weights_layout_matches_keras(tmp_path):
    _model(kerasish).save_weights(tmp_path / "ours.weights.h5")
    _model(keras).save_weights(tmp_path / "theirs.weights.h5")
    ours = [(path, shape) for path, shape, _ in h5_layout(tmp_path / "ours.weights.h5")]
    theirs = [(path, shape) for path, shape, _ in h5_layout(tmp_path / "theirs.weights.h5")]
    assert ours == theirs
    assert ("layers/batch_normalization/vars/3", (3,)) in ours


def test_load_weights_reads_a_keras_file(tmp_path):
    saved = _randomized(_model(keras))
    saved.save(tmp_path / "m.keras")
    loaded = _model(kerasish)
    loaded.load_weights(tmp_path / "m.keras")
    _assert_same_weights(loaded, saved)


def test_mismatch_raises_and_skip_mismatch_warns(tmp_path):
    _randomized(_model(kerasish)).save_weights(tmp_path / "w.weights.h5")
    other = _model(kerasish, outputs=5)
    before = other.get_weights()
    with pytest.raises(ValueError, match="A total of 1 objects could not be loaded") as info:
        other.load_weights(tmp_path / "w.weights.h5")
    assert "has shape (3, 2), but the variable has shape (3, 5)" in str(info.value)
    with pytest.warns(UserWarning, match="A total of 1 objects could not be loaded"):
        other.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    after = other.get_weights()
    np.testing.assert_array_equal(after[-2], before[-2])  # the mismatched layer is untouched
    assert not np.array_equal(after[0], before[0])  # the matching layers loaded


def test_objects_to_skip_are_left_untouched(tmp_path):
    _randomized(_model(kerasish)).save_weights(tmp_path / "w.weights.h5")
    model = _model(kerasish)
    before = model.get_weights()
    model.load_weights(tmp_path / "w.weights.h5", objects_to_skip=[model.get_layer("hidden")])
    after = model.get_weights()
    np.testing.assert_array_equal(after[0], before[0])
    assert not np.array_equal(after[2], before[2])


def test_unbuilt_models_and_bad_names_raise_keras_errors(tmp_path):
    def messages(lib, action):
        with pytest.raises(ValueError) as info:
            action(lib)
        return str(info.value)

    unbuilt = {lib: lib.Sequential([lib.layers.Dense(2)]) for lib in (keras, kerasish)}
    for action in (
        lambda lib: unbuilt[lib].save_weights(os.fspath(tmp_path / "u.weights.h5")),
        lambda lib: unbuilt[lib].load_weights(os.fspath(tmp_path / "u.weights.h5")),
        lambda lib: _model(lib).save_weights(os.fspath(tmp_path / "w.h5")),
    ):
        assert messages(kerasish, action) == messages(keras, action)


class Vocabulary(kerasish.layers.Layer):
    """State beyond variables: an extra array in its weights entry and a file in assets."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.table = np.array([0.0])
        self.words = []

    def call(self, inputs):
        return inputs

    def save_own_variables(self, store):
        store["table"] = self.table

    def load_own_variables(self, store):
        self.table = store["table"]

    def save_assets(self, dir_path):
        with open(os.path.join(dir_path, "words.txt"), "w") as file:
            file.write("\n".join(self.words))

    def load_assets(self, dir_path):
        with open(os.path.join(dir_path, "words.txt")) as file:
            self.words = file.read().split("\n")


def test_state_hooks_and_assets_round_trip(tmp_path):
    layer = Vocabulary()
    layer.table, layer.words = np.arange(3.0), ["a", "b"]
    model = kerasish.Sequential([kerasish.Input((2,)), layer])
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert "assets/layers/vocabulary/words.txt" in archive.namelist()
    restored = kerasish.models.load_model(
        tmp_path / "m.keras", custom_objects={"Vocabulary": Vocabulary}
    ).layers[0]
    np.testing.assert_array_equal(restored.table, np.arange(3.0))
    assert restored.words == ["a", "b"]


class FailsToSave(kerasish.layers.Layer):
    def call(self, inputs):
        return inputs

    def save_own_variables(self, store):
        store["0"] = np.zeros(3)
        raise OSError("disk full")


@pytest.mark.parametrize("filename", ["m.keras", "m.weights.h5"])
def test_a_failed_save_keeps_the_previous_file(filename, tmp_path):
    path = tmp_path / filename
    good = _randomized(_model(kerasish))
    good.save(path) if filename.endswith(".keras") else good.save_weights(path)
    previous = path.read_bytes()
    bad = kerasish.Sequential([kerasish.Input((4,)), FailsToSave()])
    with pytest.raises(OSError, match="disk full"):
        bad.save(path) if filename.endswith(".keras") else bad.save_weights(path)
    assert path.read_bytes() == previous
    assert os.listdir(tmp_path) == [filename]
    loaded = _model(kerasish)
    loaded.load_weights(path)
    _assert_same_weights(loaded, good)


@pytest.mark.slow  # a fresh interpreter imports jax and kerasish
def test_a_save_killed_midway_keeps_the_previous_file(tmp_path):
    """A real SIGKILL while the new file is being written: the old one still loads."""
    script = textwrap.dedent(
        f"""
        import os, signal, sys, time
        import numpy as np
        import kerasish

        class Slow(kerasish.layers.Layer):
            def call(self, inputs):
                return inputs
            def save_own_variables(self, store):
                store["0"] = np.zeros(1000)
                print("writing", flush=True)
                time.sleep(60)

        model = kerasish.Sequential([kerasish.Input((4,)), kerasish.layers.Dense(2)])
        model.layers[0].kernel.assign(np.ones((4, 2), "float32"))
        model.save({str(tmp_path / "m.keras")!r})
        print("saved", flush=True)
        kerasish.Sequential([kerasish.Input((4,)), Slow()]).save({str(tmp_path / "m.keras")!r})
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=os.environ
    )
    try:
        assert process.stdout.readline().strip() == "saved"
        assert process.stdout.readline().strip() == "writing"
    finally:
        process.kill()
        process.wait()
    restored = kerasish.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(restored.layers[0].kernel.numpy(), np.ones((4, 2)))


def test_damaged_files_raise_clear_errors(tmp_path):
    model = _randomized(_model(kerasish))
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "w.weights.h5")
    archive = (tmp_path / "m.keras").read_bytes()
    weights = (tmp_path / "w.weights.h5").read_bytes()

    (tmp_path / "cut.keras").write_bytes(archive[: len(archive) // 2])
    with pytest.raises(ValueError, match="not a valid `.keras` zip archive"):
        kerasish.models.load_model(tmp_path / "cut.keras")
    flipped = bytearray(archive)
    flipped[archive.index(b"HDF") + 1500] ^= 0xFF
    (tmp_path / "flipped.keras").write_bytes(bytes(flipped))
    with pytest.raises(ValueError, match="the archive is corrupted"):
        kerasish.models.load_model(tmp_path / "flipped.keras")
    (tmp_path / "cut.weights.h5").write_bytes(weights[: len(weights) // 2])
    with pytest.raises(ValueError, match="not a valid HDF5 file"):
        model.load_weights(tmp_path / "cut.weights.h5")
    with pytest.raises(FileNotFoundError):
        model.load_weights(tmp_path / "missing.weights.h5")


def test_model_checkpoint_writes_files_that_load(tmp_path):
    model = _model(kerasish)
    model.compile("adam", "mse")
    x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    checkpoints = [
        kerasish.callbacks.ModelCheckpoint(tmp_path / "m-{epoch}.keras"),
        kerasish.callbacks.ModelCheckpoint(tmp_path / "w.weights.h5", save_weights_only=True),
    ]
    model.fit(x, x[:, :2], batch_size=8, epochs=2, verbose=0, callbacks=checkpoints)
    assert sorted(os.listdir(tmp_path)) == ["m-1.keras", "m-2.keras", "w.weights.h5"]
    _assert_same_weights(kerasish.models.load_model(tmp_path / "m-2.keras"), model)
    from_weights = _model(kerasish)
    from_weights.load_weights(tmp_path / "w.weights.h5")
    _assert_same_weights(from_weights, model)
