"""`save_model`, `load_model`, `save_weights` and `load_weights`: Keras 3's file formats.

A ``.keras`` file holds the model's config (`serialize_keras_object`, with its compile
config), the weights and the optimizer state in Keras's positional HDF5 layout, and the
layers' assets, so that files move both ways between Keras 3 and kerasish. A
``.weights.h5`` file holds the same weights without the config.

Example:
>>> model = kerasish.Sequential([kerasish.Input((3,)), kerasish.layers.Dense(2)])
>>> model.save("/tmp/model.keras")
>>> restored = kerasish.saving.load_model("/tmp/model.keras")
>>> restored.save_weights("/tmp/model.weights.h5")
>>> restored.load_weights("/tmp/model.weights.h5")
"""

import datetime
import io
import json
import os
import tempfile
import warnings

from kerasish.saving import keras_file, object_walk
from kerasish.saving.h5_store import H5Store
from kerasish.saving.serialization import (
    ObjectSharingScope,
    deserialize_keras_object,
    serialize_keras_object,
)

# The Keras release whose file format these files follow (Keras reads it from metadata.json).
KERAS_FORMAT_VERSION = "3.15.1"


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves ``model`` (config, weights, optimizer state, assets) as a ``.keras`` file.

    Arguments:
        model: a built model.
        filepath: a path ending in ``.keras``; an existing file is replaced only once the
            new one is completely written.
        overwrite: when False and the file exists, asks on the terminal first.
        zipped: only the zipped format (True or None) is written.
    """
    kwargs.pop("include_optimizer", None)
    save_format = kwargs.pop("save_format", False)
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs.keys())}")
    filepath = os.fspath(filepath)
    if save_format and not filepath.endswith((".h5", ".hdf5", ".keras")):
        raise ValueError(
            "The `save_format` argument is deprecated in Keras 3. Please remove this argument "
            "and pass a file path with either `.keras` or `.h5` extension."
            f"Received: save_format={save_format}"
        )
    if filepath.endswith((".h5", ".hdf5")):
        raise ValueError(
            "kerasish does not write the legacy HDF5 model format (`.h5`). Save the model as "
            f"a `.keras` file instead. Received: filepath={filepath}"
        )
    if zipped is False:
        raise ValueError(
            "kerasish writes only zipped `.keras` files; `zipped=False` (a directory) is not "
            f"supported. Received: filepath={filepath}"
        )
    if not filepath.endswith(".keras"):
        raise ValueError(
            "Invalid filepath extension for saving. Please add either a `.keras` extension for "
            "the native Keras format (recommended) or a `.h5` extension. Use "
            "`model.export(filepath)` if you want to export a SavedModel for use with "
            f"TFLite/TFServing/etc. Received: filepath={filepath}."
        )
    if os.path.exists(filepath) and not overwrite and not _ask_to_overwrite(filepath):
        return
    if not model.built:
        warnings.warn(
            "You are saving a model that has not yet been built. It might not contain any "
            "weights yet. Consider building the model first by calling it on some data.",
            stacklevel=2,
        )
    with ObjectSharingScope():
        config = serialize_keras_object(model)
    try:
        config_json = json.dumps(config)
    except TypeError as error:
        raise TypeError(
            f"The config of model '{model.name}' holds a value that is not JSON-serializable: "
            f"{error}. Every `get_config()` must return plain values or serialized objects."
        ) from error
    metadata_json = json.dumps(
        {
            "keras_version": KERAS_FORMAT_VERSION,
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
            "library": "kerasish",
        }
    )

    def write_state(weights_file, assets_store):
        store = H5Store(weights_file, mode="w")
        try:
            object_walk.save_state(model, store, assets_store, "", set())
        finally:
            store.close()

    keras_file.write_keras_file(filepath, config_json, metadata_json, write_state)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model from a ``.keras`` file written by Keras 3 or kerasish, or from the latest
    step of a `kerasish.callbacks.OrbaxCheckpoint` directory.

    Arguments:
        filepath: the ``.keras`` file.
        custom_objects: ``{name: class or function}`` for objects the config names that are
            neither built in nor registered.
        compile: whether to restore the compile config (optimizer, loss, metrics) and the
            optimizer state.
        safe_mode: when True (the default), objects that call a function named in the file
            (`Lambda` layers) are refused. Bytecode is refused in every mode, and no module
            named in the file is ever imported.

    Raises:
        ValueError: for an unsupported, truncated or corrupted file, an unsafe config, or
            weights that do not fit the model.
    """
    filepath = os.fspath(filepath)
    if os.path.isdir(filepath):
        return _load_model_from_checkpoints(filepath, custom_objects, compile, safe_mode)
    if filepath.endswith((".h5", ".hdf5")):
        raise ValueError(
            "kerasish does not load the legacy HDF5 model format (`.h5`): its config stores "
            "`Lambda` layers as Python bytecode, which kerasish never runs. Re-save the model "
            f"with Keras 3 as a `.keras` file. Received: filepath={filepath}"
        )
    if not filepath.endswith(".keras"):
        raise ValueError(
            f"File format not supported: filepath={filepath}. kerasish loads Keras 3 `.keras` "
            "files (and `.weights.h5` files with `model.load_weights`)."
        )
    if not os.path.exists(filepath):
        raise ValueError(
            f"File not found: filepath={filepath}. Please ensure the file is an accessible "
            "`.keras` zip file."
        )
    with keras_file.KerasArchive(filepath) as archive:
        config = _parse_config(archive.read(keras_file.CONFIG_FILENAME), filepath)
        if not compile:
            config["compile_config"] = None
        with ObjectSharingScope():
            model = deserialize_keras_object(
                config, custom_objects=custom_objects, safe_mode=safe_mode
            )
        _build_optimizer(model)
        weights = H5Store(io.BytesIO(archive.read(keras_file.WEIGHTS_FILENAME)), mode="r")
        try:
            with tempfile.TemporaryDirectory() as extracted:
                assets = None
                if archive.has_assets():
                    assets = keras_file.AssetsStore(archive.extract_assets(extracted))
                report = object_walk.LoadReport()
                object_walk.load_state(model, weights, assets, "", set(), report)
        finally:
            weights.close()
    report.error()
    return model


def save_weights(model, filepath, overwrite=True, max_shard_size=None):
    """Writes the weights (and optimizer state) of a built model to a ``.weights.h5`` file."""
    filepath = os.fspath(filepath)
    if max_shard_size is not None:
        raise ValueError(
            "kerasish does not write sharded weights (`max_shard_size`); save one "
            f"`.weights.h5` file. Received: max_shard_size={max_shard_size}"
        )
    if not filepath.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={filepath}")
    if os.path.exists(filepath) and not overwrite and not _ask_to_overwrite(filepath):
        return
    if not model.built:
        raise ValueError(
            "You are saving a model that has not yet been built. Try building the model first "
            "by calling it on some data or by using `build()`."
        )
    with keras_file.atomic_write(filepath) as temporary:
        store = H5Store(temporary, mode="w")
        try:
            object_walk.save_state(model, store, None, "", set())
        finally:
            store.close()


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Loads weights saved by `save_weights` or `save_model` (Keras's or ours) into ``model``.

    Arguments:
        skip_mismatch: warn about objects whose variables do not fit, instead of raising.
        objects_to_skip: (keyword, ``.weights.h5`` only) objects to leave untouched.
    """
    objects_to_skip = kwargs.pop("objects_to_skip", None)
    by_name = kwargs.pop("by_name", None)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    filepath = os.fspath(filepath)
    if by_name is not None:
        raise ValueError(
            f"`by_name` only supports loading legacy '.h5' or '.hdf5' files. Received: {filepath}"
        )
    if not model.built:
        raise ValueError(
            "You are loading weights into a model that has not yet been built. Try building the "
            "model first by calling it on some data or by using `build()`."
        )
    if os.path.isdir(filepath):  # a `Checkpointer` / `OrbaxCheckpoint` directory
        from kerasish.saving.checkpointer import Checkpointer

        Checkpointer(filepath).restore(model)
        return
    if filepath.endswith(".keras"):
        if objects_to_skip is not None:
            raise ValueError(
                f"`objects_to_skip` only supports loading '.weights.h5' files.Received: {filepath}"
            )
        with keras_file.KerasArchive(filepath) as archive:
            weights_file = io.BytesIO(archive.read(keras_file.WEIGHTS_FILENAME))
    elif filepath.endswith(".weights.h5"):
        if not os.path.exists(filepath):
            raise FileNotFoundError(f"No such weights file: {filepath}")
        weights_file = filepath
    else:
        raise ValueError(
            f"File format not supported: filepath={filepath}. kerasish loads `.keras` and "
            "`.weights.h5` files; the legacy `.h5` format is not supported."
        )
    visited = {id(obj) for obj in objects_to_skip or ()}
    store = H5Store(weights_file, mode="r")
    try:
        report = object_walk.LoadReport()
        object_walk.load_state(model, store, None, "", visited, report)
    finally:
        store.close()
    report.error(skip_mismatch=skip_mismatch)


def _load_model_from_checkpoints(directory, custom_objects, compile, safe_mode):
    """The model of the latest step of a `kerasish.callbacks.OrbaxCheckpoint` directory."""
    from kerasish.callbacks.orbax_checkpoint import MODEL_CONFIG_KEY
    from kerasish.saving.checkpointer import Checkpointer

    checkpointer = Checkpointer(directory)
    metadata = checkpointer.read_metadata()
    if MODEL_CONFIG_KEY not in metadata:
        raise ValueError(
            "Checkpoint does not contain model configuration. This checkpoint may have been "
            "saved with save_weights_only=True."
        )
    config = _parse_config(metadata[MODEL_CONFIG_KEY], directory)
    if not compile:
        config["compile_config"] = None
    with ObjectSharingScope():
        model = deserialize_keras_object(config, custom_objects=custom_objects, safe_mode=safe_mode)
    _build_optimizer(model)
    checkpointer.restore(model)
    return model


def _parse_config(data, filepath):
    try:
        config = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"Invalid `config.json` in {filepath!r}: {error}") from error
    if not isinstance(config, dict):
        raise ValueError(f"Invalid `config.json` in {filepath!r}: expected a JSON object.")
    return config


def _build_optimizer(model):
    """Creates the restored optimizer's variables so that the saved state can load into them."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and model.built and not getattr(optimizer, "built", True):
        optimizer.build(model.trainable_variables)


def _ask_to_overwrite(filepath):
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True
