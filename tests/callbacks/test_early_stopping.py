"""`EarlyStopping` against `keras.callbacks.EarlyStopping` on the same epoch logs."""

import warnings

import keras
import pytest
from callback_fakes import FakeMetric, FakeModel, drive_epochs, keras_model, weights_epoch

from kerasish import callbacks
from kerasish.metrics import BinaryAccuracy

DECREASING_THEN_FLAT = [1.0, 0.8, 0.7, 0.71, 0.72, 0.69, 0.75, 0.8, 0.9, 1.0]
NOISY = [0.5, 0.6, 0.4, 0.40005, 0.41, 0.39, 0.3999, 0.5, 0.38, 0.6, 0.7, 0.8]

SCENARIOS = [
    ({}, DECREASING_THEN_FLAT),
    ({"patience": 2}, DECREASING_THEN_FLAT),
    ({"patience": 2, "restore_best_weights": True}, DECREASING_THEN_FLAT),
    ({"patience": 1, "min_delta": 0.02, "restore_best_weights": True}, NOISY),
    ({"patience": 3, "min_delta": -0.01}, NOISY),
    ({"patience": 2, "baseline": 0.35, "restore_best_weights": True}, NOISY),
    ({"patience": 2, "baseline": 0.45}, NOISY),
    ({"patience": 0, "start_from_epoch": 3, "restore_best_weights": True}, NOISY),
    ({"patience": 2, "mode": "max", "restore_best_weights": True}, NOISY),
    ({"patience": 1, "mode": "min"}, [1.0, 1.0, 1.0]),
    # Values equal in float32 are no improvement (Keras compares with `ops.less`).
    ({"patience": 1}, [0.5, 0.5000000001, 0.4999999999, 0.4]),
    ({"patience": 50, "restore_best_weights": True}, NOISY),
]


def _run(module, kwargs, values, model):
    callback = module.EarlyStopping(**kwargs)
    logs = [{"loss": 1.0, "val_loss": value} for value in values]
    ran, _, _ = drive_epochs(callback, model, logs)
    return {
        "ran": ran,
        "stopped_epoch": callback.stopped_epoch,
        "best": None if callback.best is None else float(callback.best),
        "best_epoch": callback.best_epoch,
        "wait": callback.wait,
        "weights_epoch": weights_epoch(model),
        "stop_training": model.stop_training,
    }


@pytest.mark.parametrize("kwargs, values", SCENARIOS)
def test_stops_and_restores_like_keras(kwargs, values):
    ours = _run(callbacks, kwargs, values, FakeModel())
    theirs = _run(keras.callbacks, kwargs, values, keras_model())
    assert ours == theirs


def test_restores_weights_through_set_weights_only_when_asked():
    model = FakeModel()
    ran, _, _ = drive_epochs(
        callbacks.EarlyStopping(patience=1), model, [{"val_loss": v} for v in NOISY]
    )
    assert model.set_weights_calls == len(ran)  # only the driver's own calls
    model = FakeModel()
    drive_epochs(
        callbacks.EarlyStopping(patience=1, restore_best_weights=True), model, [{"val_loss": 1.0}]
    )
    assert weights_epoch(model) == 0


def test_is_reusable_across_fits():
    callback = callbacks.EarlyStopping(patience=1)
    model = FakeModel()
    drive_epochs(callback, model, [{"val_loss": v} for v in [1.0, 2.0, 3.0]])
    assert callback.stopped_epoch == 1
    ran, _, _ = drive_epochs(callback, model, [{"val_loss": v} for v in [1.0, 0.5, 0.25]])
    assert ran == [0, 1, 2] and callback.stopped_epoch == 0


def _warning_messages(callback, model, logs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drive_epochs(callback, model, logs)
    return [str(w.message) for w in caught if w.category is UserWarning]


def test_missing_monitor_warns_like_keras():
    logs = [{"accuracy": 0.5, "loss": 1.0}] * 3
    ours = _warning_messages(callbacks.EarlyStopping(monitor="val_loss"), FakeModel(), logs)
    theirs = _warning_messages(
        keras.callbacks.EarlyStopping(monitor="val_loss"), keras_model(), logs
    )
    assert ours == theirs
    assert ours[0] == (
        "Early stopping conditioned on metric `val_loss` which is not available. "
        "Available metrics are: accuracy,loss"
    )


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(
        UserWarning, match="EarlyStopping mode 'bigger' is unknown, fallback to auto mode."
    ):
        callback = callbacks.EarlyStopping(mode="bigger")
    assert callback.mode == "auto"


def test_auto_mode_reads_the_direction_of_a_compiled_metric_like_keras():
    values = [0.5, 0.6, 0.55, 0.54, 0.7, 0.65, 0.6]
    logs = [{"val_accuracy": v} for v in values]
    ours_model = FakeModel(metrics=[BinaryAccuracy(name="accuracy")])
    ours = callbacks.EarlyStopping(monitor="val_accuracy", patience=1)
    theirs = keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=1)
    ran_ours, _, _ = drive_epochs(ours, ours_model, logs)
    ran_theirs, _, _ = drive_epochs(theirs, keras_model(metrics=["accuracy"]), logs)
    assert ran_ours == ran_theirs == [0, 1, 2]
    assert ours.best == theirs.best == 0.6


def test_auto_mode_ignores_metrics_outside_compile():
    model = FakeModel()
    model.metrics.append(FakeMetric("accuracy", "up"))  # tracked by the model, not compiled
    with pytest.raises(ValueError) as ours:
        drive_epochs(callbacks.EarlyStopping(monitor="accuracy"), model, [{"accuracy": 1.0}])
    with pytest.raises(ValueError) as theirs:
        drive_epochs(
            keras.callbacks.EarlyStopping(monitor="accuracy"), keras_model(), [{"accuracy": 1.0}]
        )
    assert str(ours.value) == str(theirs.value)
    assert str(ours.value).startswith(
        "EarlyStopping callback received monitor=accuracy, but Keras isn't able to automatically "
        "determine whether that metric should be maximized or minimized."
    )


def test_verbose_messages_match_keras(capsys):
    logs = [{"val_loss": v} for v in DECREASING_THEN_FLAT]
    kwargs = {"patience": 1, "verbose": 1, "restore_best_weights": True}
    drive_epochs(callbacks.EarlyStopping(**kwargs), FakeModel(), logs)
    ours = capsys.readouterr().out
    drive_epochs(keras.callbacks.EarlyStopping(**kwargs), keras_model(), logs)
    theirs = capsys.readouterr().out
    assert (
        ours
        == theirs
        == ("Epoch 4: early stopping\nRestoring model weights from the end of the best epoch: 3.\n")
    )
