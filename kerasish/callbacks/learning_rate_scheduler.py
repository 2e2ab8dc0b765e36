"""`LearningRateScheduler`: sets the learning rate from ``schedule`` at each epoch start."""

import numpy as np

from kerasish.callbacks._logs import add_learning_rates, learning_rate_of
from kerasish.callbacks.callback import Callback
from kerasish.saving.serialization import keras_export
from kerasish.utils.io_utils import print_msg


@keras_export("keras.callbacks")
class LearningRateScheduler(Callback):
    """Calls ``schedule(epoch, lr)`` (or ``schedule(epoch)``) and sets the optimizer's rate.

    Each epoch end records the rate in ``logs["learning_rate"]``.

    Example:
    >>> def schedule(epoch, lr):
    ...     return lr if epoch < 10 else lr * 0.9
    >>> callback = kerasish.callbacks.LearningRateScheduler(schedule)

    Arguments:
        schedule: a function of the epoch index (from 0) and the current rate (a float) that
            returns the new rate as a float; a one-argument ``schedule(epoch)`` also works.
        verbose: 1 prints the rate set at each epoch.
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def _update_optimizer_lr(self, optimizer, epoch):
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            learning_rate = self.schedule(epoch, learning_rate_of(optimizer))
        except TypeError:
            # A one-argument schedule (the older form); Keras falls back on any TypeError.
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.float32, np.float64)):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {learning_rate}"
            )
        optimizer.learning_rate = learning_rate
        return learning_rate

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            for inner in optimizer.optimizers:
                learning_rate = self._update_optimizer_lr(inner, epoch)
                if self.verbose > 0:
                    print_msg(
                        f"\nEpoch {epoch + 1}: LearningRateScheduler setting {inner.name} "
                        f"learning rate to {learning_rate}."
                    )
        else:
            learning_rate = self._update_optimizer_lr(optimizer, epoch)
            if self.verbose > 0:
                print_msg(
                    f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {learning_rate}."
                )

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            add_learning_rates(logs, self.model.optimizer)
