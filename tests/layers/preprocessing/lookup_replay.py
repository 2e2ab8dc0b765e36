"""Recording the `lookup_cases` on a layer class and replaying them on kerasish's.

`record_case` runs them on a layer class (Keras's, in `make_lookup_golden.py` or live) and
notes each step's result or exception; `check_case` replays them on kerasish's class and
compares. Known, deliberate differences (checked, not skipped):

- dtypes: Keras on TensorFlow returns int64 indices and int64 one/multi-hot/count vectors;
  kerasish returns JAX arrays -- int32 indices (x64 disabled) and float32 encodings, the
  dtype Keras's own ``compute_output_spec`` declares. Values must be equal.
- an out-of-vocabulary input with ``num_oov_indices=0`` raises TensorFlow's
  ``InvalidArgumentError`` in Keras and a ``ValueError`` with the same text here.
- ``sparse=True``: Keras on a non-TensorFlow backend refuses it first; under the TensorFlow
  backend (the golden run) the later ``output_mode`` check fires instead.
- live runs on Keras's JAX backend: the ``num_oov_indices=0`` error arrives as a
  ``RuntimeError`` without its text, so only the raise is compared there.
"""

import re

import numpy as np

_SPARSE_ERROR = "`sparse=True` can only be used with the TensorFlow backend."


def to_array(data, dtype):
    return np.array(data, dtype=dtype) if dtype is not None else np.array(data)


def jsonable(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items() if k != "name"}
    if isinstance(value, np.generic):
        return value.item()
    return value


def encode_tuples(value):
    """Tuples survive JSON as ``{"__tuple__": [...]}`` (``ngrams=(1, 3)`` differs from a list)."""
    if isinstance(value, tuple):
        return {"__tuple__": list(value)}
    if isinstance(value, dict):
        return {k: encode_tuples(v) for k, v in value.items()}
    return value


def decode_tuples(value):
    if isinstance(value, dict) and set(value) == {"__tuple__"}:
        return tuple(value["__tuple__"])
    if isinstance(value, dict):
        return {k: decode_tuples(v) for k, v in value.items()}
    return value


def run_step(layer, step):
    """Runs one step; a call returns its output as a numpy array."""
    op = step["op"]
    if op == "call":
        return np.asarray(layer(to_array(step["input"], step.get("dtype"))))
    if op == "adapt":
        if step["batches"]:
            layer.adapt(to_array(batch, step.get("dtype")) for batch in step["data"])
        else:
            layer.adapt(to_array(step["data"], step.get("dtype")))
        return None
    if op == "set_vocabulary":
        layer.set_vocabulary(step["vocabulary"], idf_weights=step.get("idf_weights"))
        return None
    if op == "get_vocabulary":
        return layer.get_vocabulary(step.get("include_special_tokens", True))
    if op == "vocabulary_size":
        return int(layer.vocabulary_size())
    if op == "config":
        return layer.get_config()
    raise ValueError(op)


def _describe(step, result):
    if step["op"] != "call":
        return jsonable(result)
    return {
        "value": jsonable(result),
        "shape": list(result.shape),
        "dtype": "string" if result.dtype.kind in "OSU" else result.dtype.name,
    }


def _error_record(error):
    return {"type": type(error).__name__, "message": str(error)}


def record_case(layer_cls, case_id, kwargs, steps):
    """What ``layer_cls`` does with the case: per step a result or an error (then it stops)."""
    entry = {"id": case_id, "kwargs": encode_tuples(kwargs), "steps": steps, "results": []}
    try:
        layer = layer_cls(**kwargs)
    except Exception as error:  # noqa: BLE001 - the error is what we record
        entry["init_error"] = _error_record(error)
        return entry
    for step in steps:
        try:
            entry["results"].append({"result": _describe(step, run_step(layer, step))})
        except Exception as error:  # noqa: BLE001
            entry["results"].append({"error": _error_record(error)})
            break
    return entry


def _core_message(message):
    """Keras's message without its "Exception encountered when calling" frame, TensorFlow's
    assertion prefix, and auto-generated layer names."""
    match = re.search(r"\x1b\[1m(.*?)\x1b\[0m", message, re.S)
    if match:
        message = match.group(1)
    match = re.search(r"Summarized data: b'(.*)'$", message, re.S)
    if match:
        message = match.group(1)
    return re.sub(
        r"'(string_lookup|integer_lookup|text_vectorization)(_\d+)?'", "'<layer>'", message
    )


def _assert_output(ours, expected, where):
    assert list(ours.shape) == expected["shape"], f"{where}: shape {ours.shape}"
    if expected["dtype"] == "string":
        assert ours.dtype.kind == "U", f"{where}: dtype {ours.dtype}"
        assert ours.tolist() == expected["value"], where
    elif expected["dtype"] == "float32":
        assert ours.dtype == np.float32, f"{where}: dtype {ours.dtype}"
        np.testing.assert_allclose(ours, np.array(expected["value"]), rtol=1e-6, atol=1e-6)
    else:
        assert ours.dtype.kind in "iuf", f"{where}: dtype {ours.dtype}"
        np.testing.assert_array_equal(ours, np.array(expected["value"]), err_msg=where)


def _assert_raises(function, expected, where):
    try:
        function()
    except Exception as error:  # noqa: BLE001 - compared below
        raised = error
    else:
        raise AssertionError(f"{where}: expected {expected['type']}: {expected['message']}")
    if not _core_message(expected["message"]):
        return  # Keras on JAX loses TensorFlow's assertion text: an empty RuntimeError
    expected_type = "ValueError" if expected["type"] == "InvalidArgumentError" else expected["type"]
    assert type(raised).__name__ == expected_type, f"{where}: {raised!r}"
    assert _core_message(str(raised)) == _core_message(expected["message"]), where


def check_case(layer_cls, case):
    """Replays a recorded case on ``layer_cls`` (kerasish's) and compares every step."""
    kwargs = decode_tuples(case["kwargs"])
    if "init_error" in case:
        expected = case["init_error"]
        if kwargs.get("sparse"):
            expected = {"type": "ValueError", "message": _SPARSE_ERROR}
        _assert_raises(lambda: layer_cls(**kwargs), expected, "init")
        return
    layer = layer_cls(**kwargs)
    for index, (step, outcome) in enumerate(zip(case["steps"], case["results"])):
        where = f"step {index} ({step['op']})"
        if "error" in outcome:
            _assert_raises(lambda step=step: run_step(layer, step), outcome["error"], where)
            return
        ours = run_step(layer, step)
        if step["op"] == "call":
            _assert_output(ours, outcome["result"], where)
        else:
            assert jsonable(ours) == outcome["result"], f"{where}: {ours} != {outcome['result']}"
