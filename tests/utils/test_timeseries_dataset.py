"""`timeseries_dataset_from_array` gives Keras 3's windows and targets (recorded from Keras on
TensorFlow in golden/timeseries_keras.json by make_timeseries_golden.py), and trains a model."""

import json
import pathlib

import keras
import numpy as np
import pytest

import kerasish

GOLDEN = json.loads(
    (pathlib.Path(__file__).parent / "golden" / "timeseries_keras.json").read_text()
)
DATA = np.arange(100).reshape(50, 2).astype("float32")
TARGETS = np.arange(50)
CASES = {
    "plain": {"sequence_length": 5},
    "rate": {"sequence_length": 4, "sampling_rate": 3, "sequence_stride": 2, "batch_size": 7},
    "range": {"sequence_length": 3, "start_index": 10, "end_index": 40, "batch_size": 5},
    "shuffle": {"sequence_length": 3, "shuffle": True, "seed": 3, "batch_size": 100},
}


def _batches(**kwargs):
    dataset = kerasish.utils.timeseries_dataset_from_array(DATA, TARGETS, **kwargs)
    return [(x.tolist(), y.tolist()) for x, y in dataset]


@pytest.mark.parametrize("name", ["plain", "rate", "range"])
def test_windows_and_targets_equal_keras(name):
    assert _batches(**CASES[name]) == [tuple(batch) for batch in GOLDEN[name]]


def test_shuffled_windows_are_keras_windows():
    """Keras also shuffles inside a tf.data buffer: the same windows, in another order."""

    def pairs(batches):
        return sorted((str(w), t) for x, y in batches for w, t in zip(x, y))

    assert pairs(_batches(**CASES["shuffle"])) == pairs(GOLDEN["shuffle"])


def test_inputs_only_and_unbatched():
    dataset = kerasish.utils.timeseries_dataset_from_array(
        np.arange(10), None, sequence_length=3, batch_size=None
    )
    assert len(dataset) == 8 and dataset[2].tolist() == [2, 3, 4]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start_index": 60},
        {"start_index": 10, "end_index": 5},
        {"sampling_rate": 0},
        {"sequence_stride": 50},
    ],
)
def test_argument_errors_match_keras(kwargs):
    with pytest.raises(ValueError) as ours:
        kerasish.utils.timeseries_dataset_from_array(DATA, TARGETS, 3, **kwargs)
    with pytest.raises(ValueError) as theirs:
        keras.utils.timeseries_dataset_from_array(DATA, TARGETS, 3, **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_fit_reads_the_dataset():
    model = kerasish.Sequential(
        [kerasish.Input((5, 2)), kerasish.layers.LSTM(4), kerasish.layers.Dense(1)]
    )
    model.compile("adam", "mse")
    dataset = kerasish.utils.timeseries_dataset_from_array(
        DATA / 100, TARGETS[4:] / 50, sequence_length=5, batch_size=8
    )
    history = model.fit(dataset, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict(dataset, verbose=0).shape == (46, 1)
