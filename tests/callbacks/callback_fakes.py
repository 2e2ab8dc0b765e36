"""A stand-in model for driving callbacks, and the same drive for Keras's callbacks.

`FakeModel` has what callbacks touch: ``stop_training``, ``optimizer.learning_rate`` (stored
in float32, as an optimizer variable stores it), ``get_weights``/``set_weights``, and
``save``/``save_weights`` that only record their calls. Its single weight holds the number of
the epoch it was set at, so a restored weight tells which epoch it came from.
"""

import os

import keras
import numpy as np


class FakeOptimizer:
    def __init__(self, learning_rate=0.01, name="sgd"):
        self.name = name
        self._learning_rate = np.float32(learning_rate)
        self.iterations = 0

    @property
    def learning_rate(self):
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = np.float32(value)


class FakeMetric:
    def __init__(self, name, direction=None):
        self.name = name
        if direction is not None:
            self._direction = direction


class FakeCompileMetrics:
    def __init__(self, metrics):
        self.metrics = metrics


class FakeModel:
    def __init__(self, learning_rate=0.01, metrics=()):
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)
        self._compile_metrics = FakeCompileMetrics(list(metrics))
        self.metrics = [FakeMetric("loss"), *metrics]
        self._weights = [np.zeros((1, 1), np.float32), np.zeros((1,), np.float32)]
        self.saved = []
        self.set_weights_calls = 0

    def get_weights(self):
        return [w.copy() for w in self._weights]

    def set_weights(self, weights):
        self.set_weights_calls += 1
        self._weights = [np.array(w) for w in weights]

    def save(self, filepath, overwrite=True):
        self.saved.append(("save", filepath))

    def save_weights(self, filepath, overwrite=True):
        self.saved.append(("save_weights", filepath))


class RecordingKerasModel(keras.Sequential):
    """A Keras model whose ``save``/``save_weights`` record instead of writing files."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.saved = []

    def save(self, filepath, overwrite=True, **kwargs):
        self.saved.append(("save", os.fspath(filepath)))

    def save_weights(self, filepath, overwrite=True, **kwargs):
        self.saved.append(("save_weights", os.fspath(filepath)))


def keras_model(learning_rate=0.01, metrics=None):
    """A compiled one-weight Keras model (Keras's callbacks need a real one)."""
    model = RecordingKerasModel([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse", metrics=metrics)
    if metrics:
        # Builds the compiled metrics, whose direction "auto" mode reads.
        model.evaluate(np.zeros((2, 1)), np.zeros((2, 1)), verbose=0)
    return model


def set_epoch_weights(model, epoch):
    model.set_weights([np.full((1, 1), epoch, np.float32), np.full((1,), epoch, np.float32)])


def weights_epoch(model):
    return int(np.asarray(model.get_weights()[0]).reshape(()))


def drive_epochs(callback, model, epoch_logs, batch_logs=None):
    """Runs ``callback`` through a `fit` of ``len(epoch_logs)`` epochs, as `fit` calls it.

    The model's weights are set to the epoch number before each epoch end. Returns the epochs
    that ran, the logs after each epoch end (as the callback left them) and the learning rate
    after each epoch.
    """
    callback.set_model(model)
    callback.set_params({"epochs": len(epoch_logs), "verbose": 0, "steps": 1})
    model.stop_training = False
    callback.on_train_begin()
    ran, logs_seen, rates = [], [], []
    for epoch, logs in enumerate(epoch_logs):
        callback.on_epoch_begin(epoch)
        for batch, logs_of_batch in enumerate(batch_logs or []):
            callback.on_train_batch_begin(batch)
            callback.on_train_batch_end(batch, logs_of_batch)
        set_epoch_weights(model, epoch)
        logs = dict(logs)
        callback.on_epoch_end(epoch, logs)
        ran.append(epoch)
        logs_seen.append(logs)
        rate = getattr(model.optimizer, "learning_rate", None)
        rates.append(None if rate is None else float(np.asarray(rate)))
        if model.stop_training:
            break
    callback.on_train_end()
    return ran, logs_seen, rates
