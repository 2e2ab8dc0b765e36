"""`CSVLogger` writes byte for byte what `keras.callbacks.CSVLogger` writes for the same logs."""

import keras
import numpy as np
import pytest

from kerasish import callbacks

SCENARIOS = {
    "train_and_validation": [
        {"loss": 0.5, "accuracy": 0.75, "val_loss": 0.6, "val_accuracy": 0.7},
        {"loss": 0.25, "accuracy": 0.875, "val_loss": 0.3, "val_accuracy": 0.8},
    ],
    "train_only_gets_val_columns": [{"loss": 0.5, "mse": 1.0 / 3.0}, {"loss": 0.1, "mse": 2e-9}],
    "values_of_every_kind": [
        {
            "loss": np.float32(0.1),
            "text": "a,b",
            "vector": np.array([1.5, 2.0]),
            "scalar_array": np.array(3.25),
            "count": 7,
        },
        {
            "loss": 0.2,
            "text": 'say "hi"',
            "vector": [1, 2, 3],
            "scalar_array": np.array(1.0),
            "count": 8,
        },
    ],
    "keys_missing_later": [{"loss": 0.5, "val_loss": 0.4}, {"loss": 0.3}],
    "empty_logs": [{}, {}],
}


def _write(module, path, epoch_logs, **kwargs):
    callback = module.CSVLogger(path, **kwargs)
    callback.on_train_begin()
    for epoch, logs in enumerate(epoch_logs):
        callback.on_epoch_end(epoch, dict(logs))
    callback.on_train_end()
    return path.read_bytes()


@pytest.mark.parametrize("name", list(SCENARIOS))
@pytest.mark.parametrize("separator", [",", ";"])
def test_file_matches_keras_byte_for_byte(tmp_path, name, separator):
    ours = _write(callbacks, tmp_path / "ours.csv", SCENARIOS[name], separator=separator)
    theirs = _write(keras.callbacks, tmp_path / "theirs.csv", SCENARIOS[name], separator=separator)
    assert ours == theirs


def test_known_format(tmp_path):
    content = _write(callbacks, tmp_path / "log.csv", SCENARIOS["train_only_gets_val_columns"])
    assert content == (
        b"epoch,loss,mse,val_loss,val_mse\r\n"
        b"0,0.5,0.3333333333333333,NA,NA\r\n"
        b"1,0.1,2e-09,NA,NA\r\n"
    )


@pytest.mark.parametrize("existing", [None, b"", b"epoch,loss\r\n0,1.0\r\n"])
def test_append_matches_keras(tmp_path, existing):
    results = []
    for module, name in ((callbacks, "ours.csv"), (keras.callbacks, "theirs.csv")):
        path = tmp_path / name
        if existing is not None:
            path.write_bytes(existing)
        _write(module, path, [{"loss": 0.5}], append=True)
        results.append(_write(module, path, [{"loss": 0.25}, {"loss": 0.125}], append=True))
    assert results[0] == results[1]


def test_reopening_for_a_second_fit_overwrites(tmp_path):
    callback = callbacks.CSVLogger(tmp_path / "log.csv")
    for loss in (0.5, 0.25):
        callback.on_train_begin()
        callback.on_epoch_end(0, {"loss": loss})
        callback.on_train_end()
    assert (tmp_path / "log.csv").read_bytes() == b"epoch,loss,val_loss\r\n0,0.25,NA\r\n"
