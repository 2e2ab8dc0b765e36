"""`BackupAndRestore`: a `fit` that is interrupted picks up where its last backup left it."""

import os
import shutil

from kerasish.callbacks.callback import Callback
from kerasish.saving.serialization import keras_export
from kerasish.training.data_adapters import DataPosition


@keras_export("keras.callbacks")
class BackupAndRestore(Callback):
    """Backs up the training state during `fit`; the next `fit` restores it and continues.

    As Keras 3's, with these differences, all of them kerasish checkpoints' doing: the backup
    is an orbax checkpoint of the whole training state (weights, optimizer and metric state,
    seed generators, the epoch, the batch within it and the shuffle seed), so a run resumed
    from a backup made every N batches continues at the next batch, not at the start of the
    epoch, and ends with the same weights as a run never interrupted (bit for bit on CPU).
    Backups are written in the background; a run killed while writing one restarts from the
    one before. A damaged backup raises `CorruptCheckpointError` (an `OSError`).

    Example:
    >>> import tempfile
    >>> backup = kerasish.callbacks.BackupAndRestore(tempfile.mkdtemp())
    >>> model = kerasish.Sequential([kerasish.Input((4,)), kerasish.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> x, y = np.ones((8, 4), "float32"), np.zeros((8, 1), "float32")
    >>> class Interrupt(kerasish.callbacks.Callback):
    ...     def on_epoch_begin(self, epoch, logs=None):
    ...         if epoch == 2:
    ...             raise RuntimeError("Interrupting!")
    >>> try:
    ...     model.fit(x, y, epochs=5, callbacks=[backup, Interrupt()], verbose=0)
    ... except RuntimeError:
    ...     pass
    >>> len(model.fit(x, y, epochs=5, callbacks=[backup], verbose=0).history["loss"])
    3

    Arguments:
        backup_dir: where the backups go; used by this callback alone.
        save_freq: ``"epoch"`` to back up at the end of each epoch, an integer N to back up
            every N batches, or False for never.
        double_checkpoint: keep the previous backup too, and restore it when the latest one
            cannot be read.
        delete_checkpoint: delete ``backup_dir`` when `fit` ends without an error.
    """

    def __init__(
        self,
        backup_dir,
        save_freq="epoch",
        double_checkpoint=False,
        delete_checkpoint=True,
    ):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(
                "Invalid value for argument `save_freq`. "
                f"Received: save_freq={save_freq}. "
                "Expected either 'epoch' or an integer value."
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._checkpointer = None
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        if save_freq != "epoch" and save_freq is not False:
            # Set on the instance, not the class: `fit` runs batch hooks only for callbacks
            # that have one, and backing up by epoch needs none.
            self.on_train_batch_end = self._save_on_batch

    def on_train_begin(self, logs=None):
        # orbax loads on first use, not with `kerasish.callbacks`.
        from kerasish.saving.checkpointer import Checkpointer

        model = self.model
        if not model.built:
            raise ValueError(
                "To use the BackupAndRestore callback, you model must be built before you call "
                f"`fit()`. Model {model} is unbuilt. You can build it beforehand by calling it "
                "on a batch of data."
            )
        if self._checkpointer is not None:  # from an earlier `fit` that did not end
            self._checkpointer.close()
        self._checkpointer = Checkpointer(
            self.backup_dir, max_to_keep=2 if self.double_checkpoint else 1
        )
        self._restore(model)

    def _restore(self, model):
        steps = self._checkpointer.all_steps()
        if not steps:
            return
        try:
            restored = self._checkpointer.restore(model, steps[-1])
        except OSError:
            if not (self.double_checkpoint and len(steps) > 1):
                raise
            restored = self._checkpointer.restore(model, steps[-2])
            # As Keras puts its previous backup in the damaged one's place: backups go on
            # from the one restored.
            self._checkpointer.delete(steps[-1])
        position = restored["position"]
        if position is not None:
            model._resume_position = DataPosition(**position)
            # Count batches towards `save_freq` from where the epoch resumes.
            self._last_batch_seen = max(position["batch"] - 1, 0)

    def on_epoch_end(self, epoch, logs=None):
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save()

    def _save_on_batch(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save()

    def _should_save_on_batch(self, batch):
        """Counts batches (``batch`` is the last index of a step group); whether N have passed."""
        if batch <= self._last_batch_seen:  # a new epoch: batch indices start again from 0
            self._batches_seen_since_last_saving += batch + 1
        else:
            self._batches_seen_since_last_saving += batch - self._last_batch_seen
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _save(self):
        model = self.model  # synced with the running `fit`
        # The step is the number of batches trained; when none were since the last backup,
        # orbax declines to save the same step again.
        self._checkpointer.save(model._data_position.step, model)

    def on_train_end(self, logs=None):
        self._checkpointer.close()
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
