"""Loads a kerasish export artifact with jax, orbax and the standard library alone.

This module imports nothing from kerasish, so it runs in a process that has only ``jax``,
``flatbuffers`` and ``orbax-checkpoint`` installed: copy this one file next to your program, or
``pip install kerasish`` and ``from kerasish.export import load``.

Example:
>>> artifact = load("exported/model")                     # doctest: +SKIP
>>> artifact(x)                                           # doctest: +SKIP
>>> artifact.signatures["query_embed"]({"user_id": ids})  # doctest: +SKIP

An artifact directory holds ``manifest.json`` (signatures, shapes, dtypes, platforms, jax
version, digests), one ``<signature>.jaxexport`` per signature (`jax.export`-serialized
StableHLO of ``fn(params, inputs) -> outputs``), and ``params/`` (an orbax checkpoint of the
weights the functions take as arguments). Every file is checked against the digests recorded
at export time before anything runs.
"""

import hashlib
import json
import os

import jax
import numpy as np

FORMAT_NAME = "kerasish.export"
FORMAT_VERSION = 1
MANIFEST_FILE = "manifest.json"
PARAMS_DIRECTORY = "params"


class ArtifactError(ValueError):
    """An artifact is missing, corrupt, or incompatible with this process."""


def array_digest(array):
    """sha256 of an array's dtype, shape and C-order bytes."""
    array = np.ascontiguousarray(array)
    digest = hashlib.sha256(f"{array.dtype.str}{array.shape}".encode())
    digest.update(array.tobytes())
    return digest.hexdigest()


def file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def flatten_keys(tree, prefix=""):
    """``{"a": {"b": x}}`` -> ``{"a/b": x}``."""
    flat = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(flatten_keys(value, f"{prefix}{key}/"))
        else:
            flat[prefix + key] = value
    return flat


def nest_keys(flat):
    """``{"a/b": x}`` -> ``{"a": {"b": x}}``."""
    nested = {}
    for key, value in flat.items():
        *parents, leaf = key.split("/")
        node = nested
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


def read_manifest(path):
    """The parsed manifest.json of the artifact at ``path``; ArtifactError if absent or foreign."""
    manifest_path = os.path.join(path, MANIFEST_FILE)
    if not os.path.isdir(path):
        raise ArtifactError(f"No export artifact at '{path}': the directory does not exist.")
    if not os.path.isfile(manifest_path):
        raise ArtifactError(
            f"'{path}' is not a kerasish export artifact: it has no {MANIFEST_FILE}."
        )
    try:
        with open(manifest_path, encoding="utf-8") as file:
            manifest = json.load(file)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArtifactError(f"The manifest of '{path}' is unreadable: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ArtifactError(f"'{manifest_path}' is not a {FORMAT_NAME} manifest.")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise ArtifactError(
            f"'{path}' has format version {manifest['format_version']}; this loader reads "
            f"versions up to {FORMAT_VERSION}. Upgrade kerasish (or this loader file)."
        )
    return manifest


def _restore_params(path, manifest):
    import orbax.checkpoint as ocp

    leaves = manifest["params"]["leaves"]
    directory = os.path.abspath(os.path.join(path, PARAMS_DIRECTORY))
    if not leaves:
        return {}
    if not os.path.isdir(directory):
        raise ArtifactError(f"The artifact '{path}' has no {PARAMS_DIRECTORY}/ directory.")
    restore_args = nest_keys({key: ocp.RestoreArgs(restore_type=np.ndarray) for key in leaves})
    try:
        with ocp.PyTreeCheckpointer() as checkpointer:
            restored = checkpointer.restore(
                directory, args=ocp.args.PyTreeRestore(restore_args=restore_args)
            )
    except Exception as error:  # orbax raises many types for damaged files
        raise ArtifactError(
            f"The parameters of '{path}' could not be read ({type(error).__name__}: {error})."
        ) from None
    flat = flatten_keys(restored)
    missing = sorted(set(leaves) - set(flat))
    if missing:
        raise ArtifactError(f"The parameters of '{path}' lack {missing}.")
    for key, expected in leaves.items():
        array = flat[key]
        if list(array.shape) != expected["shape"] or array.dtype.name != expected["dtype"]:
            raise ArtifactError(
                f"Parameter '{key}' of '{path}' has shape {list(array.shape)} and dtype "
                f"{array.dtype.name}; the manifest says {expected['shape']} {expected['dtype']}."
            )
        if array_digest(array) != expected["sha256"]:
            raise ArtifactError(
                f"Parameter '{key}' of '{path}' is corrupt: its sha256 digest does not match "
                "the one recorded at export time."
            )
    return nest_keys({key: jax.numpy.asarray(flat[key]) for key in leaves})


def _check_jax_version(path, manifest, exported, name):
    try:
        exported.mlir_module()
    except Exception as error:
        raise ArtifactError(
            f"Signature '{name}' of '{path}' was exported with jax {manifest['jax_version']} "
            f"and cannot run on jax {jax.__version__} ({type(error).__name__}: {error}). "
            "jax reads artifacts from older versions within its compatibility window only: "
            "re-export the model with this jax version."
        ) from None


class Signature:
    """One exported function: call it with a dict of named inputs (or, for a single input,
    the array itself); it returns a dict of named outputs."""

    def __init__(self, name, spec, exported, params):
        self.name = name
        self.inputs = spec["inputs"]
        self.outputs = spec["outputs"]
        self._params = params
        self._call = jax.jit(exported.call)

    def check_inputs(self, inputs):
        """``{name: array}`` for ``inputs`` (a dict, a list in input order, or the single
        array), cast within the same dtype kind; ValueError naming the input otherwise."""
        names = list(self.inputs)
        if not isinstance(inputs, dict):
            if isinstance(inputs, (list, tuple)) and len(names) > 1:
                if len(inputs) != len(names):
                    raise ValueError(
                        f"Signature '{self.name}' takes {len(names)} inputs {names}; "
                        f"received {len(inputs)}."
                    )
                inputs = dict(zip(names, inputs))
            elif len(names) == 1:
                inputs = {names[0]: inputs}
            else:
                raise ValueError(
                    f"Signature '{self.name}' takes inputs {names}: pass a dict keyed by them."
                )
        unknown = sorted(set(inputs) - set(names))
        missing = [name for name in names if name not in inputs]
        if unknown or missing:
            raise ValueError(
                f"Signature '{self.name}' takes inputs {names}; missing {missing}, "
                f"unexpected {unknown}."
            )
        return {name: self._checked(name, inputs[name]) for name in names}

    def _checked(self, name, value):
        spec = self.inputs[name]
        array = np.asarray(value) if not isinstance(value, jax.Array) else value
        expected = np.dtype(spec["dtype"])
        if array.dtype != expected:
            same_kind = np.issubdtype(array.dtype, np.floating) and np.issubdtype(
                expected, np.floating
            )
            same_kind |= np.issubdtype(array.dtype, np.integer) and np.issubdtype(
                expected, np.integer
            )
            if not same_kind:
                raise ValueError(
                    f"Input '{name}' of signature '{self.name}' must have dtype "
                    f"{expected.name}; received {array.dtype.name}."
                )
            array = array.astype(expected)
        shape = spec["shape"]
        matches = len(array.shape) == len(shape) and all(
            want is None or want == got for want, got in zip(shape, array.shape)
        )
        if not matches or (array.ndim and array.shape[0] == 0):
            wanted = tuple(shape)
            raise ValueError(
                f"Input '{name}' of signature '{self.name}' must have shape {wanted} "
                f"(None: any size >= 1); received {tuple(array.shape)}."
            )
        return array

    def __call__(self, inputs):
        return self._call(self._params, self.check_inputs(inputs))

    def __repr__(self):
        return f"<Signature '{self.name}' inputs={self.inputs} outputs={self.outputs}>"


class Artifact:
    """A loaded artifact: ``signatures`` maps names to callables; calling the artifact runs
    ``serving_default`` and returns its single output as an array (several as a dict)."""

    def __init__(self, path, manifest, signatures, params):
        self.path = path
        self.manifest = manifest
        self.signatures = signatures
        self.params = params

    def __call__(self, inputs, signature="serving_default"):
        if signature not in self.signatures:
            raise KeyError(
                f"The artifact has no signature '{signature}'; it has {sorted(self.signatures)}."
            )
        outputs = self.signatures[signature](inputs)
        return next(iter(outputs.values())) if len(outputs) == 1 else outputs

    @property
    def metadata(self):
        """Extra information the exporter recorded (vocabularies for string inputs, ...)."""
        return self.manifest.get("metadata", {})


def load(path):
    """Loads the artifact at ``path`` and returns an `Artifact`.

    Raises `ArtifactError` when a file is missing or corrupt (digests are checked), when the
    artifact was not lowered for this process's platform, or when this jax cannot read it.
    """
    path = os.fspath(path)
    manifest = read_manifest(path)
    platform = jax.default_backend()
    platforms = manifest.get("platforms", [])
    if platform not in platforms:
        raise ArtifactError(
            f"The artifact '{path}' was lowered for {platforms}; this process runs on "
            f"'{platform}'. Export it again with platforms including '{platform}'."
        )
    params = _restore_params(path, manifest)
    signatures = {}
    for name, spec in manifest["signatures"].items():
        file_path = os.path.join(path, spec["file"])
        if os.path.basename(spec["file"]) != spec["file"] or not os.path.isfile(file_path):
            raise ArtifactError(f"Signature '{name}' of '{path}' has no file '{spec['file']}'.")
        if file_digest(file_path) != spec["sha256"]:
            raise ArtifactError(
                f"'{file_path}' is corrupt: its sha256 digest does not match the one recorded "
                "at export time."
            )
        with open(file_path, "rb") as file:
            try:
                exported = jax.export.deserialize(bytearray(file.read()))
            except Exception as error:
                raise ArtifactError(
                    f"Signature '{name}' of '{path}' could not be deserialized "
                    f"({type(error).__name__}: {error})."
                ) from None
        _check_jax_version(path, manifest, exported, name)
        signatures[name] = Signature(name, spec, exported, params)
    return Artifact(path, manifest, signatures, params)
