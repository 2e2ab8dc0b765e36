"""Trains a small model (shuffle, Dropout, BatchNormalization, Adam) with `BackupAndRestore`;
the exact-resume test runs it in a subprocess and kills it with SIGKILL.

Usage: python resume_runner.py BACKUP_DIR SEED PAUSE_SECONDS

Prints ``start EPOCH BATCH`` at the first batch it trains and ``batch EPOCH BATCH`` after
each. The data never depends on SEED; the initial weights, the dropout seeds and the shuffle
seed do. `train` is the same run in the calling process (BACKUP_DIR None: no backups).
"""

import sys
import time

import numpy as np

import kerasish as keras

EPOCHS, BATCH_SIZE, SAVE_EVERY = 3, 8, 5


class Progress(keras.callbacks.Callback):
    def __init__(self, pause):
        super().__init__()
        self.pause = pause
        self.epoch = None
        self.started = False

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if not self.started:
            print(f"start {self.epoch} {batch}", flush=True)
            self.started = True
        time.sleep(self.pause)

    def on_train_batch_end(self, batch, logs=None):
        print(f"batch {self.epoch} {batch}", flush=True)


def train(backup_dir, seed, pause=0.0):
    """Runs the `fit`; returns every variable and optimizer variable as numpy arrays."""
    keras.utils.set_random_seed(seed)
    data = np.random.default_rng(0)
    x = data.standard_normal((96, 8)).astype("float32")
    y = (x @ data.standard_normal((8, 1)) + 0.1).astype("float32")
    model = keras.Sequential(
        [
            keras.Input((8,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.BatchNormalization(),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(1),
        ]
    )
    model.compile(keras.optimizers.Adam(0.01), "mse", metrics=["mae"])
    callbacks = [Progress(pause)]
    if backup_dir is not None:
        callbacks.insert(0, keras.callbacks.BackupAndRestore(backup_dir, save_freq=SAVE_EVERY))
    model.fit(
        x, y, epochs=EPOCHS, batch_size=BATCH_SIZE, shuffle=True, callbacks=callbacks, verbose=0
    )
    return [v.numpy() for v in model.variables + model.optimizer.variables]


if __name__ == "__main__":
    train(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
