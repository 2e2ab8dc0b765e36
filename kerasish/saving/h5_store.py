"""Keras 3's positional weights file (``model.weights.h5``, ``*.weights.h5``).

Each saved object has a group at its path (``layers/dense_1``, ``optimizer``) whose ``vars``
subgroup holds its arrays as datasets ``"0"``, ``"1"``, ... in the order the object's
``save_own_variables`` wrote them; the ``vars`` group's ``name`` attribute records the
object's name. Reading follows no HDF5 link and reads no external or virtual dataset, so a
weights file can only ever reach its own bytes.
"""

import math

import h5py
import ml_dtypes
import numpy as np

# A dataset that declares more than this many bytes must store at least 1/1000 of them:
# otherwise it is a "shape bomb" (a huge array made of a fill value) that would exhaust memory.
_BOMB_FLOOR_BYTES = 1 << 32
_BOMB_MAX_EXPANSION = 1000


class H5Store:
    """The weights file: `make` an entry per object when writing, `get` it when reading.

    Arguments:
        file: a path or a binary file object (e.g. `io.BytesIO`).
        mode: ``"r"`` or ``"w"``.
    """

    def __init__(self, file, mode="r"):
        if mode not in ("r", "w"):
            raise ValueError(f"`mode` should be either 'w' or 'r'. Received: {mode}")
        self.mode = mode
        try:
            self.h5_file = h5py.File(file, mode=mode)
        except OSError as error:
            if mode == "w":
                raise
            raise ValueError(
                f"Could not read the weights file {file!r}: it is not a valid HDF5 file "
                f"(truncated or corrupted?). {error}"
            ) from error

    def make(self, path, metadata=None):
        """The entry that an object at ``path`` writes its arrays into."""
        if self.mode != "w":
            raise ValueError("`make` is only allowed in write mode.")
        entry = _WriteEntry(self.h5_file, path)
        if metadata:
            entry.create(metadata)
        return entry

    def get(self, path):
        """The entry of the object at ``path``; empty when the file has none."""
        if self.mode != "r":
            raise ValueError("`get` is only allowed in read mode.")
        group = _safe_group(self.h5_file, f"{path}/vars" if path else "vars")
        return _ReadEntry(group)

    def has_path(self, path):
        return _safe_group(self.h5_file, path) is not None

    def close(self):
        self.h5_file.close()


class _WriteEntry:
    """``entry[str(i)] = array``; the group is created on the first write (or for metadata)."""

    def __init__(self, h5_file, path):
        self._h5_file = h5_file
        self._path = path
        self._group = None

    def create(self, metadata=None):
        parent = self._h5_file.create_group(self._path) if self._path else self._h5_file
        self._group = parent.create_group("vars")
        for key, value in (metadata or {}).items():
            self._group.attrs[key] = value

    def __setitem__(self, key, value):
        if self._group is None:
            self.create()
        value = np.asarray(value)
        dataset = self._group.create_dataset(key, data=value)
        if value.dtype == ml_dtypes.bfloat16:
            dataset.attrs["dtype"] = "bfloat16"

    def __contains__(self, key):
        return self._group is not None and key in self._group

    def __len__(self):
        return 0 if self._group is None else len(self._group)

    def keys(self):
        return [] if self._group is None else list(self._group.keys())


class _ReadEntry:
    """A read-only mapping from ``"0"``, ``"1"``, ... to numpy arrays."""

    def __init__(self, group):
        self._group = group

    def keys(self):
        return [] if self._group is None else list(self._group.keys())

    def __len__(self):
        return len(self.keys())

    def __contains__(self, key):
        return key in self.keys()

    def __getitem__(self, key):
        if key not in self:
            raise KeyError(key)
        dataset = _safe_dataset(self._group, key)
        value = np.asarray(dataset[()])
        if dataset.attrs.get("dtype") == "bfloat16":
            value = value.view(ml_dtypes.bfloat16)
        return value


def _refuse_link(group, name):
    link = group.get(name, getclass=True, getlink=True)
    if link in (h5py.ExternalLink, h5py.SoftLink):
        raise ValueError(f"Not allowed: H5 file with {link.__name__} ('{name}').")


def _safe_group(root, path):
    """The group at ``path`` reached without following links; None when absent."""
    group = root
    for part in path.split("/"):
        if not part or part in (".", ".."):
            raise ValueError(f"Invalid path in H5 file: {path}")
        if part not in group.keys():
            return None
        _refuse_link(group, part)
        group = group[part]
        if not isinstance(group, h5py.Group):
            raise ValueError(f"Invalid H5 file, expected Group but received {type(group)}")
    return group


def _safe_dataset(group, name):
    _refuse_link(group, name)
    dataset = group[name]
    if not isinstance(dataset, h5py.Dataset):
        raise ValueError(f"Invalid H5 file, expected Dataset, received {type(dataset)}")
    if dataset.external:
        raise ValueError(f"Not allowed: H5 file with external Dataset: {dataset.external}")
    if dataset.is_virtual:
        raise ValueError("Not allowed: H5 file with virtual Dataset")
    declared = math.prod(dataset.shape or ()) * dataset.dtype.itemsize
    stored = dataset.id.get_storage_size()
    if declared > _BOMB_FLOOR_BYTES and declared > _BOMB_MAX_EXPANSION * stored:
        raise ValueError(
            f"Not allowed: H5 dataset '{name}' declares {declared} bytes but only {stored} are "
            "stored on disk; refusing to load a potential decompression/shape bomb."
        )
    return dataset


def check_own_variables(layer, variables, store):
    """The values ``store`` holds for ``variables``, checked for count and shapes.

    Raises:
        ValueError: with Keras's messages when the counts differ, and naming the variable
            when a shape differs (nothing is assigned then).
    """
    if len(store.keys()) != len(variables):
        if not variables and not layer.built:
            raise ValueError(
                f"Layer '{layer.name}' was never built and thus it doesn't have any variables. "
                f"However the weights file lists {len(store.keys())} variables for this layer.\n"
                "In most cases, this error indicates that either:\n\n"
                "1. The layer is owned by a parent layer that implements a `build()` method, but "
                "calling the parent's `build()` method did NOT create the state of the child layer "
                f"'{layer.name}'. A `build()` method must create ALL state for the layer, "
                "including the state of any children layers.\n\n"
                "2. You need to implement the `def build_from_config(self, config)` method on "
                f"layer '{layer.name}', to specify how to rebuild it during loading. In this case, "
                "you might also want to implement the method that generates the build config at "
                "saving time, `def get_build_config(self)`. The method `build_from_config()` is "
                "meant to create the state of the layer (i.e. its variables) upon deserialization."
            )
        raise ValueError(
            f"Layer '{layer.name}' expected {len(variables)} variables, but received "
            f"{len(store.keys())} variables during loading. "
            f"Expected: {[v.name for v in variables]}"
        )
    values = [store[str(index)] for index in range(len(variables))]
    for variable, value in zip(variables, values):
        if tuple(variable.shape) != tuple(value.shape):
            raise ValueError(
                f"Layer '{layer.name}': the saved value of variable '{variable.path}' has shape "
                f"{tuple(value.shape)}, but the variable has shape {tuple(variable.shape)}."
            )
    return values
