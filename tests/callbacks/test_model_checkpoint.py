"""`ModelCheckpoint`: paths, best-only decisions and errors against `keras.callbacks.ModelCheckpoint`.

The file formats come with saving; here both models only record what would be saved.
"""

import pathlib
import warnings

import jax.numpy as jnp
import keras
import pytest
from callback_fakes import FakeModel, drive_epochs, keras_model

from kerasish import callbacks

VAL_LOSS = [0.9, 0.7, 0.8, 0.7, 0.5, 0.50000001, 0.6]
ACCURACY = [0.5, 0.6, 0.55, 0.7, 0.7, 0.65, 0.8]


def _epoch_logs():
    return [
        {"loss": 1.0 - i / 10, "val_loss": value, "val_accuracy": accuracy}
        for i, (value, accuracy) in enumerate(zip(VAL_LOSS, ACCURACY))
    ]


def _saved(module, model, tmp_path, filename, epoch_logs=None, batch_logs=None, **kwargs):
    callback = module.ModelCheckpoint(str(tmp_path / filename), **kwargs)
    drive_epochs(callback, model, epoch_logs or _epoch_logs(), batch_logs=batch_logs)
    return [
        (kind, pathlib.Path(path).relative_to(tmp_path).as_posix()) for kind, path in model.saved
    ]


CASES = [
    ("model.keras", {}),
    ("ckpt-{epoch:02d}.keras", {}),
    ("ckpt-{epoch:02d}-{val_loss:.2f}.weights.h5", {"save_weights_only": True}),
    ("best-{epoch}.keras", {"save_best_only": True}),
    ("best.keras", {"save_best_only": True, "mode": "max", "monitor": "val_accuracy"}),
    ("best-{epoch}.h5", {"save_best_only": True, "monitor": "val_accuracy", "mode": "max"}),
    ("best-{epoch}.keras", {"save_best_only": True, "initial_value_threshold": 0.75}),
    ("best-{epoch}.keras", {"save_best_only": True, "monitor": "loss"}),
    ("sub/dir/{epoch}-{loss:.3f}.keras", {}),
]


@pytest.mark.parametrize("filename, kwargs", CASES)
def test_epoch_saves_match_keras(tmp_path, filename, kwargs):
    ours = _saved(callbacks, FakeModel(), tmp_path / "ours", filename, **kwargs)
    theirs = _saved(keras.callbacks, keras_model(), tmp_path / "theirs", filename, **kwargs)
    assert ours == theirs
    assert ours


def test_directories_are_created(tmp_path):
    _saved(callbacks, FakeModel(), tmp_path, "a/b/{epoch}.keras")
    assert (tmp_path / "a" / "b").is_dir()


@pytest.mark.parametrize("save_freq", [1, 2, 3])
def test_batch_saves_match_keras(tmp_path, save_freq):
    batch_logs = [{"loss": 0.5 - b / 10} for b in range(4)]
    device_logs = [{"loss": jnp.float32(logs["loss"])} for logs in batch_logs]
    epochs = [{"loss": 0.1}] * 2
    name = "b{batch:02d}-e{epoch}-{loss:.2f}.keras"
    ours = _saved(
        callbacks, FakeModel(), tmp_path / "o", name, epochs, device_logs, save_freq=save_freq
    )
    theirs = _saved(
        keras.callbacks,
        keras_model(),
        tmp_path / "t",
        name,
        epochs,
        batch_logs,
        save_freq=save_freq,
    )
    assert ours == theirs
    assert len(ours) == 8 // save_freq


def test_batch_best_only_before_any_epoch_end(tmp_path):
    """Keras would call an unset comparison here; we set the direction on the first save."""
    logs = [{"loss": jnp.float32(value)} for value in (0.5, 0.6, 0.4)]
    saved = _saved(
        callbacks,
        FakeModel(),
        tmp_path,
        "{batch}.keras",
        [{"loss": 0.1}],
        logs,
        save_freq=1,
        save_best_only=True,
        monitor="loss",
    )
    assert saved == [("save", "1.keras"), ("save", "3.keras")]


@pytest.mark.parametrize(
    "filepath, kwargs",
    [
        ("model.h5", {"save_weights_only": True}),
        ("model.keras", {"save_weights_only": True}),
        ("model.weights.npz", {}),
        ("model.weights.h5", {"save_weights_only": False, "save_freq": "never"}),
        ("model", {}),
        ("model.keras", {"save_freq": "batch"}),
        ("model.keras", {"save_freq": 2.5}),
    ],
)
def test_invalid_arguments_raise_like_keras(filepath, kwargs):
    with pytest.raises(ValueError) as ours:
        callbacks.ModelCheckpoint(filepath, **kwargs)
    with pytest.raises(ValueError) as theirs:
        keras.callbacks.ModelCheckpoint(filepath, **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_pathlike_filepath_is_accepted(tmp_path):
    callback = callbacks.ModelCheckpoint(tmp_path / "m.keras")
    assert callback.filepath == str(tmp_path / "m.keras")


def test_unknown_placeholder_raises_like_keras(tmp_path):
    with pytest.raises(KeyError) as ours:
        _saved(callbacks, FakeModel(), tmp_path, "{val_auc:.2f}.keras")
    with pytest.raises(KeyError) as theirs:
        _saved(keras.callbacks, keras_model(), tmp_path, "{val_auc:.2f}.keras")
    assert str(ours.value).replace(str(tmp_path), "") == str(theirs.value).replace(
        str(tmp_path), ""
    )


def _warnings_and_saves(module, model, tmp_path, logs, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saved = _saved(module, model, tmp_path, "m-{epoch}.keras", logs, **kwargs)
    return [str(w.message) for w in caught if w.category is UserWarning], saved


def test_missing_monitor_with_best_only_warns_and_saves_like_keras(tmp_path):
    logs = [{"loss": 1.0}] * 2
    ours = _warnings_and_saves(callbacks, FakeModel(), tmp_path / "o", logs, save_best_only=True)
    theirs = _warnings_and_saves(
        keras.callbacks, keras_model(), tmp_path / "t", logs, save_best_only=True
    )
    assert ours == theirs
    assert ours[0][0] == "Can save best model only with val_loss available."


def test_unknown_direction_raises_like_keras_even_without_best_only(tmp_path):
    logs = [{"auc_like": 1.0}]
    with pytest.raises(ValueError) as ours:
        _saved(callbacks, FakeModel(), tmp_path, "m.keras", logs, monitor="auc_like")
    with pytest.raises(ValueError) as theirs:
        _saved(keras.callbacks, keras_model(), tmp_path, "m.keras", logs, monitor="auc_like")
    assert str(ours.value) == str(theirs.value)


def test_verbose_messages_match_keras(tmp_path, capsys):
    kwargs = {"save_best_only": True, "verbose": 1}
    _saved(callbacks, FakeModel(), tmp_path / "o", "m.keras", **kwargs)
    ours = capsys.readouterr().out.replace(str(tmp_path / "o"), "")
    _saved(keras.callbacks, keras_model(), tmp_path / "t", "m.keras", **kwargs)
    theirs = capsys.readouterr().out.replace(str(tmp_path / "t"), "")
    assert ours == theirs
    assert "\nEpoch 3: val_loss did not improve from 0.70000\n" in ours


def test_directory_filepath_raises_a_clear_error(tmp_path):
    class DirectoryModel(FakeModel):
        def save(self, filepath, overwrite=True):
            raise IsADirectoryError(filepath)

    (tmp_path / "d.keras").mkdir()
    with pytest.raises(
        OSError, match="Please specify a non-directory filepath for ModelCheckpoint"
    ):
        _saved(callbacks, DirectoryModel(), tmp_path, "d.keras")
