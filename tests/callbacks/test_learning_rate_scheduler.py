"""`LearningRateScheduler` against `keras.callbacks.LearningRateScheduler`."""

import keras
import numpy as np
import pytest
from callback_fakes import FakeModel, drive_epochs, keras_model

from kerasish import callbacks


def _two_argument(epoch, lr):
    return lr if epoch < 2 else lr * 0.5


def _one_argument(epoch):
    return 0.1 / (epoch + 1)


def _numpy_float(epoch, lr):
    return np.float32(lr * 0.9)


def _run(module, schedule, model, epochs=5):
    callback = module.LearningRateScheduler(schedule)
    _, logs_seen, rates = drive_epochs(callback, model, [{"loss": 1.0}] * epochs)
    return [logs["learning_rate"] for logs in logs_seen], rates


@pytest.mark.parametrize("schedule", [_two_argument, _one_argument, _numpy_float])
def test_learning_rates_match_keras(schedule):
    ours = _run(callbacks, schedule, FakeModel(learning_rate=0.01))
    theirs = _run(keras.callbacks, schedule, keras_model(learning_rate=0.01))
    assert ours == theirs


def test_non_float_schedule_output_is_rejected_like_keras():
    with pytest.raises(ValueError) as ours:
        _run(callbacks, lambda epoch: 1, FakeModel())
    with pytest.raises(ValueError) as theirs:
        _run(keras.callbacks, lambda epoch: 1, keras_model())
    assert (
        str(ours.value)
        == str(theirs.value)
        == "The output of the `schedule` function should be a float. Got: 1"
    )


def test_optimizer_without_learning_rate_is_rejected():
    model = FakeModel()
    model.optimizer = object()
    with pytest.raises(ValueError, match='Optimizer must have a "learning_rate" attribute.'):
        drive_epochs(callbacks.LearningRateScheduler(_one_argument), model, [{"loss": 1.0}])


def test_verbose_messages_match_keras(capsys):
    def run_verbose(module, model):
        callback = module.LearningRateScheduler(_two_argument, verbose=1)
        drive_epochs(callback, model, [{"loss": 1.0}] * 3)

    run_verbose(callbacks, FakeModel(learning_rate=0.01))
    ours = capsys.readouterr().out
    run_verbose(keras.callbacks, keras_model(learning_rate=0.01))
    theirs = capsys.readouterr().out
    assert ours == theirs
    assert ours.startswith(
        "\nEpoch 1: LearningRateScheduler setting learning rate to 0.009999999776482582.\n"
    )
