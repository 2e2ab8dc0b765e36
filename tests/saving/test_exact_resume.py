"""Exact resume: a `fit` killed by a real SIGKILL at an arbitrary moment, then run again with
`BackupAndRestore`, ends with the same weights, bit for bit, as a run never interrupted."""

import importlib.util
import os
import random
import signal
import subprocess
import sys
import threading

import numpy as np

from kerasish.training.data_adapters import ArrayAdapter

RUNNER = os.path.join(os.path.dirname(__file__), "resume_runner.py")


def _runner_module():
    spec = importlib.util.spec_from_file_location("resume_runner", RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _has_committed_backup(backup_dir):
    if not os.path.isdir(backup_dir):
        return False
    return any(
        os.path.isfile(os.path.join(backup_dir, name, "commit_success.txt"))
        and os.path.isfile(os.path.join(backup_dir, name, "integrity", "digests.json"))
        for name in os.listdir(backup_dir)
    )


def _run_until_killed(backup_dir, stderr_path):
    """Starts the runner and SIGKILLs it a random number of batches after its first backup is
    on disk; returns ``(epoch, batch)`` of the last batch it reported."""
    # The same compilation setting as this process (tests/saving/conftest.py): bit-exact.
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "JAX_DISABLE_MOST_OPTIMIZATIONS": "1"}
    with open(stderr_path, "w") as stderr:
        victim = subprocess.Popen(
            [sys.executable, RUNNER, str(backup_dir), "0", "0.02"],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=env,
        )
        watchdog = threading.Timer(120, victim.kill)
        watchdog.start()
        batches_after_backup = random.randint(1, 8)  # the arbitrary moment
        last = None
        for line in victim.stdout:
            if line.startswith("batch"):
                last = tuple(int(n) for n in line.split()[1:])
                if _has_committed_backup(backup_dir):
                    batches_after_backup -= 1
                    if batches_after_backup == 0:
                        os.kill(victim.pid, signal.SIGKILL)
                        break
        victim.stdout.read()
        victim.wait()
        watchdog.cancel()
    with open(stderr_path) as errors:
        assert victim.returncode == -signal.SIGKILL, (last, errors.read()[-3000:])
    return last


def test_sigkill_mid_fit_then_backup_and_restore_gives_identical_weights(tmp_path, capsys):
    backup_dir = tmp_path / "backup"
    killed_at = _run_until_killed(backup_dir, tmp_path / "victim.stderr")
    runner = _runner_module()
    # Restarted here, from another seed: weights, dropout seeds and shuffle order can only come
    # from the backup the killed process left.
    capsys.readouterr()
    resumed = runner.train(backup_dir, seed=1)
    start = tuple(int(n) for n in capsys.readouterr().out.splitlines()[0].split()[1:])
    assert (0, 0) < start <= (killed_at[0] + 1, 0), (start, killed_at)
    expected = runner.train(None, seed=0)
    assert len(resumed) == len(expected)
    for index, (a, b) in enumerate(zip(expected, resumed)):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), (index, start, killed_at)
    assert not backup_dir.exists()  # deleted when the resumed `fit` ended


def test_array_adapter_resumes_an_epoch_at_any_batch():
    x = np.arange(40, dtype="float32").reshape(20, 2)
    adapter = ArrayAdapter(x, np.arange(20), batch_size=3, shuffle=True)
    epoch = [batch[1].tolist() for batch in adapter.batches([7, 2])]
    assert epoch == [batch[1].tolist() for batch in adapter.batches([7, 2])]  # (seed, epoch)
    assert epoch != [batch[1].tolist() for batch in adapter.batches([8, 2])]
    for start in (1, 4, 7):
        assert [b[1].tolist() for b in adapter.batches([7, 2], start=start)] == epoch[start:]
