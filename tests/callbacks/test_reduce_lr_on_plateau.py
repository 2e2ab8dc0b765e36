"""`ReduceLROnPlateau` against `keras.callbacks.ReduceLROnPlateau` on the same epoch logs."""

import warnings

import keras
import pytest
from callback_fakes import FakeModel, FakeOptimizer, drive_epochs, keras_model

from kerasish import callbacks

FLAT = [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]
NOISY = [0.5, 0.6, 0.4, 0.40005, 0.41, 0.39, 0.3999, 0.5, 0.38, 0.6, 0.7, 0.8, 0.8, 0.8, 0.8, 0.8]

SCENARIOS = [
    ({}, FLAT),
    ({"patience": 2}, FLAT),
    ({"patience": 1, "factor": 0.5, "cooldown": 2}, FLAT),
    ({"patience": 1, "factor": 0.5, "min_lr": 0.004}, FLAT),
    ({"patience": 1, "factor": 0.3, "min_lr": 0.003}, NOISY),
    ({"patience": 2, "min_delta": 0.02}, NOISY),
    ({"patience": 1, "min_delta": 0.0}, NOISY),
    ({"patience": 2, "mode": "max", "cooldown": 1}, NOISY),
    ({"patience": 0}, NOISY),
    ({"patience": 1, "factor": 0.1, "min_lr": 0.01}, FLAT),  # already at min_lr: never reduced
]


def _run(module, kwargs, values, model):
    callback = module.ReduceLROnPlateau(**kwargs)
    logs = [{"loss": 1.0, "val_loss": value} for value in values]
    _, logs_seen, rates = drive_epochs(callback, model, logs)
    return (
        [logs["learning_rate"] for logs in logs_seen],
        rates,
        callback.wait,
        callback.cooldown_counter,
    )


@pytest.mark.parametrize("kwargs, values", SCENARIOS)
def test_learning_rates_match_keras(kwargs, values):
    ours = _run(callbacks, kwargs, values, FakeModel(learning_rate=0.01))
    theirs = _run(keras.callbacks, kwargs, values, keras_model(learning_rate=0.01))
    assert ours == theirs


def test_reduces_every_inner_optimizer():
    model = FakeModel()

    class Multi:
        optimizers = [FakeOptimizer(0.1, name="first"), FakeOptimizer(0.2, name="second")]

    model.optimizer = Multi()
    _, logs_seen, _ = drive_epochs(
        callbacks.ReduceLROnPlateau(patience=1, factor=0.5), model, [{"val_loss": 1.0}] * 3
    )
    assert [inner.learning_rate for inner in Multi.optimizers] == [0.025, 0.05]
    assert logs_seen[0] == {
        "val_loss": 1.0,
        "learning_rate_first": pytest.approx(0.1),
        "learning_rate_second": pytest.approx(0.2),
    }


def test_factor_of_one_or_more_is_rejected_like_keras():
    with pytest.raises(ValueError) as ours:
        callbacks.ReduceLROnPlateau(factor=1.0)
    with pytest.raises(ValueError) as theirs:
        keras.callbacks.ReduceLROnPlateau(factor=1.0)
    assert str(ours.value) == str(theirs.value)


def _warning_messages(callback, model, logs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drive_epochs(callback, model, logs)
    return [str(w.message) for w in caught if w.category is UserWarning]


def test_missing_monitor_warns_like_keras():
    logs = [{"loss": 1.0}] * 2
    ours = _warning_messages(callbacks.ReduceLROnPlateau(), FakeModel(), logs)
    theirs = _warning_messages(keras.callbacks.ReduceLROnPlateau(), keras_model(), logs)
    assert ours == theirs
    assert ours[0] == (
        "Learning rate reduction is conditioned on metric `val_loss` which is not available. "
        "Available metrics are: loss,learning_rate."
    )


def test_verbose_messages_match_keras(capsys):
    logs = [{"val_loss": 1.0}] * 4
    kwargs = {"patience": 1, "factor": 0.5, "verbose": 1}
    drive_epochs(callbacks.ReduceLROnPlateau(**kwargs), FakeModel(learning_rate=0.01), logs)
    ours = capsys.readouterr().out
    drive_epochs(keras.callbacks.ReduceLROnPlateau(**kwargs), keras_model(learning_rate=0.01), logs)
    theirs = capsys.readouterr().out
    assert ours == theirs
    assert ours.startswith(
        "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.004999999888241291.\n"
    )
