"""One process of a 2-process x 4-device `fit` (run by test_multi_process.py): ModelParallel
on a 2x4 mesh whose "batch" axis spans the processes and whose "model" axis splits the kernels
within each.

``python multi_process_worker.py train PROCESS_ID PORT FOLDER``: joins the run, trains on its
half of every global batch, saves a checkpoint from both processes; process 0 writes the final
weights and losses to FOLDER/result.npz.
``python multi_process_worker.py restore FOLDER``: in one process with 8 devices, restores that
checkpoint into a model laid out on a 4x2 ModelParallel mesh and writes its weights.
"""

import os
import sys

import jax
import numpy as np

import kerasish as keras
from kerasish import distribution as D
from kerasish.distribution import placement
from kerasish.saving import Checkpointer

GLOBAL_BATCH, PROCESSES = 16, 2


def model():
    keras.utils.set_random_seed(0)
    network = keras.Sequential(
        [
            keras.Input((16,)),
            keras.layers.Dense(32, activation="relu", name="hidden"),
            keras.layers.Dense(4, name="head"),
        ]
    )
    network.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    return network


def data():
    rng = np.random.default_rng(0)
    return rng.standard_normal((64, 16)).astype("float32"), rng.standard_normal((64, 4)).astype(
        "float32"
    )


def local_rows(array, process_id):
    """This process's half of every global batch, in order."""
    per_process = GLOBAL_BATCH // PROCESSES
    batches = array.reshape(-1, PROCESSES, per_process, *array.shape[1:])
    return batches[:, process_id].reshape(-1, *array.shape[1:])


def train(process_id, port, folder):
    jax.config.update("jax_num_cpu_devices", 4)
    D.initialize(job_addresses=f"127.0.0.1:{port}", num_processes=PROCESSES, process_id=process_id)
    x, y = data()
    with layouts(D.DeviceMesh((2, 4), ["batch", "model"])).scope():  # "model" within a process
        network = model()
        history = network.fit(
            local_rows(x, process_id),
            local_rows(y, process_id),
            batch_size=GLOBAL_BATCH // PROCESSES,
            epochs=2,
            verbose=0,
            shuffle=False,
        )
        checkpointer = Checkpointer(os.path.join(folder, "checkpoints"))
        checkpointer.save(1, network)
        checkpointer.wait_until_finished()
        weights = [placement.to_host(w.value) for w in network.weights]
    if process_id == 0:
        np.savez(
            os.path.join(folder, "result.npz"),
            loss=history.history["loss"],
            **{f"weight_{i}": w for i, w in enumerate(weights)},
        )


def layouts(mesh):
    """ModelParallel over ``mesh``: the Dense kernels split over its "model" axis."""
    layout_map = D.LayoutMap(mesh)
    layout_map[".*hidden/kernel"] = (None, "model")
    layout_map[".*head/kernel"] = ("model", None)
    return D.ModelParallel(layout_map=layout_map)


def restore(folder):
    jax.config.update("jax_num_cpu_devices", 8)
    with layouts(D.DeviceMesh((4, 2), ["batch", "model"])).scope():  # another mesh shape
        network = model()
        network.optimizer.build(network.trainable_variables)
        Checkpointer(os.path.join(folder, "checkpoints")).restore(network)
        specs = [str(w.value.sharding.spec) for w in network.weights]
        np.savez(
            os.path.join(folder, "restored_8.npz"),
            specs=np.array(specs),
            **{f"weight_{i}": np.asarray(w.value) for i, w in enumerate(network.weights)},
        )


if __name__ == "__main__":
    if sys.argv[1] == "train":
        train(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        restore(sys.argv[2])
