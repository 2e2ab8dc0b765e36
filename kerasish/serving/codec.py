"""TensorFlow Serving's REST JSON: request parsing and response shaping, as pure functions.

Requests carry ``instances`` (row format: one entry per example) or ``inputs`` (columnar: one
batched value per input), optionally ``signature_name``; binary values are ``{"b64": ...}``.
Answers mirror TF Serving: ``predictions`` (a list of values for a single output, a list of
objects for several) or ``outputs`` (a value for a single output, an object for several).
"""

import base64
import binascii
import json

import numpy as np
import orjson


class RequestError(ValueError):
    """A malformed request: answered with HTTP 400 and ``{"error": message}``."""


_TF_DTYPES = {
    "float32": "DT_FLOAT",
    "float64": "DT_DOUBLE",
    "float16": "DT_HALF",
    "bfloat16": "DT_BFLOAT16",
    "int8": "DT_INT8",
    "int16": "DT_INT16",
    "int32": "DT_INT32",
    "int64": "DT_INT64",
    "uint8": "DT_UINT8",
    "uint16": "DT_UINT16",
    "uint32": "DT_UINT32",
    "uint64": "DT_UINT64",
    "bool": "DT_BOOL",
    "string": "DT_STRING",
}


def tf_dtype(dtype):
    return _TF_DTYPES.get(dtype, "DT_INVALID")


def tensor_info(name, spec):
    """A TF ``TensorInfo`` JSON for one input or output spec (-1 for unknown dims)."""
    return {
        "dtype": tf_dtype(spec["dtype"]),
        "tensor_shape": {
            "dim": [{"size": str(-1 if d is None else d), "name": ""} for d in spec["shape"]],
            "unknown_rank": False,
        },
        "name": f"{name}:0",
    }


def signature_def_map(signatures):
    """``{name: SignatureDef}`` JSON for ``GET /metadata``."""
    return {
        name: {
            "inputs": {key: tensor_info(key, spec) for key, spec in signature.inputs.items()},
            "outputs": {key: tensor_info(key, spec) for key, spec in signature.outputs.items()},
            "method_name": "tensorflow/serving/predict",
        }
        for name, signature in signatures.items()
    }


def parse_body(body):
    """The request object from raw bytes; RequestError for anything but a JSON object."""
    try:
        request = orjson.loads(body)
    except orjson.JSONDecodeError:  # NaN/Infinity tokens, huge integers or malformed JSON
        request = _loads_slow(body)
    if not isinstance(request, dict):
        raise RequestError("The request body must be a JSON object.")
    return request


def _loads_slow(body):
    """The standard parser: it reads what TF Serving reads beyond strict JSON (NaN,
    Infinity, integers of any size) and words the errors on malformed bodies."""
    try:
        request = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RequestError(f"Malformed JSON in request body: {error}") from None
    return request


def _decode_binary(value):
    """Replaces ``{"b64": ...}`` objects by the bytes they encode."""
    if isinstance(value, dict):
        if set(value) == {"b64"} and isinstance(value["b64"], str):
            try:
                return base64.b64decode(value["b64"], validate=True)
            except (binascii.Error, ValueError):
                raise RequestError("Invalid base64 in a {'b64': ...} value.") from None
        raise RequestError(f"Unexpected JSON object where a tensor value was expected: {value}")
    if isinstance(value, list):
        return [_decode_binary(v) for v in value]
    return value


def _to_array(name, value, spec):
    dtype = spec["dtype"]
    if dtype == "string":
        return np.asarray(_decode_binary(value), dtype=object)
    array = _numbers(value)  # plain numbers (the common case) need no walk for b64 values
    if array is None or array.dtype == object:
        array = _numbers(_decode_binary(value))
    problem = None if array is not None else "the nested lists are ragged"
    target = np.dtype(dtype)
    if problem is None:
        if array.dtype == object or array.dtype.kind in "SU":
            problem = "the values are not all numbers"
        elif target.kind in "iu" and array.dtype.kind not in "iub":
            problem = "expected integers"
        elif target.kind == "b" and array.dtype.kind != "b":
            problem = "expected true/false values"
        elif target.kind in "iu" and array.size:
            info = np.iinfo(target)
            if array.min() < info.min or array.max() > info.max:
                problem = f"values out of the {dtype} range"
    if problem is not None:
        raise RequestError(
            f"Input '{name}' could not be read as a {dtype} tensor of shape "
            f"{tuple(spec['shape'])}: {problem}."
        )
    return array.astype(target)


def _numbers(value):
    """``value`` as an array, or None when its nested lists are ragged."""
    try:
        return np.asarray(value)
    except ValueError:
        return None


def parse_predict(request, signatures, default_signature="serving_default"):
    """``(signature_name, {input_name: array}, row_format)`` of a ``:predict`` request."""
    unknown = sorted(set(request) - {"signature_name", "instances", "inputs"})
    if unknown:
        raise RequestError(f"Unknown keys in request: {unknown}.")
    name = request.get("signature_name") or default_signature
    if not isinstance(name, str) or name not in signatures:
        raise RequestError(
            f"Serving signature name: '{name}' not found in signature def. Available: "
            f"{sorted(signatures)}"
        )
    if ("instances" in request) == ("inputs" in request):
        raise RequestError(
            "The request must have exactly one of 'instances' (row format) or 'inputs' "
            "(columnar format)."
        )
    specs = _input_specs(signatures[name], request)
    if "instances" in request:
        return name, _rows_to_columns(request["instances"], specs), True
    return name, _columns(request["inputs"], specs), False


def _input_specs(signature, request):
    """The specs the request's inputs are read with; a signature that takes its inputs in
    two ways (`RawInputSignature`: raw values or ids) picks them by the names sent."""
    choose = getattr(signature, "input_specs_for", None)
    if choose is None:
        return signature.inputs
    value = request.get("inputs", request.get("instances"))
    if isinstance(value, list) and value:
        value = value[0]
    return choose(value) if isinstance(value, dict) and "b64" not in value else signature.inputs


def _rows_to_columns(instances, specs):
    if not isinstance(instances, list) or not instances:
        raise RequestError("'instances' must be a non-empty list.")
    names = list(specs)
    by_name = all(isinstance(row, dict) and "b64" not in row for row in instances)
    if by_name:
        for index, row in enumerate(instances):
            if set(row) != set(names):
                raise RequestError(
                    f"Instance {index} has keys {sorted(row)}; the signature's inputs are "
                    f"{sorted(names)}."
                )
        columns = {name: [row[name] for row in instances] for name in names}
    elif len(names) == 1:
        columns = {names[0]: instances}
    else:
        raise RequestError(
            f"The signature takes inputs {names}: each instance must be an object keyed by them."
        )
    return {name: _to_array(name, columns[name], specs[name]) for name in names}


def _columns(inputs, specs):
    names = list(specs)
    if isinstance(inputs, dict) and "b64" not in inputs:
        if set(inputs) != set(names):
            raise RequestError(
                f"'inputs' has keys {sorted(inputs)}; the signature's inputs are {sorted(names)}."
            )
        return {name: _to_array(name, inputs[name], specs[name]) for name in names}
    if len(names) != 1:
        raise RequestError(f"The signature takes inputs {names}: 'inputs' must be an object.")
    return {names[0]: _to_array(names[0], inputs, specs[names[0]])}


def _jsonable(name, array):
    """An output as JSON values: strings as JSON strings, except that outputs named
    ``*_bytes`` are ``{"b64": ...}`` objects (TF Serving's rule)."""
    array = np.asarray(array)
    if name.endswith("_bytes"):
        flat = [
            {"b64": base64.b64encode(v if isinstance(v, bytes) else str(v).encode()).decode()}
            for v in array.reshape(-1)
        ]
        return np.asarray(flat, dtype=object).reshape(array.shape).tolist()
    if array.dtype.kind in "SO":
        flat = [
            v.decode("utf-8", errors="replace") if isinstance(v, bytes) else v
            for v in array.reshape(-1)
        ]
        return np.asarray(flat, dtype=object).reshape(array.shape).tolist()
    if array.dtype.kind == "f" and array.dtype.itemsize < 4:
        array = array.astype(np.float32)
    return array.tolist()


def predict_response(outputs, row_format):
    """TF Serving's answer for ``{output_name: batched array}``."""
    names = list(outputs)
    values = {name: _jsonable(name, outputs[name]) for name in names}
    if not row_format:
        return {"outputs": values[names[0]] if len(names) == 1 else values}
    if len(names) == 1:
        return {"predictions": values[names[0]]}
    batch = len(values[names[0]])
    return {"predictions": [{name: values[name][i] for name in names} for i in range(batch)]}


def dumps(payload):
    """JSON text as TF Serving writes it (NaN and Infinity as bare tokens)."""
    return encode(payload).decode()


def encode(payload):
    """`dumps` as UTF-8 bytes, what the server sends.

    orjson encodes about 20x faster than `json`, which matters at serving rates, but writes
    NaN and Infinity as ``null``; no answer holds ``null`` otherwise, so one that does is
    encoded again by `json` (an error message quoting "null" only takes the slower path)."""
    text = orjson.dumps(payload)
    if b"null" in text:
        text = json.dumps(payload, allow_nan=True, separators=(",", ":")).encode()
    return text


def batch_size_of(columns):
    """The shared leading dimension of all input arrays; RequestError when they differ."""
    sizes = {name: (array.shape[0] if array.ndim else None) for name, array in columns.items()}
    distinct = set(sizes.values())
    if None in distinct or len(distinct) != 1:
        raise RequestError(
            f"All inputs must have the same 0-th dimension (the batch); received {sizes}."
        )
    size = distinct.pop()
    if size == 0:
        raise RequestError("The batch must hold at least one example.")
    return size
