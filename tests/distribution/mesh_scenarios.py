"""Training scenarios on 8 fake CPU devices, run in a subprocess by test_mesh_training.py.

jax fixes its device count at first use, so these run in a fresh process started with
``XLA_FLAGS=--xla_force_host_platform_device_count=8``; the result is printed as JSON.
"""

import json
import os
import sys
import tempfile

import numpy as np

import kerasish as keras
from kerasish import distribution as D

RNG = np.random.default_rng(0)


def mlp():
    return keras.Sequential(
        [
            keras.Input((16,)),
            keras.layers.Dense(32, activation="relu", name="hidden"),
            keras.layers.Dense(4, name="head"),
        ]
    )


def transformer_block():
    tokens = keras.Input((8, 16))
    attended = keras.layers.MultiHeadAttention(num_heads=4, key_dim=4, name="mha")(
        tokens, tokens, use_causal_mask=True
    )
    x = keras.layers.LayerNormalization(name="norm1")(tokens + attended)
    hidden = keras.layers.Dense(32, activation="relu", name="ffn_in")(x)
    x = keras.layers.LayerNormalization(name="norm2")(
        x + keras.layers.Dense(16, name="ffn_out")(hidden)
    )
    pooled = keras.layers.GlobalAveragePooling1D()(x)
    return keras.Model(tokens, keras.layers.Dense(4, name="head")(pooled))


DATA = {
    "mlp": (RNG.standard_normal((64, 16)), RNG.standard_normal((64, 4))),
    "transformer": (RNG.standard_normal((64, 8, 16)), RNG.standard_normal((64, 4))),
}
BUILDERS = {"mlp": mlp, "transformer": transformer_block}


def train(name, distribution, weights, spe=1):
    x, y = (a.astype("float32") for a in DATA[name])
    scope = distribution.scope() if distribution is not None else _nullcontext()
    with scope:
        keras.utils.set_random_seed(0)
        model = BUILDERS[name]()
        if weights is not None:
            model.set_weights(weights)
        model.compile(
            optimizer=keras.optimizers.Adam(1e-2),
            loss="mse",
            metrics=["mae"],
            steps_per_execution=spe,
        )
        history = model.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False).history
        return model, {
            "loss": history["loss"],
            "mae": history["mae"],
            "evaluate": model.evaluate(x, y, verbose=0),
            "predict": model.predict(x, verbose=0).tolist(),
            "weights": [w.tolist() for w in model.get_weights()],
            "specs": {_unnumbered(v.path): _spec(v) for v in model.weights},
            "slot_specs": {_unnumbered(v.path): _spec(v) for v in model.optimizer.variables},
        }


def _unnumbered(path):
    """A variable path without the model/optimizer name, which counts up in one process."""
    return path.split("/", 1)[1] if path.startswith(("sequential", "functional", "adam")) else path


def _spec(variable):
    sharding = variable.value.sharding
    spec = getattr(sharding, "spec", None)
    return None if spec is None else [None if a is None else str(a) for a in spec]


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def model_parallel_layouts():
    mesh = D.DeviceMesh((2, 4), ["batch", "model"])
    layout_map = D.LayoutMap(mesh)
    layout_map[".*hidden/kernel"] = (None, "model")
    layout_map[".*hidden/bias"] = ("model",)
    layout_map[".*head/kernel"] = ("model", None)
    layout_map[".*mha/(query|key|value)/kernel"] = (None, "model", None)
    layout_map[".*mha/attention_output/kernel"] = ("model", None, None)
    layout_map[".*ffn_in/kernel"] = (None, "model")
    layout_map[".*ffn_out/kernel"] = ("model", None)
    return D.ModelParallel(layout_map=layout_map, batch_dim_name="batch")


def main():
    results = {"device_count": D.get_device_count()}
    for name in BUILDERS:
        keras.utils.set_random_seed(0)
        initial = BUILDERS[name]().get_weights()
        _, reference = train(name, None, initial)
        for label, distribution in (
            ("data_parallel", D.DataParallel()),
            ("model_parallel", model_parallel_layouts()),
        ):
            _, run = train(name, distribution, initial)
            results[f"{name}/{label}"] = run
        results[f"{name}/reference"] = reference
    _, results["mlp/data_parallel_spe2"] = train("mlp", D.DataParallel(), None, spe=2)

    # A large weight that no rule matches is an error, not a silent copy on every device.
    mesh = D.DeviceMesh((2, 4), ["batch", "model"])
    strict = D.ModelParallel(layout_map=D.LayoutMap(mesh), max_unmatched_bytes=1024)
    try:
        with strict.scope():
            mlp()
        results["unmatched_error"] = None
    except ValueError as error:
        results["unmatched_error"] = str(error)

    # Export a model trained under ModelParallel; load the artifact with jax alone.
    model, run = train("mlp", model_parallel_layouts(), None)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "artifact")
        model.export(path, verbose=False)
        from kerasish.export import loader

        artifact = loader.load(path)
        results["export_gathered"] = loader.read_manifest(path)["gathered_from_sharded"]
        x = DATA["mlp"][0].astype("float32")
        results["export_max_diff"] = float(
            np.max(np.abs(np.asarray(artifact(x)) - np.asarray(run["predict"])))
        )
    print(json.dumps(results))


if __name__ == "__main__":
    sys.exit(main())
