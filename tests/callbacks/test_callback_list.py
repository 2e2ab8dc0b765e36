"""`CallbackList` hands logs to callbacks as Keras's does; the docstring examples run."""

import doctest
import importlib

import jax.numpy as jnp
import keras
import numpy as np
import pytest
from callback_fakes import FakeModel, keras_model

import kerasish
from kerasish import callbacks


def _history_through(module, model, epoch_logs):
    history = module.History()
    hooks = module.CallbackList(
        [module.ReduceLROnPlateau(monitor="loss", patience=1), history], model=model
    )
    hooks.on_train_begin()
    for epoch, logs in enumerate(epoch_logs):
        hooks.on_epoch_begin(epoch)
        hooks.on_epoch_end(epoch, logs)
    hooks.on_train_end()
    return history.history


def test_epoch_logs_are_sorted_python_values_shared_by_all_callbacks_like_keras():
    logs = [
        {
            "loss": np.float32(1.0),
            "val_loss": jnp.float32(2.0),
            "accuracy": 0.5,
            "val_accuracy": 0.25,
        },
        {
            "loss": np.float32(1.0),
            "val_loss": jnp.float32(1.5),
            "accuracy": 0.75,
            "val_accuracy": 0.5,
        },
    ]
    ours = _history_through(callbacks, FakeModel(learning_rate=0.1), [dict(x) for x in logs])
    theirs = _history_through(
        keras.callbacks, keras_model(learning_rate=0.1), [dict(x) for x in logs]
    )
    assert (
        list(ours)
        == list(theirs)
        == ["accuracy", "loss", "val_accuracy", "val_loss", "learning_rate"]
    )
    assert ours == theirs
    assert all(type(value) is float for values in ours.values() for value in values)


def test_nested_logs_are_flattened():
    seen = []
    hooks = callbacks.CallbackList(
        [callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(logs))]
    )
    hooks.on_epoch_end(0, {"b": 1, "a": {"d": jnp.float32(2.0), "c": "text"}})
    assert list(seen[0].items()) == [("c", "text"), ("d", 2.0), ("b", 1.0)]


def test_batch_logs_pass_through_untouched():
    seen = []
    hooks = callbacks.CallbackList(
        [callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(logs))]
    )
    logs = {"loss": jnp.float32(1.0)}
    hooks.on_train_batch_end(0, logs)
    assert seen[0] is logs


def test_model_property_syncs_a_jax_trainer_state():
    class Syncing(FakeModel):
        syncs = 0

        def jax_state_sync(self):
            self.syncs += 1

    model = Syncing()
    callback = callbacks.Callback()
    callback.set_model(model)
    assert callback.model is model and model.syncs == 1


MODULES_WITH_EXAMPLES = [
    "early_stopping",
    "reduce_lr_on_plateau",
    "learning_rate_scheduler",
    "csv_logger",
    "lambda_callback",
    "terminate_on_nan",
    "model_checkpoint",
    "swap_ema_weights",
    "tensorboard",
]


@pytest.mark.parametrize("name", MODULES_WITH_EXAMPLES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(f"kerasish.callbacks.{name}")
    result = doctest.testmod(
        module, extraglobs={"kerasish": kerasish}, optionflags=doctest.ELLIPSIS
    )
    assert result.attempted > 0 and result.failed == 0
