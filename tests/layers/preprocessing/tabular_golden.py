"""Replays the cases `make_golden.py` recorded from Keras 3 on kerasish's tabular layers.

Each case is a layer, its constructor arguments and steps (``call``, ``cross``, ``adapt``,
``weights``, ``attribute``, ``config``) with what Keras returned or raised. Differences that
are deliberate, and checked as such:
- dtypes: Keras (TensorFlow) returns int64 bins; kerasish returns JAX arrays, int32 without
  x64. Values must be equal.
- errors raised inside ``call`` are wrapped by Keras in an "Exception encountered when
  calling" frame and print TensorFlow tensors after ``Received: inputs=``; the text before
  that must be equal.
"""

import json
import os

import jax
import jax.numpy as jnp
import numpy as np

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
_INT32 = np.iinfo(np.int32)


def load_cases(file_name, layer_name):
    with open(os.path.join(GOLDEN, file_name), encoding="utf-8") as file:
        cases = json.load(file)["cases"]
    return {name: case for name, case in cases.items() if case["layer"] == layer_name}


def as_array(data, dtype):
    if dtype == "string":
        return np.array(data, dtype=object)
    return np.array(data, dtype=dtype)


def fits_device(array):
    """Whether the array can be a JAX array unchanged (numbers within int32)."""
    if array.dtype.kind == "b":
        return True
    if array.dtype.kind not in "iuf":
        return False
    return bool(np.all((array >= _INT32.min) & (array <= _INT32.max)))


def expected_dtype(keras_dtype):
    return jax.dtypes.canonicalize_dtype(np.dtype(keras_dtype)).name


def assert_matches(actual, expected, what):
    actual = np.asarray(actual)
    assert list(actual.shape) == expected["shape"], f"{what}: shape {actual.shape} vs {expected}"
    assert actual.dtype.name == expected_dtype(expected["dtype"]), (
        f"{what}: dtype {actual.dtype} vs Keras {expected['dtype']}"
    )
    np.testing.assert_allclose(actual, np.array(expected["output"]), rtol=1e-6, atol=1e-6)


def keras_message(message):
    """The message of an error Keras may have wrapped, up to the tensors it prints."""
    if "\x1b[1m" in message:
        message = message.split("\x1b[1m", 1)[1].split("\x1b[0m", 1)[0]
    return message.split("Received: inputs=", 1)[0]


def assert_same_error(exception, expected):
    assert type(exception).__name__ == expected["type"], f"{exception!r} vs Keras {expected}"
    assert keras_message(str(exception)) == keras_message(expected["message"])


def comparable_config(config):
    config = dict(config)
    config.pop("name", None)
    return json.loads(json.dumps(config))


def run_step(layer, step, expected, on_device):
    """Runs one recorded step on ``layer`` and compares with Keras's result; with
    ``on_device``, calls also run on JAX arrays (hashed on the device: the same compiled
    kernel as under `jax.jit`) where the inputs allow it."""
    op = step["op"]
    if op == "call":
        inputs = as_array(step["input"], step["dtype"])
        assert_matches(layer(inputs), expected, "host call")
        if on_device and fits_device(inputs):
            assert_matches(layer(jnp.asarray(inputs)), expected, "device call on a JAX array")
    elif op == "cross":
        features = [as_array(f["input"], f["dtype"]) for f in step["inputs"]]
        assert_matches(layer(features), expected, "host cross")
        if on_device and all(fits_device(f) for f in features):
            outputs = layer([jnp.asarray(f) for f in features])
            assert_matches(outputs, expected, "device cross on JAX arrays")
    elif op == "adapt":
        if step["batches"]:
            batches = [as_array(batch, step["dtype"]) for batch in step["data"]]
            if step["steps"] is not None:
                layer.adapt(iter(batches), steps=step["steps"])
            else:
                layer.adapt(batches)
        else:
            layer.adapt(as_array(step["data"], step["dtype"]))
    elif op == "weights":
        weights = layer.get_weights()
        assert len(weights) == len(expected["weights"])
        for weight, keras_weight in zip(weights, expected["weights"]):
            assert_matches(weight, keras_weight, "weight")
    elif op == "attribute":
        np.testing.assert_allclose(getattr(layer, step["name"]), expected["value"], rtol=1e-6)
    elif op == "config":
        assert comparable_config(layer.get_config()) == expected["config"]
    else:
        raise ValueError(f"unknown step {op}")


def replay(layer_cls, case, on_device=True):
    """Constructs the layer and runs every step, expecting Keras's results and errors."""
    if "constructor_error" in case:
        try:
            layer_cls(**case["kwargs"])
        except Exception as exception:  # noqa: BLE001 - compared with Keras's below
            assert_same_error(exception, case["constructor_error"])
            return
        raise AssertionError(f"expected {case['constructor_error']}")
    layer = layer_cls(**case["kwargs"])
    for step, expected in zip(case["steps"], case["results"]):
        if "error" in expected:
            try:
                run_step(layer, step, expected, on_device)
            except Exception as exception:  # noqa: BLE001
                assert_same_error(exception, expected["error"])
                return
            raise AssertionError(f"expected {expected['error']}")
        run_step(layer, step, expected, on_device)
