"""Two local processes (2 x 4 fake CPU devices) run ModelParallel `fit` with jax.distributed
(kernels split within each process, batches across them) and save one checkpoint from both; it
restores onto 1 process x 8 devices (a 4x2 mesh) and onto this single-device process with
identical weights."""

import os
import socket
import subprocess
import sys

import numpy as np
import pytest

import kerasish
from kerasish.saving import Checkpointer

HERE = os.path.dirname(__file__)
WORKER = os.path.join(HERE, "multi_process_worker.py")
sys.path.insert(0, HERE)
import multi_process_worker  # noqa: E402


def _environment():
    return dict(
        os.environ,
        KERAS_BACKEND="jax",
        PYTHONPATH=os.path.dirname(os.path.dirname(HERE)),
        XLA_FLAGS="",
    )


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("multi_process"))
    port = str(_free_port())
    workers = [
        subprocess.Popen(
            [sys.executable, WORKER, "train", str(process_id), port, folder],
            env=_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for process_id in range(2)
    ]
    for worker in workers:
        try:
            _, stderr = worker.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            for other in workers:
                other.kill()
            raise
        assert worker.returncode == 0, stderr[-3000:]
    return folder


def _weights(archive):
    count = sum(key.startswith("weight_") for key in archive)
    return [archive[f"weight_{i}"] for i in range(count)]


def test_two_processes_train_like_one(trained):
    result = np.load(os.path.join(trained, "result.npz"))
    x, y = multi_process_worker.data()
    reference = multi_process_worker.model()
    history = reference.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    np.testing.assert_allclose(result["loss"], history.history["loss"], rtol=1e-5)
    for ours, theirs in zip(_weights(result), reference.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_checkpoint_restores_onto_eight_devices_and_onto_one(trained):
    completed = subprocess.run(
        [sys.executable, WORKER, "restore", trained],
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    trained_weights = _weights(np.load(os.path.join(trained, "result.npz")))
    restored_8 = np.load(os.path.join(trained, "restored_8.npz"))
    assert list(restored_8["specs"][:1]) == ["P(None, 'model')"]
    for ours, theirs in zip(_weights(restored_8), trained_weights):
        np.testing.assert_array_equal(ours, theirs)

    single = multi_process_worker.model()
    single.optimizer.build(single.trainable_variables)
    Checkpointer(os.path.join(trained, "checkpoints")).restore(single)
    for ours, theirs in zip(single.get_weights(), trained_weights):
        np.testing.assert_array_equal(ours, theirs)
    assert kerasish.distribution.distribution() is None
