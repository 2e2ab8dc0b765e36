"""Checkpoint and artifact costs.

* Checkpoints: `kerasish.saving.Checkpointer` save (the blocking part and the total) and
  restore of a ~100 MB model, against `numpy.savez` / `numpy.load` of the same arrays.
  Targets: blocking part <= 10% of the total save; restore <= 1.5x `numpy.load`.
* Artifacts: import + load + first prediction of an exported MLP in a fresh process that
  loads `kerasish/export/loader.py` by file path (jax and orbax only). Target: under 2 s.

    python benchmarks/checkpoint_export.py [--repeats 5]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

_FRESH_PROCESS = """
import time
started = time.perf_counter()
import importlib.util, sys
spec = importlib.util.spec_from_file_location("loader", sys.argv[1])
loader = importlib.util.module_from_spec(spec)
spec.loader.exec_module(loader)
import numpy as np
imported = time.perf_counter()
artifact = loader.load(sys.argv[2])
loaded = time.perf_counter()
np.asarray(artifact(np.zeros((1, 784), "float32")))
predicted = time.perf_counter()
print(imported - started, loaded - imported, predicted - loaded)
"""


def artifact_first_prediction(repeats):
    import kerasish as keras
    from kerasish.export import loader

    inputs = keras.Input((784,))
    hidden = keras.layers.Dense(512, activation="relu")(inputs)
    hidden = keras.layers.Dense(512, activation="relu")(hidden)
    model = keras.Model(inputs, keras.layers.Dense(10)(hidden))
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "mlp")
        model.export(path, verbose=False)
        rows = []
        for _ in range(repeats):
            started = time.perf_counter()
            output = subprocess.run(
                [sys.executable, "-c", _FRESH_PROCESS, loader.__file__, path],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "JAX_PLATFORMS": "cpu"},
            ).stdout.split()
            total = time.perf_counter() - started
            rows.append([float(v) for v in output] + [total])
    imports, load, first, total = np.median(np.asarray(rows), axis=0)
    print("artifact in a fresh process (MLP 784-512-512-10), medians:")
    print(f"  import jax+orbax+loader {imports:.2f} s | load {load:.2f} s | first prediction "
          f"{first:.2f} s | whole process {total:.2f} s (target < 2 s)")  # fmt: skip


def _model(megabytes=100, layers=25):
    """An MLP of ``layers`` square Dense layers holding about ``megabytes`` of float32."""
    import kerasish as keras

    width = int((megabytes * 2**20 / 4 / layers) ** 0.5)
    model = keras.Sequential(
        [keras.Input((width,))] + [keras.layers.Dense(width) for _ in range(layers)]
    )
    return model


def checkpoint_costs(repeats):
    from kerasish.saving import Checkpointer

    model = _model()
    flat = {f"w{i}": np.asarray(w) for i, w in enumerate(model.get_weights())}
    rows = []
    for repeat in range(repeats):
        with tempfile.TemporaryDirectory() as directory:
            checkpointer = Checkpointer(os.path.join(directory, "ckpt"))
            started = time.perf_counter()
            checkpointer.save(repeat, model)
            blocking = time.perf_counter() - started
            checkpointer.wait_until_finished()
            total = time.perf_counter() - started
            started = time.perf_counter()
            checkpointer.restore(model, step=repeat)
            restore = time.perf_counter() - started
            npz = os.path.join(directory, "state.npz")
            started = time.perf_counter()
            np.savez(npz, **flat)
            savez = time.perf_counter() - started
            started = time.perf_counter()
            with np.load(npz) as loaded:
                [loaded[k] for k in loaded.files]
            npload = time.perf_counter() - started
            checkpointer.close()
        rows.append([blocking, total, restore, savez, npload])
    blocking, total, restore, savez, npload = np.median(np.asarray(rows), axis=0)
    print("checkpoint of a 100 MB model (25 Dense layers), medians:")
    print(f"  save: blocking {blocking * 1000:.0f} ms of {total * 1000:.0f} ms total "
          f"({blocking / total:.0%}, target <= 10%); numpy.savez {savez * 1000:.0f} ms")  # fmt: skip
    print(f"  restore (digests checked): {restore * 1000:.0f} ms; numpy.load "
          f"{npload * 1000:.0f} ms ({restore / npload:.2f}x, target <= 1.5x)")  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    checkpoint_costs(args.repeats)
    artifact_first_prediction(args.repeats)


if __name__ == "__main__":
    main()
