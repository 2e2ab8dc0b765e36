"""`ProgbarLogger`: the progress bar of `fit`/`evaluate`/`predict` (``verbose`` 1 or 2)."""

from kerasish.callbacks.callback import Callback
from kerasish.saving.serialization import keras_export
from kerasish.utils.io_utils import print_msg
from kerasish.utils.progbar import Progbar


@keras_export("keras.callbacks")
class ProgbarLogger(Callback):
    """Prints ``Epoch i/n`` and a `Progbar` per epoch (``verbose=1``) or one line (``verbose=2``)."""

    def __init__(self):
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.target = None
        self.progbar = None
        self.seen = 0

    def set_params(self, params):
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _reset(self, target=None):
        self.seen = 0
        self.progbar = None
        if target is not None:
            self.target = target

    def _bar(self):
        if self.progbar is None:
            self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step")
        return self.progbar

    def on_train_begin(self, logs=None):
        self._training = True

    def on_epoch_begin(self, epoch, logs=None):
        self._reset(self.params.get("steps") if self.params else None)
        if self.verbose and self.epochs > 1:
            print_msg(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self.seen = batch + 1
        self._bar().update(self.seen, sorted((logs or {}).items()), finalize=False)

    def on_test_begin(self, logs=None):
        if not getattr(self, "_training", False):
            self._reset(self.params.get("steps") if self.params else None)

    def on_test_batch_end(self, batch, logs=None):
        if not getattr(self, "_training", False):
            self.seen = batch + 1
            self._bar().update(self.seen, sorted((logs or {}).items()), finalize=False)

    def on_predict_begin(self, logs=None):
        self._reset(self.params.get("steps") if self.params else None)

    def on_predict_batch_end(self, batch, logs=None):
        self.seen = batch + 1
        self._bar().update(self.seen, None, finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        self._finish(logs)

    def on_test_end(self, logs=None):
        if not getattr(self, "_training", False):
            self._finish(logs)

    def on_predict_end(self, logs=None):
        self._finish(None)

    def on_train_end(self, logs=None):
        self._training = False

    def _finish(self, logs):
        if self.target is None:
            self.target = self.seen
        bar = self._bar()
        bar.target = self.target
        bar.update(self.target or self.seen, list((logs or {}).items()), finalize=True)
