"""Models built alike in Keras 3 and kerasish, and tools to read and craft `.keras` files."""

import io
import json
import zipfile

import h5py
import numpy as np


def h5_layout(weights_file):
    """``[(path, shape or None, name attribute)]`` of every group and dataset of a weights file."""
    entries = []
    with h5py.File(weights_file, "r") as file:
        file.visititems(
            lambda path, obj: entries.append(
                (path, getattr(obj, "shape", None), obj.attrs.get("name"))
            )
        )
    return entries


def keras_file_layout(path):
    """The weights layout inside a `.keras` archive (names of auto-named objects dropped)."""
    with zipfile.ZipFile(path) as archive:
        weights = io.BytesIO(archive.read("model.weights.h5"))
    return [(entry, shape) for entry, shape, _ in h5_layout(weights)]


def write_archive(path, config, weights=None, extra=()):
    """A `.keras` file with ``config`` (a dict), ``weights`` (h5 bytes; empty file by default)
    and ``extra`` ``(name, bytes)`` members."""
    if weights is None:
        buffer = io.BytesIO()
        h5py.File(buffer, "w").close()
        weights = buffer.getvalue()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", "{}")
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("model.weights.h5", weights)
        for name, data in extra:
            archive.writestr(name, data)


def input_layer_config(name="x", shape=(None, 2)):
    return {
        "module": "keras.layers",
        "class_name": "InputLayer",
        "config": {"batch_shape": list(shape), "dtype": "float32", "name": name},
        "registered_name": None,
        "name": name,
        "inbound_nodes": [],
    }


def node_config(source, shape=(None, 2), **kwargs):
    tensor = {
        "class_name": "__keras_tensor__",
        "config": {"shape": list(shape), "dtype": "float32", "keras_history": [source, 0, 0]},
    }
    return {"args": [tensor], "kwargs": kwargs}


def lambda_config(name, function, source="x", arguments=None):
    return {
        "module": "keras.layers",
        "class_name": "Lambda",
        "config": {"name": name, "function": function, "arguments": arguments or {}},
        "registered_name": None,
        "name": name,
        "inbound_nodes": [node_config(source)],
    }


def functional_config(layer_configs, output):
    return {
        "module": "keras.src.models.functional",
        "class_name": "Functional",
        "config": {
            "name": "crafted",
            "trainable": True,
            "layers": [input_layer_config(), *layer_configs],
            "input_layers": [["x", 0, 0]],
            "output_layers": [[output, 0, 0]],
        },
        "registered_name": "Functional",
    }


def multi_io_model(lib):
    """Two inputs, a layer shared by both, batch norm, a dict of two outputs; compiled."""
    layers = lib.layers
    a = lib.Input((4,), name="a")
    b = lib.Input((4,), name="b")
    shared = layers.Dense(5, activation="relu", name="shared")
    x = layers.Concatenate(name="concat")([shared(a), shared(b)])
    x = layers.BatchNormalization(name="norm")(x)
    x = layers.LayerNormalization(name="layer_norm")(x)
    first = layers.Dense(2, name="first")(x)
    second = layers.Dense(1, activation="sigmoid", name="second")(layers.Add()([x, x]))
    model = lib.Model([a, b], {"first": first, "second": second}, name="two_heads")
    model.compile(
        lib.optimizers.Adam(0.01),
        {"first": "mse", "second": lib.losses.BinaryCrossentropy()},
        metrics={"first": ["mae"]},
    )
    return model


def multi_io_data(seed=0):
    rng = np.random.default_rng(seed)
    x = [rng.normal(size=(8, 4)).astype("float32") for _ in range(2)]
    y = {
        "first": rng.normal(size=(8, 2)).astype("float32"),
        "second": (rng.random((8, 1)) > 0.5).astype("float32"),
    }
    return x, y


def nested_model(lib):
    """A Sequential inside a Functional, with an Embedding and an EinsumDense."""
    layers = lib.layers
    inner = lib.Sequential(
        [lib.Input((3,)), layers.Dense(4, name="inner_dense"), layers.Dense(4)], name="inner"
    )
    ids = lib.Input((3,), dtype="int32", name="ids")
    dense = lib.Input((3,), name="dense")
    embedded = layers.Flatten()(layers.Embedding(10, 2)(ids))
    x = layers.Concatenate()([embedded, inner(dense)])
    outputs = layers.EinsumDense("ab,bc->ac", output_shape=2, bias_axes="c")(x)
    model = lib.Model([ids, dense], outputs)
    model.compile(lib.optimizers.SGD(0.05, momentum=0.9), "mse")
    return model


def nested_data(seed=0):
    rng = np.random.default_rng(seed)
    x = [
        rng.integers(0, 10, size=(8, 3)).astype("int32"),
        rng.normal(size=(8, 3)).astype("float32"),
    ]
    return x, rng.normal(size=(8, 2)).astype("float32")
