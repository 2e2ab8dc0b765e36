"""`OrbaxCheckpoint`: Keras 3.15's orbax callback, over kerasish's checked `Checkpointer`."""

import json
import warnings

from kerasish.callbacks.monitor_callback import MonitorCallback
from kerasish.saving.serialization import keras_export, serialize_keras_object
from kerasish.utils.io_utils import print_msg

MODEL_CONFIG_KEY = "model_config"


@keras_export("keras.callbacks")
class OrbaxCheckpoint(MonitorCallback):
    """Saves the model's whole training state with orbax while `fit` runs.

    Each save is a step of a `kerasish.saving.Checkpointer` directory: weights, optimizer and
    metric state, written in the background (``save_on_background``), with digests checked
    when restored and never replacing a good step with a partial one. Unless
    ``save_weights_only``, the model's config is stored too, so
    ``kerasish.models.load_model(directory)`` rebuilds the model from the latest step;
    ``model.load_weights(directory)`` restores into an existing model.

    Example:
    >>> callback = kerasish.callbacks.OrbaxCheckpoint(
    ...     "/tmp/ckpt", monitor="val_loss", save_best_only=True)
    >>> # model.fit(x, y, validation_split=0.2, epochs=10, callbacks=[callback])

    Arguments:
        directory: where the steps are written.
        monitor, mode, initial_value_threshold: the quantity that decides "best" with
            ``save_best_only``, as in `ModelCheckpoint`.
        verbose: 1 prints each save.
        save_best_only: save only when ``monitor`` improves.
        save_freq: ``"epoch"`` (the step is the epoch) or an integer number of batches (the
            step is the number of batches trained).
        max_to_keep: how many recent steps to keep (None: all).
        save_on_background: write asynchronously (training goes on meanwhile).
        save_weights_only: leave the model config out (`load_model` then refuses the directory).
    """

    def __init__(
        self,
        directory,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
        max_to_keep=1,
        save_on_background=True,
        save_weights_only=False,
    ):
        from kerasish.saving.checkpointer import Checkpointer

        super().__init__(monitor, mode, initial_value_threshold)
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(
                f"Unrecognized save_freq: {save_freq}. Expected save_freq are 'epoch' or "
                "integer values"
            )
        self.directory = directory
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_freq = save_freq
        self.max_to_keep = max_to_keep
        self.save_on_background = save_on_background
        self.save_weights_only = save_weights_only
        self._batches_since_save = 0
        self._total_batches_seen = 0
        self.checkpointer = Checkpointer(
            directory, max_to_keep=max_to_keep, async_save=save_on_background
        )

    def set_model(self, model):
        super().set_model(model)
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None and getattr(optimizer, "built", False):
            self._total_batches_seen = int(optimizer.iterations.numpy())

    def _improved(self, logs, where):
        if not self.save_best_only:
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(
                f"Can save best model only with {self.monitor} available, skipping save at "
                f"{where}.",
                stacklevel=2,
            )
            return False
        if not self._is_improvement(current, self.best):
            return False
        self.best = current
        return True

    def _save(self, step):
        metadata = {}
        if not self.save_weights_only:
            metadata[MODEL_CONFIG_KEY] = json.dumps(serialize_keras_object(self.model))
        self.checkpointer.save(step, self.model, metadata=metadata, force=True)
        if self.verbose:
            print_msg(f"OrbaxCheckpoint: saving step {step} to {self.directory}")

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._total_batches_seen += 1
        self._batches_since_save += 1
        if self._batches_since_save < self.save_freq:
            return
        self._batches_since_save = 0
        if self._improved(logs, f"batch {batch}"):
            self._save(self._total_batches_seen)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch" and self._improved(logs, f"epoch {epoch}"):
            self._save(epoch)

    def on_train_end(self, logs=None):
        self.checkpointer.wait_until_finished()

    def wait_until_finished(self):
        """Blocks until every background save has been written."""
        self.checkpointer.wait_until_finished()
