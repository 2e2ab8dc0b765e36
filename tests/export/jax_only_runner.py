"""Runs an artifact in a process where kerasish cannot be imported.

Usage: python jax_only_runner.py LOADER_FILE ARTIFACT_DIR INPUTS.npz OUTPUTS.npz

Loads ``loader.py`` by file path (as a user who copied it would), with an import hook that makes
any ``import kerasish...`` fail, runs ``serving_default`` on the inputs and saves the outputs.
"""

import importlib.abc
import importlib.util
import sys

import numpy as np


class _BlockKerasish(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "kerasish" or name.startswith("kerasish."):
            raise ImportError(f"kerasish is not available in this process (import of {name})")
        return None


def main(loader_file, artifact_dir, inputs_file, outputs_file):
    sys.meta_path.insert(0, _BlockKerasish())
    spec = importlib.util.spec_from_file_location("artifact_loader", loader_file)
    loader = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loader)
    artifact = loader.load(artifact_dir)
    with np.load(inputs_file) as data:
        inputs = {name: data[name] for name in data.files}
    outputs = artifact.signatures["serving_default"](inputs)
    np.savez(outputs_file, **{name: np.asarray(value) for name, value in outputs.items()})
    assert not any(m == "kerasish" or m.startswith("kerasish.") for m in sys.modules)


if __name__ == "__main__":
    main(*sys.argv[1:])
