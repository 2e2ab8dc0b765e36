"""Reading the pickled parts of Keras's dataset files without running code from them.

The IMDB and Reuters ``.npz`` files hold ragged sequences as ``dtype=object`` arrays (which
numpy stores as pickle streams) and the CIFAR batches are pickled dicts of arrays. They are
read with an unpickler that resolves only the three globals numpy needs to rebuild arrays;
any other global (``os.system``, ``builtins.eval`` ...) is refused, so a tampered file cannot
execute anything. Numeric ``.npz`` members are read with pickling disabled.
"""

import io
import pickle
import zipfile

import numpy as np

_ARRAY_GLOBALS = frozenset(
    {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
    }
)


class UnsafeDatasetFileError(pickle.UnpicklingError):
    """A dataset file names something other than numpy's array constructors."""


class ArrayOnlyUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds numpy arrays and plain containers, and nothing else."""

    def find_class(self, module, name):
        if (module, name) in _ARRAY_GLOBALS:
            return super().find_class(module, name)
        raise UnsafeDatasetFileError(
            f"Refusing to load `{module}.{name}` from a dataset file: only numpy arrays are "
            "allowed. The file may be corrupted or malicious."
        )


def _read_member(stream):
    try:
        return np.lib.format.read_array(stream, allow_pickle=False)
    except ValueError:  # an object array: its data is a pickle stream after the header
        stream.seek(0)
        major, _ = np.lib.format.read_magic(stream)
        if major == 1:
            np.lib.format.read_array_header_1_0(stream)
        elif major in (2, 3):  # 3.0 differs from 2.0 only in the header text's encoding
            np.lib.format.read_array_header_2_0(stream)
        else:
            raise ValueError(f"Unsupported `.npy` format version {major}.") from None
        return ArrayOnlyUnpickler(stream).load()


def load_npz(path):
    """The arrays of the ``.npz`` file at ``path``, as a dict keyed by member name."""
    with zipfile.ZipFile(path) as archive:
        arrays = {}
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as stream:
                    arrays[member[: -len(".npy")]] = _read_member(io.BytesIO(stream.read()))
        return arrays


def load_pickled_dict(path):
    """A pickled dict of arrays (CIFAR batches), with byte-string keys decoded."""
    with open(path, "rb") as stream:
        content = ArrayOnlyUnpickler(stream, encoding="bytes").load()
    return {
        (key.decode("utf8") if isinstance(key, bytes) else key): value
        for key, value in content.items()
    }
