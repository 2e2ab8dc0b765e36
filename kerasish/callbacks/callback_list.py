"""`CallbackList`: calls every callback's hook in order; skips batch hooks nobody overrides."""

from kerasish.callbacks.callback import Callback
from kerasish.callbacks.history import History
from kerasish.callbacks.progbar_logger import ProgbarLogger
from kerasish.saving.serialization import keras_export

_BATCH_HOOKS = {
    "train": ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end"),
    "test": ("on_test_batch_begin", "on_test_batch_end"),
    "predict": ("on_predict_batch_begin", "on_predict_batch_end"),
}


@keras_export("keras.callbacks")
class CallbackList(Callback):
    """A container of callbacks, adding `History` and `ProgbarLogger` as `fit` does."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        self.callbacks = list(callbacks or [])
        if add_history and not any(isinstance(c, History) for c in self.callbacks):
            self._history = History()
            self.callbacks.append(self._history)
        else:
            self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def set_params(self, params):
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        self._model = model
        for callback in self.callbacks:
            callback.set_model(model)

    def append(self, callback):
        self.callbacks.append(callback)

    def wants_batch_hooks(self, mode):
        """Whether any callback overrides a batch hook of ``mode`` ("train", "test", "predict")."""
        return any(
            getattr(type(callback), hook) is not getattr(Callback, hook)
            for callback in self.callbacks
            for hook in _BATCH_HOOKS[mode]
        )


def _hook(name):
    def method(self, *args, **kwargs):
        for callback in self.callbacks:
            getattr(callback, name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in (
    "on_epoch_begin", "on_epoch_end", "on_train_batch_begin", "on_train_batch_end",
    "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end",
    "on_train_begin", "on_train_end", "on_test_begin", "on_test_end", "on_predict_begin",
    "on_predict_end",
):
    setattr(CallbackList, _name, _hook(_name))
