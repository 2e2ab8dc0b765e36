"""`CallbackList`: calls every callback's hook in order; skips batch hooks nobody overrides."""

from kerasish.callbacks._logs import pythonify_logs
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
        """Whether any callback overrides a batch hook of ``mode`` ("train", "test", "predict").

        A hook counts as overridden in a subclass or on the instance (`LambdaCallback`).
        """
        return any(
            _overrides(callback, hook) for callback in self.callbacks for hook in _BATCH_HOOKS[mode]
        )


def _overrides(callback, hook):
    in_class = getattr(type(callback), hook) is not getattr(Callback, hook)
    return in_class or hook in getattr(callback, "__dict__", {})


def _batch_hook(name):
    """Batch logs go through as they are: device arrays, read only by a callback that needs them."""

    def method(self, batch, logs=None):
        for callback in self.callbacks:
            getattr(callback, name)(batch, logs=logs)

    method.__name__ = name
    return method


def _epoch_hook(name):
    """As Keras: one dict of sorted, flattened Python values, shared by all callbacks in turn."""

    def method(self, epoch, logs=None):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            getattr(callback, name)(epoch, logs)

    method.__name__ = name
    return method


def _run_hook(name):
    def method(self, logs=None):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            getattr(callback, name)(logs)

    method.__name__ = name
    return method


for _name in (
    "on_batch_begin",
    "on_batch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
):
    setattr(CallbackList, _name, _batch_hook(_name))
for _name in ("on_epoch_begin", "on_epoch_end"):
    setattr(CallbackList, _name, _epoch_hook(_name))
for _name in (
    "on_train_begin",
    "on_train_end",
    "on_test_begin",
    "on_test_end",
    "on_predict_begin",
    "on_predict_end",
):
    setattr(CallbackList, _name, _run_hook(_name))
