"""Writes export artifacts: `ExportArchive` (several named signatures) and `export_model`.

Each signature is ``fn(params, inputs) -> outputs`` serialized with `jax.export`: the weights
are arguments (never baked-in constants), the batch dimension is symbolic, and the function is
lowered for several platforms at once, so an artifact made on a laptop's CPU serves on a GPU or
TPU host. `kerasish.export.load` (which needs only jax and orbax) reads it back.
"""

import json
import os
import re
import shutil
import tempfile

import jax
import numpy as np

from kerasish.distribution import placement
from kerasish.engine import pure
from kerasish.engine.keras_tensor import KerasTensor
from kerasish.export.loader import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST_FILE,
    PARAMS_DIRECTORY,
    array_digest,
    file_digest,
    nest_keys,
)

DEFAULT_PLATFORMS = ("cpu", "cuda", "tpu")
_SIGNATURE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ExportArchive:
    """Collects named endpoints over tracked layers and writes them as one artifact.

    Example:
    >>> archive = kerasish.export.ExportArchive()
    >>> archive.track(model)
    >>> archive.add_endpoint(
    ...     "serving_default", lambda x: model(x, training=False),
    ...     input_signature=[kerasish.InputSpec(shape=(None, 4), dtype="float32")])
    >>> archive.add_endpoint(
    ...     "embed", lambda x: model.get_layer("tower")(x),
    ...     input_signature=[jax.ShapeDtypeStruct((None, 4), "float32")])
    >>> archive.write_out("exported/model")  # doctest: +SKIP

    The tracked layers' variables become the artifact's ``params``; an endpoint may call any of
    them (and any sublayer) statefully, as in Keras -- it is traced into a pure function.
    """

    def __init__(self):
        self._tracked = []
        self._endpoints = {}
        self.metadata = {}

    def track(self, resource):
        """Makes ``resource``'s variables part of the artifact's params."""
        from kerasish.engine.layer import Layer

        if not isinstance(resource, Layer):
            raise ValueError(
                "Invalid resource type. Expected a Keras `Layer` or `Model` instance. "
                f"Received: resource={resource} (of type {type(resource)})"
            )
        if not resource.built:
            raise ValueError(
                "The layer provided has not yet been built. It must be built before export."
            )
        if all(resource is not tracked for tracked in self._tracked):
            self._tracked.append(resource)

    def add_endpoint(self, name, fn, input_signature=None, output_names=None):
        """Adds signature ``name`` running ``fn(*inputs)``.

        ``input_signature`` is a list (positional inputs) or dict (one dict argument) of
        `InputSpec`s, `KerasTensor`s or `jax.ShapeDtypeStruct`s; ``None`` dims are symbolic
        (dim 0 is the batch, shared by all inputs).
        """
        if not _SIGNATURE_NAME.match(str(name)):
            raise ValueError(
                f"Invalid endpoint name '{name}': use letters, digits and underscores."
            )
        if name in self._endpoints:
            raise ValueError(f"Endpoint name '{name}' is already taken.")
        if input_signature is None:
            raise ValueError(f"`input_signature` is required for endpoint '{name}'.")
        self._add(name, fn, _named_specs(input_signature), output_names)

    def _add(self, name, fn, specs, output_names):
        self._endpoints[name] = (fn, specs, output_names)

    def write_out(self, filepath, platforms=DEFAULT_PLATFORMS, verbose=True):
        """Writes the artifact to ``filepath`` (a directory).

        The artifact is assembled in a temporary sibling directory and moved into place only
        when complete, so a failure never leaves a half-written artifact where a good one was.
        """
        if not self._tracked:
            raise ValueError("No resources are tracked: call `track(model)` before `write_out`.")
        if not self._endpoints:
            raise ValueError("No endpoints are registered: call `add_endpoint` first.")
        keyed = self._keyed_variables()
        # Sharded weights (a model trained under a distribution) are gathered here: the
        # artifact's params are whole arrays and its signatures run on one device.
        sharded = sorted(key for key, v in keyed if not v.value.sharding.is_fully_replicated)
        params = {key: np.asarray(placement.to_host(variable.value)) for key, variable in keyed}
        filepath = os.fspath(filepath)
        parent = os.path.dirname(os.path.abspath(filepath))
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".export-", dir=parent)
        try:
            signatures = {
                name: self._write_signature(staging, name, endpoint, keyed, params, platforms)
                for name, endpoint in self._endpoints.items()
            }
            _write_params(staging, params)
            manifest = {
                "format": FORMAT_NAME,
                "format_version": FORMAT_VERSION,
                "jax_version": jax.__version__,
                "jaxlib_version": jax.lib.__version__,
                "platforms": list(platforms),
                "signatures": signatures,
                "params": {
                    "directory": PARAMS_DIRECTORY,
                    "leaves": {
                        key: {
                            "shape": list(value.shape),
                            "dtype": value.dtype.name,
                            "sha256": array_digest(value),
                        }
                        for key, value in params.items()
                    },
                },
                "metadata": self.metadata,
                "gathered_from_sharded": sharded,
            }
            with open(os.path.join(staging, MANIFEST_FILE), "w", encoding="utf-8") as file:
                json.dump(manifest, file, indent=2, sort_keys=True)
            _move_into_place(staging, filepath)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if verbose:
            print(f"Saved artifact at '{filepath}': signatures {sorted(signatures)}, {platforms}.")

    def _keyed_variables(self):
        if len(self._tracked) == 1:
            return pure.keyed_variables(self._tracked[0])
        keyed, seen = [], set()
        for resource in self._tracked:
            for key, variable in pure.keyed_variables(resource):
                if id(variable) not in seen:
                    seen.add(id(variable))
                    keyed.append((f"{resource.name}/{key}", variable))
        return keyed

    def _write_signature(self, directory, name, endpoint, keyed, params, platforms):
        fn, specs, output_names = endpoint
        names = list(specs)

        def pure_endpoint(param_tree, inputs):
            values = {
                id(variable): pure.lookup(param_tree, key, "params", self._tracked[0])
                for key, variable in keyed
            }
            if _is_dict_signature(specs):
                call = lambda: fn({n: inputs[n] for n in names})  # noqa: E731
            else:
                call = lambda: fn(*[inputs[n] for n in names])  # noqa: E731
            outputs, _, _ = pure.run_in_scope(
                self._tracked[0], values, None, call, include_penalties=False
            )
            return _named_outputs(outputs, output_names)

        param_specs = nest_keys(
            {key: jax.ShapeDtypeStruct(value.shape, value.dtype) for key, value in params.items()}
        )
        input_specs = _symbolic_specs(specs)
        try:
            exported = jax.export.export(jax.jit(pure_endpoint), platforms=platforms)(
                param_specs, input_specs
            )
        except Exception as error:
            raise ValueError(
                f"Endpoint '{name}' could not be exported for {list(platforms)} with inputs "
                f"{_describe(specs)} ({type(error).__name__}: {error}). If the model branches on "
                "a None dimension, pass an `input_signature` with that size fixed; if an op "
                "has no lowering for a platform, pass `platforms=` without it."
            ) from error
        file_name = f"{name}.jaxexport"
        path = os.path.join(directory, file_name)
        with open(path, "wb") as file:
            file.write(exported.serialize())
        out_avals = jax.tree.unflatten(exported.out_tree, exported.out_avals)
        return {
            "file": file_name,
            "sha256": file_digest(path),
            "calling_convention_version": exported.calling_convention_version,
            "inputs": _describe(specs),
            "input_structure": "dict" if _is_dict_signature(specs) else "positional",
            "outputs": {
                key: {"shape": _dims_as_json(aval.shape), "dtype": np.dtype(aval.dtype).name}
                for key, aval in out_avals.items()
            },
        }


def export_model(model, filepath, input_signature=None, platforms=DEFAULT_PLATFORMS, verbose=True):
    """Exports ``model``'s inference call as signature ``serving_default`` at ``filepath``.

    The signature's inputs are the model's inputs (names from its `Input`s), its outputs the
    model's outputs keyed by output layer name.
    """
    archive = ExportArchive()
    archive.track(model)
    if input_signature is None:
        input_signature = _model_input_signature(model)
    specs = _named_specs(input_signature)
    structure = getattr(model, "_inputs_struct", None)

    def serve(*args):
        if isinstance(structure, dict):
            inputs = dict(zip(specs, args))
        elif len(args) > 1 or isinstance(structure, (list, tuple)):
            inputs = list(args)
        else:
            inputs = args[0]
        return model(inputs, training=False)

    output_names = model._output_names() if hasattr(model, "_output_names") else None
    archive._add("serving_default", serve, _PositionalSpecs(specs), output_names)
    host_metadata = getattr(model, "_export_metadata", None)
    if callable(host_metadata):
        archive.metadata.update(host_metadata())
    archive.write_out(filepath, platforms=platforms, verbose=verbose)


def _model_input_signature(model):
    inputs = getattr(model, "inputs", None)
    if not inputs:
        raise ValueError(
            f"Model '{model.name}' has no known inputs (it was never called on symbolic "
            "inputs): pass `input_signature`, e.g. "
            "[kerasish.InputSpec(shape=(None, 4), dtype='float32')]."
        )
    structure = getattr(model, "_inputs_struct", None)
    if isinstance(structure, dict):
        return dict(structure)
    return list(inputs)


def _spec_name(spec):
    name = getattr(spec, "name", None)
    return name if isinstance(name, str) and name else None


def _as_struct(spec, where):
    if isinstance(spec, jax.ShapeDtypeStruct):
        return tuple(spec.shape), np.dtype(spec.dtype).name
    if isinstance(spec, KerasTensor) or hasattr(spec, "shape"):
        dtype = getattr(spec, "dtype", None) or "float32"
        if spec.shape is None:
            raise ValueError(f"{where} has no shape: give every input spec a full shape.")
        return tuple(spec.shape), np.dtype(dtype).name
    raise ValueError(
        f"{where} must be an InputSpec, KerasTensor or jax.ShapeDtypeStruct; received {spec!r}."
    )


def _named_specs(signature):
    """``{input_name: (shape, dtype)}`` in signature order."""
    if isinstance(signature, dict):
        return {str(k): _as_struct(v, f"Input '{k}'") for k, v in signature.items()}
    if not isinstance(signature, (list, tuple)):
        signature = [signature]
    named = {}
    for index, spec in enumerate(signature):
        name = _spec_name(spec) or ("inputs" if len(signature) == 1 else f"input_{index}")
        if name in named:
            name = f"{name}_{index}"
        named[name] = _as_struct(spec, f"Input {index}")
    return _PositionalSpecs(named)


class _PositionalSpecs(dict):
    """Input specs passed to the endpoint as positional arguments."""


def _is_dict_signature(specs):
    return not isinstance(specs, _PositionalSpecs)


def _symbolic_specs(specs):
    """`jax.ShapeDtypeStruct`s with None dims replaced by symbols of one scope: dim 0 of every
    input is the shared batch ``b``; other None dims get their own symbol."""
    names, slots = ["b"], []
    for input_name, (shape, _) in specs.items():
        for axis, dim in enumerate(shape):
            if dim is None and axis > 0:
                names.append(f"d{len(names)}")
                slots.append((input_name, axis, names[-1]))
    symbols = dict(zip(names, jax.export.symbolic_shape(", ".join(names))))
    extra = {(input_name, axis): symbol for input_name, axis, symbol in slots}
    result = {}
    for input_name, (shape, dtype) in specs.items():
        dims = []
        for axis, dim in enumerate(shape):
            if dim is None:
                dims.append(symbols["b"] if axis == 0 else symbols[extra[(input_name, axis)]])
            else:
                dims.append(int(dim))
        result[input_name] = jax.ShapeDtypeStruct(tuple(dims), dtype)
    return result


def _describe(specs):
    return {
        name: {"shape": [None if d is None else int(d) for d in shape], "dtype": dtype}
        for name, (shape, dtype) in specs.items()
    }


def _dims_as_json(shape):
    return [int(d) if isinstance(d, (int, np.integer)) else None for d in shape]


def _named_outputs(outputs, output_names):
    if isinstance(outputs, dict):
        return {str(k): v for k, v in outputs.items()}
    if isinstance(outputs, (list, tuple)):
        names = list(output_names or [])
        if len(names) != len(outputs):
            names = [f"output_{i}" for i in range(len(outputs))]
        return dict(zip(names, outputs))
    name = output_names[0] if output_names and len(output_names) == 1 else "output_0"
    return {name: outputs}


def _write_params(directory, params):
    if not params:
        return
    import orbax.checkpoint as ocp

    with ocp.PyTreeCheckpointer() as checkpointer:
        checkpointer.save(os.path.join(directory, PARAMS_DIRECTORY), nest_keys(params))


def _move_into_place(staging, filepath):
    """Replaces ``filepath`` by ``staging``; the old artifact is removed only after the new one
    is in place."""
    if not os.path.exists(filepath):
        os.replace(staging, filepath)
        return
    retired = tempfile.mkdtemp(prefix=".export-old-", dir=os.path.dirname(staging))
    os.rmdir(retired)
    os.replace(filepath, retired)
    try:
        os.replace(staging, filepath)
    except BaseException:
        os.replace(retired, filepath)
        raise
    shutil.rmtree(retired, ignore_errors=True)
