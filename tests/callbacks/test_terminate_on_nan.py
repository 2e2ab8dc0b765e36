"""`TerminateOnNaN` on device-array batch logs, against `keras.callbacks.TerminateOnNaN`."""

import jax.numpy as jnp
import keras
import numpy as np
import pytest
from callback_fakes import FakeModel, keras_model

from kerasish import callbacks


def _drive(callback, model, losses, as_device_arrays):
    callback.set_model(model)
    model.stop_training = False
    seen = 0
    for batch, loss in enumerate(losses):
        logs = {"loss": jnp.float32(loss) if as_device_arrays else float(loss)}
        callback.on_train_batch_begin(batch)
        callback.on_train_batch_end(batch, logs)
        seen += 1
        if model.stop_training:
            break
    return seen


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_stops_at_the_first_invalid_loss_like_keras(capsys, bad):
    losses = [1.0, 0.5, bad, 0.1]
    ours = _drive(callbacks.TerminateOnNaN(), FakeModel(), losses, as_device_arrays=True)
    our_output = capsys.readouterr().out
    theirs = _drive(keras.callbacks.TerminateOnNaN(), keras_model(), losses, as_device_arrays=False)
    assert ours == theirs == 3
    assert our_output == capsys.readouterr().out == "Batch 2: Invalid loss, terminating training\n"


def test_finite_losses_and_missing_loss_do_nothing():
    model = FakeModel()
    assert _drive(callbacks.TerminateOnNaN(), model, [1.0, 2.0, 1e30], as_device_arrays=True) == 3
    callback = callbacks.TerminateOnNaN()
    callback.set_model(model)
    callback.on_train_batch_end(0, {"accuracy": jnp.float32(np.nan)})
    callback.on_train_batch_end(1, None)
    assert not model.stop_training


def test_raise_error_matches_keras():
    with pytest.raises(RuntimeError) as ours:
        _drive(callbacks.TerminateOnNaN(raise_error=True), FakeModel(), [1.0, np.nan], True)
    with pytest.raises(RuntimeError) as theirs:
        _drive(
            keras.callbacks.TerminateOnNaN(raise_error=True), keras_model(), [1.0, np.nan], False
        )
    assert str(ours.value) == str(theirs.value)
    assert str(ours.value) == (
        "NaN or Inf loss encountered at batch 1. Loss value: nan. Terminating training immediately."
    )


def test_is_seen_as_a_batch_callback():
    assert callbacks.CallbackList([callbacks.TerminateOnNaN()]).wants_batch_hooks("train")
