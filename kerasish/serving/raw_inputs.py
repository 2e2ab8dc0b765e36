"""Serving raw inputs (strings, raw ids) for artifacts of models with a host stage.

Such an artifact's ``serving_default`` takes the ids its lookup layers produce, and its
``metadata["host_stage"]`` describes those layers (class, config, vocabulary; see
`kerasish.engine.host_stage`). `RawInputSignature` rebuilds them through the serialization
registry (no code from the file runs) and stands in for that signature: requests name the
model's own inputs, raw strings are mapped to ids on the host, the batched device call is the
artifact's, and the tail layers (`StringLookup(invert=True)` at the outputs) map ids back to
strings in the answer. Requests keyed by the device signature's inputs (ids already) still
run as they are.
"""

import numpy as np

from kerasish.saving.serialization import deserialize_keras_object

HOST_STAGE_KEY = "host_stage"


class RawInputSignature:
    """``signature`` (an artifact's device signature) behind its model's raw inputs.

    Example:
    >>> artifact = kerasish.export.load("runs/model/1")  # doctest: +SKIP
    >>> raw = RawInputSignature(artifact.signatures["serving_default"],
    ...                         artifact.metadata["host_stage"])  # doctest: +SKIP
    >>> columns = raw.check_inputs({"city": np.array([["paris"]]), "age": ...})  # doctest: +SKIP
    >>> raw.postprocess(raw(columns))  # the model's outputs, strings mapped back  # doctest: +SKIP
    """

    def __init__(self, signature, manifest):
        self.device = signature
        self.name = signature.name
        self._head = [(entry, _rebuild(entry)) for entry in manifest["head"]]
        head_outputs = {entry["layer"] for entry in manifest["head"]}
        self._feeds_head = {entry["input"] for entry in manifest["head"]} & head_outputs
        self._device_inputs = manifest["device_inputs"]
        used = {entry["input"] for entry in manifest["head"]} | {
            d["name"] for d in self._device_inputs if d["from"] == "model_input"
        }
        self.inputs = {
            spec["name"]: {"shape": spec["shape"], "dtype": spec["dtype"]}
            for spec in manifest["model_inputs"]
            if spec["name"] in used
        }
        self._tail = {entry["layer"]: (entry, _rebuild(entry)) for entry in manifest["tail"]}
        self._outputs = manifest.get("outputs") if self._tail else None
        self.outputs = self._output_specs() if self._outputs else signature.outputs

    def input_specs_for(self, names):
        """The input specs a request keyed by ``names`` is read with: the device signature's
        when they are exactly its inputs (ids), the model's raw inputs otherwise."""
        names = set(names)
        if names == set(self.device.inputs) and names != set(self.inputs):
            return self.device.inputs
        return self.inputs

    def check_inputs(self, columns):
        """Raw columns -> the device signature's checked inputs; ValueError naming the input."""
        if self.input_specs_for(columns) is self.device.inputs:
            return self.device.check_inputs(columns)
        values = {}
        for name, spec in self.inputs.items():
            if name not in columns:
                raise ValueError(f"Missing input '{name}'; the model takes {sorted(self.inputs)}.")
            values[name] = _raw_column(name, columns[name], spec)
        computed = {}
        for entry, layer in self._head:
            result = layer.host_call(values[entry["input"]])
            computed[entry["layer"]] = result
            if entry["layer"] in self._feeds_head:
                values[entry["layer"]] = np.asarray(layer.device_call(result))
        device = {}
        for spec in self._device_inputs:
            source = computed if spec["from"] == "layer" else values
            device[spec["name"]] = np.asarray(source[spec["name"]])
        return self.device.check_inputs(device)

    def __call__(self, inputs):
        return self.device(inputs)

    def postprocess(self, outputs):
        """The device call's ``{name: array}`` -> the model's outputs, through the tail."""
        if not self._outputs:
            return outputs
        answer = {}
        for spec in self._outputs:
            if spec["tail"] is None:
                answer[spec["name"]] = outputs[spec["device_output"]]
            else:
                entry, layer = self._tail[spec["tail"]]
                ids = outputs[entry["input"]]
                answer[spec["name"]] = np.asarray(layer.device_call(layer.host_call(ids)))
        return answer

    def _output_specs(self):
        specs = {}
        for spec in self._outputs:
            if spec["tail"] is None:
                specs[spec["name"]] = self.device.outputs[spec["device_output"]]
            else:
                entry, _ = self._tail[spec["tail"]]  # tail layers output strings
                shape = self.device.outputs[entry["input"]]["shape"]
                specs[spec["name"]] = {"shape": shape, "dtype": "string"}
        return specs


def with_raw_inputs(artifact):
    """``artifact`` with its ``serving_default`` taking raw inputs when it has a host stage."""
    manifest = artifact.metadata.get(HOST_STAGE_KEY)
    if manifest and "model_inputs" in manifest and "serving_default" in artifact.signatures:
        device = artifact.signatures["serving_default"]
        artifact.signatures["serving_default"] = RawInputSignature(device, manifest)
    return artifact


def _rebuild(entry):
    layer = deserialize_keras_object(entry["object"])
    vocabulary = entry.get("vocabulary")
    if vocabulary is not None and hasattr(layer, "set_vocabulary"):
        # TF-IDF weights live in the exported device part; the host maps tokens to ids only.
        tf_idf = getattr(layer, "output_mode", None) == "tf_idf"
        layer.set_vocabulary(vocabulary, idf_weights=np.ones(len(vocabulary)) if tf_idf else None)
    return layer


def _raw_column(name, values, spec):
    array = np.asarray(values, dtype=object if spec["dtype"] == "string" else None)
    if spec["dtype"] == "string":
        flat = array.reshape(-1)
        if not all(isinstance(v, (str, bytes)) for v in flat):
            raise ValueError(f"Input '{name}' takes strings; received {flat[:3].tolist()}.")
        return np.asarray(
            [v.decode("utf-8") if isinstance(v, bytes) else v for v in flat], dtype=object
        ).reshape(array.shape)
    return array
