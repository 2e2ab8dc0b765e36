"""`History`: records the epoch logs; `fit` returns it."""

from kerasish.callbacks.callback import Callback
from kerasish.saving.serialization import keras_export


@keras_export("keras.callbacks")
class History(Callback):
    """``history.history`` maps each log name to its per-epoch values; ``history.epoch`` lists epochs."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(value)
        if self.model is not None:
            self.model.history = self
