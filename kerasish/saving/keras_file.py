"""The ``.keras`` zip archive, written atomically and read defensively.

Layout (Keras 3's): ``metadata.json``, ``config.json``, ``model.weights.h5`` (see
`kerasish.saving.h5_store`) and, for layers that save files (vocabularies), ``assets/<path>/``
with one directory per object path.

Writing goes to a temporary file beside the target, which replaces it only once complete,
so a failure midway leaves any previous file intact. Reading rejects member names that
would escape the extraction directory (absolute, ``..``, links) and members whose declared
size is out of proportion to their stored bytes (decompression bombs).
"""

import contextlib
import io
import os
import stat
import tempfile
import zipfile

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
ASSETS_DIRNAME = "assets"

# A member larger than the floor must not expand more than this many times its stored size
# (Keras writes members uncompressed; DEFLATE itself cannot exceed ~1032x).
_BOMB_FLOOR_BYTES = 1 << 28
_BOMB_MAX_EXPANSION = 100


@contextlib.contextmanager
def atomic_write(filepath):
    """Yields a temporary path beside ``filepath``; moves it onto ``filepath`` on success."""
    filepath = os.fspath(filepath)
    directory = os.path.dirname(os.path.abspath(filepath))
    handle, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{os.path.basename(filepath)}.", suffix=".tmp"
    )
    os.close(handle)
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, filepath)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


class AssetsStore:
    """One directory per object path under ``root`` (``make`` creates it, ``get`` finds it)."""

    def __init__(self, root):
        self.root = os.path.realpath(root)

    def _full_path(self, path):
        full = os.path.realpath(os.path.join(self.root, path))
        if os.path.commonpath([full, self.root]) != self.root:
            raise ValueError(f"Invalid asset path: '{path}' escapes the asset directory.")
        return full

    def make(self, path):
        full = self._full_path(path) if path else self.root
        os.makedirs(full, exist_ok=True)
        return full

    def get(self, path):
        full = self._full_path(path) if path else self.root
        return full if os.path.exists(full) else None

    def has_path(self, path):
        return self.get(path) is not None


def write_keras_file(filepath, config_json, metadata_json, write_state):
    """Writes a ``.keras`` archive; ``write_state(weights_file, assets_store)`` fills the
    weights (an in-memory file for `H5Store`) and the assets."""
    with atomic_write(filepath) as temporary, tempfile.TemporaryDirectory() as assets_root:
        weights = io.BytesIO()
        write_state(weights, AssetsStore(assets_root))
        with zipfile.ZipFile(temporary, "w") as archive:
            archive.writestr(METADATA_FILENAME, metadata_json)
            archive.writestr(CONFIG_FILENAME, config_json)
            archive.writestr(WEIGHTS_FILENAME, weights.getvalue())
            for directory, _, files in sorted(os.walk(assets_root)):
                for name in sorted(files):
                    full = os.path.join(directory, name)
                    relative = os.path.relpath(full, assets_root).replace(os.sep, "/")
                    archive.write(full, f"{ASSETS_DIRNAME}/{relative}")


class KerasArchive:
    """A ``.keras`` file opened for reading, its member names and sizes checked up front.

    Raises:
        ValueError: when the file is not a zip archive, or a member is unsafe.
    """

    def __init__(self, filepath):
        self.filepath = os.fspath(filepath) if isinstance(filepath, os.PathLike) else filepath
        try:
            self._zip = zipfile.ZipFile(self.filepath, "r")
        except zipfile.BadZipFile as error:
            raise ValueError(
                f"Could not read {self.filepath!r}: it is not a valid `.keras` zip archive "
                f"(truncated or corrupted?). {error}"
            ) from error
        try:
            for info in self._zip.infolist():
                _check_member(info)
        except ValueError:
            self._zip.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._zip.close()

    def names(self):
        return self._zip.namelist()

    def read(self, name):
        """The member's bytes; a corrupted member raises a `ValueError` naming it."""
        if name not in self.names():
            raise ValueError(f"Invalid `.keras` file {self.filepath!r}: it has no '{name}'.")
        try:
            return self._zip.read(name)
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise ValueError(
                f"Could not read '{name}' from {self.filepath!r}: the archive is corrupted. {error}"
            ) from error

    def has_assets(self):
        return any(name.startswith(f"{ASSETS_DIRNAME}/") for name in self.names())

    def extract_assets(self, target):
        """Writes the ``assets/`` members under ``target`` and returns their root directory."""
        root = os.path.join(target, ASSETS_DIRNAME)
        os.makedirs(root, exist_ok=True)
        for info in self._zip.infolist():
            if info.is_dir() or not info.filename.startswith(f"{ASSETS_DIRNAME}/"):
                continue
            destination = os.path.join(target, *info.filename.split("/"))
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            with open(destination, "wb") as file:
                file.write(self.read(info.filename))
        return root


def _check_member(info):
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if (
        name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or ".." in parts
        or "\\" in name
    ):
        raise ValueError(
            f"Not allowed: zip member '{name}' has an absolute path or a '..' component "
            "(it would be written outside the extraction directory)."
        )
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ValueError(f"Not allowed: zip member '{name}' is a symbolic link.")
    if (
        info.file_size > _BOMB_FLOOR_BYTES
        and info.file_size > _BOMB_MAX_EXPANSION * info.compress_size
    ):
        raise ValueError(
            f"Not allowed: zip member '{name}' declares {info.file_size} bytes but only "
            f"{info.compress_size} are stored; refusing to load a potential decompression bomb."
        )
