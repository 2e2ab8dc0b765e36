"""The callbacks through a real `model.fit`, next to Keras 3's `fit` where behaviour can be compared."""

import os

import keras
import numpy as np
import pytest

import kerasish
from kerasish import callbacks

X = np.linspace(-1, 1, 32, dtype="float32").reshape(16, 2)
Y = (X @ np.array([[1.5], [-2.0]], "float32") + 0.5).astype("float32")


def _ours(learning_rate=0.1, metrics=None):
    model = kerasish.Sequential(
        [kerasish.Input((2,)), kerasish.layers.Dense(1, kernel_initializer="zeros")]
    )
    model.compile(optimizer=kerasish.optimizers.SGD(learning_rate), loss="mse", metrics=metrics)
    return model


def _theirs(learning_rate=0.1, metrics=None):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse", metrics=metrics)
    return model


def _fit(model, callback_list, epochs=6, **kwargs):
    return model.fit(
        X, Y, batch_size=4, epochs=epochs, verbose=0, callbacks=callback_list, **kwargs
    )


def test_history_keys_are_in_keras_order():
    kwargs = {"validation_data": (X, Y)}
    ours = _fit(_ours(metrics=["mae"]), [], epochs=1, **kwargs).history
    theirs = _fit(_theirs(metrics=["mae"]), [], epochs=1, **kwargs).history
    assert list(ours) == list(theirs)


def test_early_stopping_stops_and_restores_the_best_weights():
    seen = []
    record = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(model.get_weights())
    )
    model = _ours()
    # "max" on a falling loss: epoch 0 stays best, so training stops at epoch 2 (patience 2).
    stopper = callbacks.EarlyStopping(
        monitor="loss", mode="max", patience=2, restore_best_weights=True
    )
    history = _fit(model, [record, stopper], epochs=10)
    assert len(history.history["loss"]) == 3 and stopper.stopped_epoch == 2
    for ours, best in zip(model.get_weights(), seen[0]):
        np.testing.assert_array_equal(ours, best)


def test_early_stopping_matches_keras_on_the_same_training():
    def run(module, model):
        stopper = module.callbacks.EarlyStopping(monitor="val_loss", min_delta=0.0005, patience=2)
        history = _fit(model, [stopper], epochs=10, validation_data=(X, Y), shuffle=False)
        return len(history.history["loss"]), stopper.stopped_epoch, stopper.best_epoch

    assert run(kerasish, _ours()) == run(keras, _theirs()) == (6, 5, 3)


def test_reduce_lr_on_plateau_sets_the_optimizer_and_logs_the_rate():
    model = _ours()
    reduce = callbacks.ReduceLROnPlateau(monitor="loss", mode="max", patience=1, factor=0.5)
    history = _fit(model, [reduce], epochs=4)
    # Each epoch logs the rate it trained with; the reduction at its end shows the next epoch.
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.05, 0.025])
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(0.0125)


def test_learning_rate_scheduler_reaches_the_training_step():
    """A rate set at `on_epoch_begin` must be the rate the epoch trains with."""
    model = _ours()
    before = []
    schedule = callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 if epoch == 0 else 0.0)
    record = callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: before.append(model.get_weights())
    )
    history = _fit(model, [record, schedule], epochs=3)
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.0, 0.0])
    # Epochs 1 and 2 train at rate 0: the weights no longer move.
    for after_epoch_0, final in zip(before[1], model.get_weights()):
        np.testing.assert_array_equal(after_epoch_0, final)


def test_learning_rate_scheduler_matches_keras():
    def schedule(epoch, lr):
        return lr * 0.5

    def run(module, model):
        history = _fit(
            model, [module.callbacks.LearningRateScheduler(schedule)], epochs=3, shuffle=False
        )
        return history.history["learning_rate"], [np.asarray(w) for w in model.get_weights()]

    ours, theirs = run(kerasish, _ours()), run(keras, _theirs())
    assert ours[0] == pytest.approx(theirs[0])
    for a, b in zip(ours[1], theirs[1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_csv_logger_file_has_keras_columns(tmp_path):
    def run(module, model, name):
        path = tmp_path / name
        _fit(model, [module.callbacks.CSVLogger(path)], epochs=2, validation_data=(X, Y))
        return path.read_text().splitlines()

    ours = run(kerasish, _ours(metrics=["mae"]), "ours.csv")
    theirs = run(keras, _theirs(metrics=["mae"]), "theirs.csv")
    assert ours[0] == theirs[0] == "epoch,loss,mae,val_loss,val_mae"
    assert [line.split(",")[0] for line in ours] == [line.split(",")[0] for line in theirs]


def test_terminate_on_nan_stops_in_the_first_epoch(capsys):
    model = _ours(learning_rate=1e30)
    history = _fit(model, [callbacks.TerminateOnNaN()], epochs=5)
    assert len(history.history["loss"]) == 1
    assert "Invalid loss, terminating training" in capsys.readouterr().out


def test_model_checkpoint_calls_save_weights(tmp_path):
    model = _ours()
    checkpoint = callbacks.ModelCheckpoint(
        str(tmp_path / "w-{epoch:02d}.weights.h5"), save_weights_only=True, monitor="loss"
    )
    _fit(model, [checkpoint], epochs=2)
    assert sorted(os.listdir(tmp_path)) == ["w-01.weights.h5", "w-02.weights.h5"]


def test_tensorboard_writes_train_and_validation_scalars(tmp_path):
    from test_tensorboard import scalars

    board = callbacks.TensorBoard(tmp_path, update_freq=2, histogram_freq=1)
    _fit(_ours(), [board], epochs=2, validation_data=(X, Y))
    train, validation = scalars(tmp_path / "train"), scalars(tmp_path / "validation")
    assert [step for step, _ in train["epoch_loss"]] == [0, 1]
    assert [step for step, _ in train["batch_loss"]] == [2, 4, 6, 8]
    assert train["epoch_learning_rate"] == [(0, pytest.approx(0.1)), (1, pytest.approx(0.1))]
    assert [step for step, _ in validation["epoch_loss"]] == [0, 1]


def test_swap_ema_weights_evaluates_with_the_averages():
    model = _ours()
    model.compile(optimizer=kerasish.optimizers.SGD(0.1, use_ema=True), loss="mse")
    _fit(model, [], epochs=1)
    if not hasattr(model.optimizer, "_model_variables_moving_average"):
        pytest.skip(
            "the optimizer does not expose `_model_variables_moving_average` (Keras's name) yet"
        )
    weights = model.get_weights()
    averages = [np.asarray(v) for v in model.optimizer._model_variables_moving_average]
    swapped = model.evaluate(X, Y, verbose=0, callbacks=[callbacks.SwapEMAWeights()])
    for before, after in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(before, after)
    model.set_weights(averages)
    assert swapped == pytest.approx(model.evaluate(X, Y, verbose=0))
