"""Records Keras 3's tabular preprocessing layers into the golden files the default run checks.

Keras's `Hashing` and `HashedCrossing` (and `Discretization.adapt`, `Normalization.adapt` on
batches) need TensorFlow, which kerasish does not use. This script runs once where both are
installed (TensorFlow backend)::

    /work/tfenv/bin/python tests/layers/preprocessing/make_golden.py

Each case names a layer, its constructor arguments and steps (``call``, ``adapt``,
``weights``, ``config``, ``attribute``); the files record each step's result (values, shape,
dtype) or the exception it raised, and `golden_replay.py` replays the steps on kerasish.
"""

import json
import os

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")

STRINGS = [
    "",
    "a",
    "ab",
    "abc",
    "abcd",
    "hello",
    "1234567",
    "12345678",
    "123456789abcdef",
    "0123456789abcdef",
    "0123456789abcdefg",
    "the quick brown fox",
    "x" * 32,
    "y" * 33,
    "lorem ipsum dolor sit amet, consectetur adipiscing elit",
    "z" * 64,
    "w" * 65,
    "a longer sentence that needs more than one sixty-four byte chunk of FarmHash",
    "v" * 129,
    "日本語",
    "ça va",
    "😀",
]
INT64S = [0, 1, -1, 9, 10, 99, -100, 12345, 2**31 - 1, -(2**31), 2**40, -(2**62), 2**63 - 1]
INT32S = [0, 1, -1, 7, 10, 100, -1000, 99999, 1234567890, 2**31 - 1, -(2**31), 42, -42]
FLOATS = [0.0, 1.5, -2.7, 3.0, 1000.9, -7.2, 12.0]


def call(data, dtype):
    return {"op": "call", "input": data, "dtype": dtype}


def cross(*features):
    return {"op": "cross", "inputs": [{"input": data, "dtype": dtype} for data, dtype in features]}


def adapt(data, dtype="float32", batches=False, steps=None):
    return {"op": "adapt", "data": data, "dtype": dtype, "batches": batches, "steps": steps}


CONFIG = {"op": "config"}
WEIGHTS = {"op": "weights"}


def hashing_cases():
    column = [[s] for s in STRINGS]
    matrix = [STRINGS[:4], STRINGS[4:8], STRINGS[-4:]]
    return {
        "strings_3": ({"num_bins": 3}, [call(column, "string"), CONFIG]),
        "strings_1000": ({"num_bins": 1000}, [call(STRINGS, "string")]),
        "strings_large": ({"num_bins": 2**31 - 1}, [call(STRINGS, "string")]),
        "strings_one_bin": ({"num_bins": 1}, [call(STRINGS[:5], "string")]),
        "strings_matrix": ({"num_bins": 17}, [call(matrix, "string")]),
        "strings_scalar": ({"num_bins": 17}, [call("hello", "string")]),
        "strings_mask": (
            {"num_bins": 5, "mask_value": ""},
            [call([["", "a", "b"], ["c", "", "d"]], "string"), CONFIG],
        ),
        "strings_mask_one_bin": ({"num_bins": 1, "mask_value": "a"}, [call(["a", "b"], "string")]),
        "salt_int": ({"num_bins": 1000, "salt": 133}, [call(STRINGS, "string"), CONFIG]),
        "salt_pair": ({"num_bins": 2**31 - 1, "salt": [7, -11]}, [call(STRINGS, "string")]),
        "salt_large": ({"num_bins": 97, "salt": [2**40 + 3, 2**62]}, [call(STRINGS, "string")]),
        "salt_mask": (
            {"num_bins": 11, "salt": 5, "mask_value": "b"},
            [call([["a", "b", "c"]], "string")],
        ),
        "int64": ({"num_bins": 1000}, [call(INT64S, "int64")]),
        "int64_salt": ({"num_bins": 1000, "salt": [3, 4]}, [call(INT64S, "int64")]),
        "int32": ({"num_bins": 2**31 - 1}, [call([[v] for v in INT32S], "int32")]),
        "int32_small": ({"num_bins": 13}, [call(INT32S, "int32")]),
        "int32_salt": ({"num_bins": 1009, "salt": 99}, [call(INT32S, "int32")]),
        "int32_mask": (
            {"num_bins": 6, "mask_value": 0},
            [call([[0, 1, 2], [3, 0, -5]], "int32"), CONFIG],
        ),
        "int32_dtype": ({"num_bins": 10, "dtype": "int32"}, [call(INT32S, "int32"), CONFIG]),
        "float": ({"num_bins": 100}, [call(FLOATS, "float32")]),
        "float_mask": ({"num_bins": 10, "mask_value": 1.5}, [call(FLOATS, "float32")]),
        "float_beyond_int32": ({"num_bins": 100}, [call([1e10, -3e12], "float64")]),
        "bool": ({"num_bins": 7}, [call([True, False, True], "bool")]),
        "one_hot_column": ({"num_bins": 4, "output_mode": "one_hot"}, [call(column[:6], "string")]),
        "one_hot_1d": ({"num_bins": 4, "output_mode": "one_hot"}, [call(STRINGS[:5], "string")]),
        "one_hot_int": (
            {"num_bins": 5, "output_mode": "one_hot"},
            [call([[1], [2], [30]], "int32"), CONFIG],
        ),
        "multi_hot": (
            {"num_bins": 6, "output_mode": "multi_hot"},
            [call(matrix, "string"), CONFIG],
        ),
        "multi_hot_1d": ({"num_bins": 6, "output_mode": "multi_hot"}, [call(INT32S, "int32")]),
        "count": ({"num_bins": 5, "output_mode": "count"}, [call(matrix, "string")]),
        "count_int_mask": (
            {"num_bins": 5, "output_mode": "count", "mask_value": 0},
            [call([[0, 0, 1, 2], [3, 3, 3, 0]], "int64")],
        ),
        "error_num_bins": ({"num_bins": 0}, []),
        "error_output_mode": ({"num_bins": 3, "output_mode": "tf_idf"}, []),
        "error_salt": ({"num_bins": 3, "salt": "pepper"}, []),
        "error_sparse_int": ({"num_bins": 3, "sparse": True}, []),
        "error_float_dtype": ({"num_bins": 3, "dtype": "float32"}, []),
    }


def crossing_cases():
    letters = (["A", "B", "A", "B", "A"], "string")
    numbers = ([101, 101, 101, 102, 102], "int64")
    return {
        "string_int": ({"num_bins": 5}, [cross(letters, numbers), CONFIG]),
        "string_int_large": ({"num_bins": 2**31 - 1}, [cross(letters, numbers)]),
        "int64": (
            {"num_bins": 1000},
            [cross((INT64S, "int64"), (INT64S[::-1], "int64"))],
        ),
        "int32": (
            {"num_bins": 2**31 - 1},
            [cross((INT32S, "int32"), (INT32S[::-1], "int32"))],
        ),
        "int32_column": (
            {"num_bins": 97},
            [cross(([[v] for v in INT32S], "int32"), ([[v // 7] for v in INT32S], "int32"))],
        ),
        "three": (
            {"num_bins": 50},
            [cross((STRINGS[:6], "string"), (STRINGS[6:12], "string"), (INT32S[:6], "int32"))],
        ),
        "three_int": (
            {"num_bins": 31},
            [cross((INT32S, "int32"), (INT32S[::-1], "int32"), (INT32S, "int32"))],
        ),
        "scalar": ({"num_bins": 10}, [cross(("a", "string"), (3, "int64"))]),
        "one_bin": ({"num_bins": 1}, [cross(letters, numbers)]),
        "one_hot": ({"num_bins": 4, "output_mode": "one_hot"}, [cross(letters, numbers), CONFIG]),
        "one_hot_column": (
            {"num_bins": 4, "output_mode": "one_hot"},
            [cross(([[1], [2], [3]], "int32"), ([[4], [5], [6]], "int32"))],
        ),
        "one_hot_scalar": (
            {"num_bins": 4, "output_mode": "one_hot"},
            [cross((1, "int32"), (2, "int32"))],
        ),
        "error_output_mode": ({"num_bins": 3, "output_mode": "multi_hot"}, []),
        "error_one_input": ({"num_bins": 3}, [cross(([1, 2], "int32"))]),
        "error_not_a_list": ({"num_bins": 3}, [call([1, 2], "int32")]),
        "error_shapes": ({"num_bins": 3}, [cross(([1, 2], "int32"), ([1, 2, 3], "int32"))]),
        "error_rank": ({"num_bins": 3}, [cross(([[1, 2]], "int32"), ([[1, 2]], "int32"))]),
        "error_float": ({"num_bins": 3}, [cross(([1.0, 2.0], "float32"), ([1, 2], "int32"))]),
    }


def tabular_cases():
    rng = np.random.default_rng(7)
    values = np.round(rng.standard_normal(240) * 3 + 1, 3).tolist()
    skewed = np.round(rng.exponential(2.0, 150), 3).tolist()
    matrix = np.round(rng.standard_normal((12, 3)) * [1, 10, 100] + [0, 5, -50], 3).tolist()
    batches = [matrix[:5], matrix[5:9], matrix[9:]]
    grid = np.round(rng.standard_normal((6, 2, 3)), 3).tolist()
    return {
        "discretization_adapt": (
            "Discretization",
            {"num_bins": 4},
            [
                adapt(values),
                {"op": "attribute", "name": "bin_boundaries"},
                call(values[:20], "float32"),
            ],
        ),
        "discretization_adapt_epsilon": (
            "Discretization",
            {"num_bins": 7, "epsilon": 0.001},
            [adapt(skewed), {"op": "attribute", "name": "bin_boundaries"}, CONFIG],
        ),
        "discretization_adapt_coarse": (
            "Discretization",
            {"num_bins": 5, "epsilon": 0.1},
            [adapt(values), {"op": "attribute", "name": "bin_boundaries"}],
        ),
        "discretization_adapt_batches": (
            "Discretization",
            {"num_bins": 6},
            [
                adapt([values[:100], values[100:170], values[170:]], batches=True),
                {"op": "attribute", "name": "bin_boundaries"},
            ],
        ),
        "discretization_adapt_steps": (
            "Discretization",
            {"num_bins": 3},
            [
                adapt([values[:100], values[100:]], batches=True, steps=1),
                {"op": "attribute", "name": "bin_boundaries"},
            ],
        ),
        "discretization_adapt_twice": (
            "Discretization",
            {"num_bins": 3},
            [adapt(values), adapt(skewed), {"op": "attribute", "name": "bin_boundaries"}],
        ),
        "discretization_adapt_one_hot": (
            "Discretization",
            {"num_bins": 4, "output_mode": "one_hot"},
            [adapt(skewed), call([[0.5], [2.0], [9.0]], "float32")],
        ),
        "discretization_adapt_count": (
            "Discretization",
            {"num_bins": 4, "output_mode": "count"},
            [adapt(skewed), call([[0.5, 2.0, 9.0, 0.1]], "float32")],
        ),
        "discretization_error_bin_boundaries": (
            "Discretization",
            {"bin_boundaries": [0.0, 1.0]},
            [adapt(values)],
        ),
        "normalization_adapt_batches": (
            "Normalization",
            {},
            [adapt(batches, batches=True), WEIGHTS, call(matrix[:4], "float32")],
        ),
        "normalization_adapt_batches_axis_none": (
            "Normalization",
            {"axis": None},
            [adapt(batches, batches=True), WEIGHTS],
        ),
        "normalization_adapt_batches_axes": (
            "Normalization",
            {"axis": (1, 2)},
            [adapt([grid[:4], grid[4:]], batches=True), WEIGHTS],
        ),
        "normalization_adapt_empty_batches": ("Normalization", {}, [adapt([], batches=True)]),
        "normalization_adapt_batch_mismatch": (
            "Normalization",
            {},
            [adapt([matrix[:2], [[1.0, 2.0]]], batches=True)],
        ),
    }


def as_array(data, dtype):
    if dtype == "string":
        return np.array(data, dtype=object)
    return np.array(data, dtype=dtype)


def describe(value):
    value = np.asarray(value)
    if value.dtype == object:
        values = [v.decode() if isinstance(v, bytes) else v for v in value.reshape(-1).tolist()]
        values = np.array(values, dtype=object).reshape(value.shape).tolist()
    else:
        values = value.tolist()
    return {"output": values, "shape": list(value.shape), "dtype": str(value.dtype)}


def run_step(layer, step):
    op = step["op"]
    if op == "call":
        return describe(layer(as_array(step["input"], step["dtype"])))
    if op == "cross":
        return describe(layer([as_array(f["input"], f["dtype"]) for f in step["inputs"]]))
    if op == "adapt":
        if step["batches"]:
            data = [as_array(batch, step["dtype"]) for batch in step["data"]]
            if step["steps"] is not None:
                layer.adapt(iter(data), steps=step["steps"])
            else:
                layer.adapt(data)
        else:
            layer.adapt(as_array(step["data"], step["dtype"]))
        return {}
    if op == "weights":
        return {"weights": [describe(w) for w in layer.get_weights()]}
    if op == "attribute":
        return {"value": json.loads(json.dumps(getattr(layer, step["name"]), default=float))}
    if op == "config":
        config = layer.get_config()
        config.pop("name", None)
        return {"config": json.loads(json.dumps(config, default=_jsonable))}
    raise ValueError(f"unknown step {op}")


def _jsonable(value):
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(type(value))


def error_of(exception):
    return {"error": {"type": type(exception).__name__, "message": str(exception)}}


def record(layer_name, kwargs, steps):
    entry = {"layer": layer_name, "kwargs": kwargs, "steps": steps, "results": []}
    try:
        layer = getattr(keras.layers, layer_name)(**kwargs)
    except Exception as exception:  # noqa: BLE001 - the golden file records any error
        entry["constructor_error"] = error_of(exception)["error"]
        return entry
    for step in steps:
        try:
            entry["results"].append(run_step(layer, step))
        except Exception as exception:  # noqa: BLE001
            entry["results"].append(error_of(exception))
            break
    return entry


def write(name, cases):
    path = os.path.join(GOLDEN, name)
    with open(path, "w") as file:
        json.dump(
            {
                "keras_version": keras.__version__,
                "backend": keras.backend.backend(),
                "cases": cases,
            },
            file,
            indent=1,
            ensure_ascii=False,
        )
        file.write("\n")
    print(f"wrote {path} ({len(cases)} cases)")


def main():
    os.makedirs(GOLDEN, exist_ok=True)
    hashing = {name: record("Hashing", *case) for name, case in hashing_cases().items()}
    hashing.update(
        {
            f"crossing_{name}": record("HashedCrossing", *case)
            for name, case in crossing_cases().items()
        }
    )
    write("hashing.json", hashing)
    write("tabular.json", {name: record(*case) for name, case in tabular_cases().items()})


if __name__ == "__main__":
    main()
