"""`ReduceLROnPlateau`: divides the learning rate when a monitored value stops improving."""

import warnings

import numpy as np

from kerasish.callbacks._logs import add_learning_rates, learning_rate_of
from kerasish.callbacks.monitor_callback import MonitorCallback
from kerasish.saving.serialization import keras_export
from kerasish.utils.io_utils import print_msg


@keras_export("keras.callbacks")
class ReduceLROnPlateau(MonitorCallback):
    """Multiplies ``model.optimizer.learning_rate`` by ``factor`` after ``patience`` flat epochs.

    Each epoch end also records the current rate as ``logs["learning_rate"]`` (before any
    reduction), so `History` and later callbacks see it.

    Example:
    >>> reduce_lr = kerasish.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5)
    >>> # model.fit(x, y, validation_split=0.2, callbacks=[reduce_lr])

    Arguments:
        monitor: the log name to watch.
        factor: ``new_lr = lr * factor``; must be below 1.
        patience: epochs without improvement before reducing.
        verbose: 1 prints each reduction.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (inferred from the metric's name).
        min_delta: the smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the learning rate never goes below this.
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
        **kwargs,
    ):
        # Keras accepts and ignores extra keyword arguments (Keras 2's `epsilon`, ...).
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}"
            )
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        add_learning_rates(logs, self.model.optimizer)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(logs)}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce(epoch):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def _reduce(self, epoch):
        """Reduces every (inner) optimizer's rate; whether any of them changed."""
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            changed = [
                self._reduce_optimizer(inner, epoch, inner.name) for inner in optimizer.optimizers
            ]
            return any(changed)
        return self._reduce_optimizer(optimizer, epoch)

    def _reduce_optimizer(self, optimizer, epoch, name=""):
        old_lr = learning_rate_of(optimizer)
        # Compared in float32, as the optimizer stores its rate.
        if not old_lr > np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            name_text = f" {name}" if name else ""
            print_msg(
                f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing{name_text} learning rate to {new_lr}."
            )
        return True
