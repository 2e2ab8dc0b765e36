"""`ModelCheckpoint`: saves the model or its weights during `fit`."""

import os
import warnings

import numpy as np

from kerasish.callbacks._logs import pythonify_logs
from kerasish.callbacks.monitor_callback import MonitorCallback
from kerasish.saving.serialization import keras_export
from kerasish.utils.io_utils import print_msg


@keras_export("keras.callbacks")
class ModelCheckpoint(MonitorCallback):
    """Calls ``model.save(path)`` or ``model.save_weights(path)`` each epoch or every N batches.

    ``filepath`` may hold format fields filled from ``epoch`` (counted from 1), ``batch`` (from 1,
    when saving by batch) and the logs: ``"ckpt-{epoch:02d}-{val_loss:.2f}.keras"``.

    Example:
    >>> checkpoint = kerasish.callbacks.ModelCheckpoint(
    ...     "best.weights.h5", save_weights_only=True, monitor="val_accuracy", mode="max",
    ...     save_best_only=True)
    >>> kerasish.callbacks.ModelCheckpoint("model.npz")
    Traceback (most recent call last):
    ...
    ValueError: The filepath provided must end in `.keras` (Keras model format). Received: filepath=model.npz

    Arguments:
        filepath: where to save; must end in ``.weights.h5`` with ``save_weights_only=True``, and
            in ``.keras`` otherwise (Keras's legacy ``.h5`` passes this check, as in Keras, but
            `Model.save` refuses to write it). Each file is written beside its target and
            moved into place once complete, so a run killed mid-save keeps the previous file.
        monitor: the log name that decides "best".
        verbose: 1 prints each decision.
        save_best_only: save only when ``monitor`` improves on the best value so far.
        save_weights_only: save the weights only, not the whole model.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (inferred from the metric's name).
        save_freq: ``"epoch"``, or an integer N to save every N training batches (with
            ``steps_per_execution=K``, checked every K batches).
        initial_value_threshold: the "best" value to beat before the first save, with
            ``save_best_only``.
    """

    def __init__(
        self,
        filepath,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        save_weights_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
    ):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath) if isinstance(filepath, os.PathLike) else filepath
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(
                f"Unrecognized save_freq: {save_freq}. Expected save_freq are 'epoch' or integer values"
            )
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError(
                    "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided "
                    "must end in `.weights.h5` (Keras weights format). Received: "
                    f"filepath={self.filepath}"
                )
        elif not self.filepath.endswith((".keras", ".h5")):
            raise ValueError(
                "The filepath provided must end in `.keras` (Keras model format). Received: "
                f"filepath={self.filepath}"
            )

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            # Batch logs are device arrays; read them only when a save is due.
            self._save_model(epoch=self._current_epoch, batch=batch, logs=pythonify_logs(logs))

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            # As in Keras, even without `save_best_only`: an unknown direction raises here.
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    def _should_save_on_batch(self, batch):
        """Counts batches (``batch`` is the last index of a step group); whether N have passed."""
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            seen = batch + 1  # a new epoch: batch indices start again from 0
        else:
            seen = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += seen
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save_model(self, epoch, batch, logs, filepath):
        logs = logs or {}
        if not self.save_best_only:
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=2)
            return True
        if np.ndim(current) > 0 and hasattr(current, "shape"):
            warnings.warn(
                "Can save best model only when `monitor` is a scalar value. Received: "
                f"{current}. Falling back to `save_best_only=False`."
            )
            return True
        if self.monitor_op is None:
            # A save due on a batch before the first epoch end (where Keras would fail).
            self._set_monitor_op()
        best_text = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print_msg(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_text} to "
                    f"{current:.5f}, saving model to {filepath}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_text}")
        return False

    def _save_model(self, epoch, batch, logs):
        filepath = self._get_file_path(epoch, batch, logs)
        try:
            if not self._should_save_model(epoch, batch, logs, filepath):
                return
            directory = os.path.dirname(filepath)
            if directory and not os.path.exists(directory):
                os.makedirs(directory)
            if self.save_weights_only:
                self.model.save_weights(filepath, overwrite=True)
            else:
                self.model.save(filepath, overwrite=True)
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")
        except IsADirectoryError as error:
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an "
                f"existing directory: {filepath}"
            ) from error
        except OSError as error:
            if "is a directory" in str(error.args[0] if error.args else error).lower():
                raise OSError(
                    "Please specify a non-directory filepath for ModelCheckpoint. Filepath used is "
                    f"an existing directory: {filepath}"
                ) from error
            raise

    def _get_file_path(self, epoch, batch, logs):
        """``filepath`` with its format fields filled (``epoch`` and ``batch`` count from 1)."""
        logs = logs or {}
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as error:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {error}'
            ) from error
