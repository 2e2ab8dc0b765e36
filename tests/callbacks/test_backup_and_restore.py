"""`BackupAndRestore`: Keras 3's semantics on kerasish checkpoints, plus mid-epoch exact resume."""

import doctest
import os

import jax
import keras as keras3
import numpy as np
import pytest

import kerasish as keras
from kerasish.callbacks import BackupAndRestore, CallbackList
from kerasish.saving.integrity import CorruptCheckpointError

# A restore that orbax aborts (truncated file) leaves coroutines that Python reports when it
# collects them, in whichever test runs then.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(autouse=True)
def _fast_compilation():
    """Each test compiles a few tiny train steps once: XLA's optimizations cost more than
    they save. Every run compared in a test compiles under the same setting."""
    previous = jax.config.read("jax_disable_most_optimizations")
    jax.config.update("jax_disable_most_optimizations", True)
    yield
    jax.config.update("jax_disable_most_optimizations", previous)


DATA = np.random.default_rng(0)
X = DATA.standard_normal((40, 4)).astype("float32")
Y = (X @ DATA.standard_normal((4, 1))).astype("float32")


def model_for(library, seed=0):
    library.utils.set_random_seed(seed)
    model = library.Sequential(
        [
            library.Input((4,)),
            library.layers.Dense(8, activation="relu"),
            library.layers.Dropout(0.25),
            library.layers.Dense(1),
        ]
    )
    model.compile(library.optimizers.Adam(0.01), "mse", metrics=["mae"])
    return model


def interrupt_at(library, epoch=None, batches=None):
    """A callback that raises at the start of ``epoch`` or after ``batches`` training batches."""

    class Interrupt(library.callbacks.Callback):
        seen = 0

        def on_epoch_begin(self, index, logs=None):
            if index == epoch:
                raise RuntimeError("Interrupting!")

        def on_train_batch_end(self, batch, logs=None):
            self.seen += 1
            if self.seen == batches:
                raise RuntimeError("Interrupting!")

    return Interrupt()


def test_resume_mid_epoch_is_exact(tmp_path):
    """Killed after 13 batches (5 per epoch), backed up every 3: the rerun, from another seed,
    starts at epoch 2, batch 2 and matches the run never interrupted, metrics included."""
    reference = model_for(keras)
    expected = reference.fit(X, Y, batch_size=8, epochs=4, verbose=0).history
    fit_args = {"x": X, "y": Y, "batch_size": 8, "epochs": 4, "verbose": 0}
    backup_dir = tmp_path / "backup"
    backup = BackupAndRestore(backup_dir, save_freq=3)
    with pytest.raises(RuntimeError, match="Interrupting!"):
        model_for(keras).fit(**fit_args, callbacks=[backup, interrupt_at(keras, batches=13)])
    resumed = model_for(keras, seed=1)
    starts = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: starts.append((epoch, resumed._data_position.batch))
    )
    history = resumed.fit(**fit_args, callbacks=[BackupAndRestore(backup_dir, save_freq=3), record])
    assert starts == [(2, 2), (3, 0)]
    assert history.history == {name: values[2:] for name, values in expected.items()}
    for a, b in zip(
        reference.variables + reference.optimizer.variables,
        resumed.variables + resumed.optimizer.variables,
        strict=True,
    ):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not backup_dir.exists()  # deleted when `fit` ended (`delete_checkpoint=True`)


def _truncate_latest(backup_dir):
    latest = str(max(int(name) for name in os.listdir(backup_dir)))
    files = [
        os.path.join(root, name)
        for root, _, names in os.walk(os.path.join(backup_dir, latest, "state"))
        for name in names
    ]
    with open(max(files, key=os.path.getsize), "r+b") as file:
        file.truncate(10)


def test_damaged_latest_backup(tmp_path):
    """Without `double_checkpoint` a damaged backup is an error; with it, the one before is
    restored (as Keras falls back to its ``.bkp`` files)."""
    model_for(keras).fit(
        X,
        Y,
        epochs=3,
        verbose=0,
        callbacks=[BackupAndRestore(tmp_path, double_checkpoint=True, delete_checkpoint=False)],
    )
    assert sorted(os.listdir(tmp_path)) == ["4", "6"]  # two batches per epoch; two backups
    _truncate_latest(tmp_path)
    with pytest.raises(CorruptCheckpointError, match="step 6 in .* could not be read"):
        model_for(keras).fit(X, Y, epochs=4, verbose=0, callbacks=[BackupAndRestore(tmp_path)])
    fallback = BackupAndRestore(tmp_path, double_checkpoint=True, delete_checkpoint=False)
    history = model_for(keras).fit(X, Y, epochs=4, verbose=0, callbacks=[fallback])
    assert len(history.history["loss"]) == 2  # from the backup after epoch 2 of 4
    assert sorted(os.listdir(tmp_path)) == ["6", "8"]  # the damaged step 6 was written again


def test_batch_hooks_only_when_saving_by_batch(tmp_path):
    assert not CallbackList([BackupAndRestore(tmp_path)]).wants_batch_hooks("train")
    assert CallbackList([BackupAndRestore(tmp_path, save_freq=2)]).wants_batch_hooks("train")
    assert not CallbackList([BackupAndRestore(tmp_path, save_freq=False)]).wants_batch_hooks(
        "train"
    )


@pytest.mark.parametrize(
    "kwargs", [{"backup_dir": ""}, {"backup_dir": "dir", "save_freq": "batch"}]
)
def test_argument_errors_as_keras(kwargs):
    with pytest.raises(ValueError) as theirs:
        keras3.callbacks.BackupAndRestore(**kwargs)
    with pytest.raises(ValueError) as ours:
        BackupAndRestore(**kwargs)
    assert str(ours.value) == str(theirs.value)


def test_docstring_example_resumes_as_keras(tmp_path):
    """The example runs 3 of 5 epochs after the interruption at epoch 2, and so does Keras."""
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(BackupAndRestore, globs={"kerasish": keras, "np": np}):
        runner.run(test)
    assert runner.failures == 0 and runner.tries > 0

    model = model_for(keras3)
    fit_args = {"x": X, "y": Y, "epochs": 5, "verbose": 0}
    backup = keras3.callbacks.BackupAndRestore(tmp_path / "keras")
    with pytest.raises(RuntimeError, match="Interrupting!"):
        model.fit(**fit_args, callbacks=[backup, interrupt_at(keras3, epoch=2)])
    assert len(model.fit(**fit_args, callbacks=[backup]).history["loss"]) == 3
    assert not (tmp_path / "keras").exists()
