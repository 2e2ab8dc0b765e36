"""`EarlyStopping`: stops `fit` when a monitored value stops improving."""

import warnings

from kerasish.callbacks.monitor_callback import MonitorCallback
from kerasish.saving.serialization import keras_export
from kerasish.utils.io_utils import print_msg


@keras_export("keras.callbacks")
class EarlyStopping(MonitorCallback):
    """Sets ``model.stop_training`` once ``monitor`` has not improved for ``patience`` epochs.

    Example:
    >>> callback = kerasish.callbacks.EarlyStopping(monitor="loss", patience=3)
    >>> # model.fit(x, y, epochs=100, callbacks=[callback]) stops after 3 epochs without a
    >>> # new lowest loss (and never at epoch 0).

    Arguments:
        monitor: the log name to watch. Defaults to ``"val_loss"``.
        min_delta: a change smaller than this (in absolute value) is no improvement.
        patience: epochs without improvement before stopping.
        verbose: 1 prints when training stops and when weights are restored.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (inferred from the metric's name).
        baseline: a value the monitored quantity must beat; until it does, ``wait`` keeps
            counting even on improvements, so training stops after ``patience`` epochs.
        restore_best_weights: at the end of training, set the weights of the best epoch
            (the first monitored epoch's if none improved), whatever the ``baseline``.
        start_from_epoch: epochs of warm-up during which nothing is monitored.

    Attributes:
        stopped_epoch: the epoch at which training was stopped (0 if it was not).
        best, best_epoch, best_weights, wait: the state of the current `fit`.
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        # One instance may serve several `fit` calls.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            # The direction of a compiled metric is known only once the metrics are built.
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch

        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Patience restarts only when the value beats both the previous best and the baseline.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return

        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg(
                    f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs)}",
                stacklevel=2,
            )
        return value
