"""`kerasish.saving.Checkpointer`: orbax checkpoints of the training state, verified on restore."""

import doctest
import os
import shutil
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import kerasish as keras
from kerasish.saving.checkpointer import Checkpointer
from kerasish.saving.integrity import CorruptCheckpointError, array_digest

# A restore that orbax aborts (truncated file) leaves coroutines that Python reports when it
# collects them, in whichever test runs then.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def compiled_model(seed=0, width=16):
    """Built and compiled, optimizer built: every state group but metrics, without a `fit`."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(width, activation="relu"),
            keras.layers.Dense(width),
            keras.layers.BatchNormalization(),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(2),
        ]
    )
    model.compile(keras.optimizers.Adam(0.01), "mse", metrics=["mae"])
    model.optimizer.build(model.trainable_variables)
    return model


def trained_model(seed=0):
    model = compiled_model(seed)
    data = np.random.default_rng(seed)
    x = data.standard_normal((32, 6)).astype("float32")
    model.fit(x, x[:, :2] * 2, batch_size=8, epochs=1, verbose=0)
    return model


def snapshot(model):
    return [
        v.numpy() for v in model.variables + model.optimizer.variables + model.metrics_variables
    ]


def assert_state_equal(model, expected):
    found = snapshot(model)
    assert len(found) == len(expected)
    for a, b in zip(found, expected):
        np.testing.assert_array_equal(a, b)


def test_restore_brings_back_the_whole_training_state(tmp_path):
    model = trained_model()
    saved = snapshot(model)
    with Checkpointer(tmp_path) as checkpointer:
        assert checkpointer.save(3, model, metadata={"note": "after epoch 1"})
    model.fit(np.ones((8, 6), "float32"), np.ones((8, 2), "float32"), verbose=0)
    info = Checkpointer(tmp_path).restore(model)
    assert_state_equal(model, saved)  # weights, BatchNorm stats, seed generators, Adam, metrics
    assert info["step"] == 3 and info["metadata"] == {"note": "after epoch 1"}
    assert info["position"]["epoch"] == 1 and info["position"]["step"] == 4


def test_restore_into_a_fresh_model_of_the_same_architecture(tmp_path):
    source = trained_model(seed=0)
    with Checkpointer(tmp_path, async_save=False) as checkpointer:
        checkpointer.save(1, source)
        assert checkpointer.latest_step() == 1  # synchronous: on disk when save returns
    target = compiled_model(seed=5)  # other layer names and values; metrics not built yet
    Checkpointer(tmp_path).restore(target)
    for a, b in zip(
        target.variables + target.optimizer.variables,
        source.variables + source.optimizer.variables,
        strict=True,
    ):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_steps_max_to_keep_and_save_interval(tmp_path):
    model = compiled_model()
    with Checkpointer(tmp_path, max_to_keep=2, save_interval_steps=2) as checkpointer:
        assert checkpointer.save(1, model) is True  # orbax always writes the first save
        assert checkpointer.save(3, model) is False  # not a multiple of 2
        assert checkpointer.save(4, model) is True
        assert checkpointer.save(5, model, force=True) is True
        assert checkpointer.save(4, model) is False  # not newer than the latest step
        checkpointer.wait_until_finished()
        assert checkpointer.all_steps() == [4, 5]
        assert checkpointer.latest_step() == 5


@pytest.mark.parametrize("mode, kept, best", [("min", [2, 4], 2), ("max", [1, 3], 3)])
def test_best_fn_keeps_the_best_steps(tmp_path, mode, kept, best):
    model = compiled_model()
    checkpointer = Checkpointer(
        tmp_path, max_to_keep=2, best_fn=lambda m: m["val_loss"], best_mode=mode
    )
    for step, loss in zip([1, 2, 3, 4], [0.5, 0.2, 0.9, 0.4]):
        checkpointer.save(step, model, metrics={"val_loss": loss})
    checkpointer.wait_until_finished()
    assert checkpointer.all_steps() == kept
    assert checkpointer.best_step() == best
    checkpointer.close()


def _largest_data_file(step_dir):
    files = [
        os.path.join(root, name)
        for root, _, names in os.walk(os.path.join(step_dir, "state"))
        for name in names
    ]
    return max(files, key=os.path.getsize)


def _two_steps(tmp_path):
    """Steps 1 and 2 of a model with a 256x256 kernel; returns the model and step 1's state."""
    model = compiled_model(width=256)
    with Checkpointer(tmp_path, max_to_keep=2) as checkpointer:
        checkpointer.save(1, model)
        step_1 = snapshot(model)
        for variable in model.trainable_variables:
            variable.assign(variable.numpy() + 1.0)
        checkpointer.save(2, model)
    return model, step_1


def test_flipped_byte_in_a_large_array_file_is_detected(tmp_path):
    model, step_1 = _two_steps(tmp_path)
    data_file = _largest_data_file(tmp_path / "2")
    assert os.path.getsize(data_file) > 200_000
    with open(data_file, "r+b") as file:
        file.seek(os.path.getsize(data_file) // 2)
        byte = file.read(1)
        file.seek(-1, os.SEEK_CUR)
        file.write(bytes([byte[0] ^ 0x01]))
    checkpointer = Checkpointer(tmp_path)
    before = snapshot(model)
    with pytest.raises(CorruptCheckpointError, match=r"step 2 in .* is corrupt: array '.+' "):
        checkpointer.restore(model)
    assert_state_equal(model, before)  # nothing assigned from a corrupt step
    checkpointer.restore(model, step=1)  # the previous step still restores
    assert_state_equal(model, step_1)


def test_truncated_or_missing_data_file_is_detected(tmp_path):
    model, _ = _two_steps(tmp_path)
    with open(_largest_data_file(tmp_path / "2"), "r+b") as file:
        file.truncate(1000)
    os.remove(_largest_data_file(tmp_path / "1"))
    checkpointer = Checkpointer(tmp_path)
    for step in (1, 2):
        with pytest.raises(CorruptCheckpointError, match=f"step {step} in "):
            checkpointer.restore(model, step=step)


def test_missing_digests_is_detected(tmp_path):
    model, _ = _two_steps(tmp_path)
    os.remove(tmp_path / "2" / "integrity" / "digests.json")
    checkpointer = Checkpointer(tmp_path)
    assert checkpointer.all_steps() == [1]  # without digests a step is not complete
    with pytest.raises(FileNotFoundError, match=r"No complete checkpoint for step 2 .*\[1\]"):
        checkpointer.restore(model, step=2)


def test_uncommitted_step_directory_is_skipped_then_cleared(tmp_path):
    model, step_1 = _two_steps(tmp_path)
    opened = Checkpointer(tmp_path)
    shutil.copytree(tmp_path / "2", tmp_path / "7")
    os.remove(tmp_path / "7" / "commit_success.txt")  # a write that never committed
    os.makedirs(tmp_path / "8.orbax-checkpoint-tmp")  # orbax's own unfinished write
    assert opened.latest_step() == 2
    opened.close()
    reopened = Checkpointer(tmp_path)  # clears both, so that step 3 is newer than any
    assert reopened.save(3, model)
    reopened.wait_until_finished()
    assert sorted(os.listdir(tmp_path)) == ["1", "2", "3"]
    assert reopened.all_steps() == [1, 2, 3]
    reopened.restore(model, step=1)
    assert_state_equal(model, step_1)
    reopened.close()


def test_kill_during_save_keeps_the_previous_step(tmp_path):
    script = textwrap.dedent(
        f"""
        import os, signal
        import numpy as np
        import kerasish as keras
        from kerasish.saving import Checkpointer
        model = keras.Sequential([keras.Input((512,)), keras.layers.Dense(4096)])
        model.compile("adam", "mse")
        checkpointer = Checkpointer({str(tmp_path)!r}, max_to_keep=1)
        checkpointer.save(1, model)
        checkpointer.wait_until_finished()
        model.layers[0].kernel.assign(np.ones((512, 4096), "float32"))
        checkpointer.save(2, model)  # 8 MB of weights, 24 MB with Adam's slots
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "JAX_DISABLE_MOST_OPTIMIZATIONS": "1"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True)
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()[-2000:]
    model = keras.Sequential([keras.Input((512,)), keras.layers.Dense(4096)])
    model.compile("adam", "mse")
    checkpointer = Checkpointer(tmp_path)
    assert checkpointer.all_steps() == [1]
    assert checkpointer.restore(model)["step"] == 1
    assert not np.all(model.layers[0].kernel.numpy() == 1.0)
    checkpointer.save(3, model)
    checkpointer.wait_until_finished()
    assert sorted(os.listdir(tmp_path)) == ["1", "3"]  # the unfinished write was cleared


def test_mismatched_model_raises_naming_the_variable(tmp_path):
    with Checkpointer(tmp_path) as checkpointer:
        checkpointer.save(1, compiled_model(width=16))
    wider = compiled_model(width=12)
    with pytest.raises(ValueError, match=r"variable '.*dense.*/kernel' has shape \(6, 12\) .*"):
        Checkpointer(tmp_path).restore(wider)
    deeper = keras.Sequential([keras.Input((6,)), keras.layers.Dense(16), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="it holds 8 trainable_variables, the model has 4"):
        Checkpointer(tmp_path).restore(deeper)


def test_restore_errors(tmp_path):
    model = compiled_model()
    with pytest.raises(FileNotFoundError, match="No checkpoint found in"):
        Checkpointer(tmp_path).restore(model)
    with Checkpointer(tmp_path) as checkpointer:
        checkpointer.save(1, model)
    unbuilt = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="To restore checkpoint step 1 in .* must be built"):
        Checkpointer(tmp_path).restore(unbuilt)
    with pytest.raises(ValueError, match="To save a checkpoint, the model must be built"):
        Checkpointer(tmp_path).save(2, unbuilt)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"max_to_keep": 0}, "`max_to_keep` must be None or a positive integer"),
        ({"save_interval_steps": 0}, "`save_interval_steps` must be a positive integer"),
        ({"best_mode": "lowest"}, "`best_mode` must be 'min' or 'max'. Received: best_mode=lowest"),
    ],
)
def test_argument_errors(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        Checkpointer(tmp_path, **kwargs)


def test_array_digest_covers_dtype_shape_and_bytes():
    values = np.arange(6, dtype="float32")
    assert array_digest(values) == array_digest(values.copy())
    assert array_digest(values) != array_digest(values.reshape(2, 3))
    assert array_digest(values) != array_digest(values.view("int32"))
    flipped = values.copy()
    flipped.view("uint8")[9] ^= 0x10
    assert array_digest(values) != array_digest(flipped)


def test_docstring_example():
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(Checkpointer, globs={"kerasish": keras}):
        runner.run(test)
    assert runner.failures == 0 and runner.tries > 0
