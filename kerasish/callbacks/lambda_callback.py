"""`LambdaCallback`: a callback built from plain functions."""

from kerasish.callbacks.callback import Callback
from kerasish.saving.serialization import keras_export


@keras_export("keras.callbacks")
class LambdaCallback(Callback):
    """Each function given replaces the hook of the same name, called with its arguments.

    ``on_epoch_begin``/``on_epoch_end`` get ``(epoch, logs)``, ``on_train_begin``/``on_train_end``
    get ``(logs)``, batch hooks get ``(batch, logs)``; any other hook (``on_test_end=...``) may be
    passed by name too.

    Example:
    >>> seen = []
    >>> callback = kerasish.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    >>> callback.on_epoch_end(0, {})
    >>> seen
    [0]
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
        }
        for name, function in hooks.items():
            if function is not None:
                setattr(self, name, function)
