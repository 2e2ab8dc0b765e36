"""Training throughput: kerasish `fit` vs hand-written JAX + optax loops (and Keras 3).

Each measurement runs in a fresh process; repeats are interleaved across variants and the
table reports medians. Variants per model:

- ``loop``: a `jax.jit` + optax train step called once per batch (donated state);
- ``scan``: the same step run K=10 times per call with `lax.scan`;
- ``kerasish``: ``model.fit`` with ``steps_per_execution`` 1 and 10;
- ``keras``: Keras 3 ``fit`` (JAX backend) with ``steps_per_execution`` 1 and 10, if installed.

Reproduce: ``make bench`` or ``.venv/bin/python benchmarks/train_throughput.py --repeats 3``.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")

MODELS = {
    "tiny_mlp": {"batch": 32, "steps": 600},
    "mlp": {"batch": 128, "steps": 120},
    "two_tower": {"batch": 256, "steps": 60},
    "transformer": {"batch": 32, "steps": 60},
}
K = 10
CATALOG = 18_000


def make_data(model_name, steps, batch):
    rng = np.random.default_rng(0)
    n = steps * batch
    if model_name == "tiny_mlp":
        return rng.standard_normal((n, 32)).astype("float32"), rng.integers(0, 10, n).astype(
            "int32"
        )
    if model_name == "mlp":
        return rng.standard_normal((n, 784)).astype("float32"), rng.integers(0, 10, n).astype(
            "int32"
        )
    if model_name == "two_tower":
        x = {
            "user_id": rng.integers(0, CATALOG, n).astype("int32"),
            "user_features": rng.standard_normal((n, 16)).astype("float32"),
            "item_id": rng.integers(0, CATALOG, n).astype("int32"),
            "item_features": rng.standard_normal((n, 16)).astype("float32"),
        }
        return x, np.tile(np.arange(batch, dtype="int32"), steps)
    tokens = rng.integers(1, 1000, (n, 32)).astype("int32")
    return tokens, rng.integers(0, 2, n).astype("int32")


def build_model(lib, model_name, batch):
    """The same architecture in kerasish or Keras 3 (``lib`` is either module)."""
    layers, ops = lib.layers, lib.ops
    if model_name in ("tiny_mlp", "mlp"):
        widths, features = ((64, 64), 32) if model_name == "tiny_mlp" else ((512, 512), 784)
        return lib.Sequential(
            [lib.Input((features,))]
            + [layers.Dense(w, activation="relu") for w in widths]
            + [layers.Dense(10)]
        )
    if model_name == "two_tower":
        inputs = {
            "user_id": lib.Input((), dtype="int32", name="user_id"),
            "user_features": lib.Input((16,), name="user_features"),
            "item_id": lib.Input((), dtype="int32", name="item_id"),
            "item_features": lib.Input((16,), name="item_features"),
        }

        def tower(ids, features, prefix):
            embedded = layers.Embedding(CATALOG, 64, name=f"{prefix}_embedding")(ids)
            x = layers.Concatenate()([embedded, features])
            x = layers.Dense(256, activation="relu", name=f"{prefix}_hidden")(x)
            return layers.Dense(128, name=f"{prefix}_out")(x)

        query = tower(inputs["user_id"], inputs["user_features"], "user")
        candidate = tower(inputs["item_id"], inputs["item_features"], "item")
        scores = ops.matmul(query, ops.transpose(candidate))
        return lib.Model(inputs, scores)
    # A small Transformer encoder classifier: embedding, one self-attention block, pooling.
    tokens = lib.Input((32,), dtype="int32")
    x = layers.Embedding(1000, 64)(tokens)
    q, k, v = (layers.Dense(64)(x) for _ in range(3))
    heads = 4

    def split(t):
        return ops.transpose(ops.reshape(t, (-1, 32, heads, 16)), (0, 2, 1, 3))

    attention = ops.softmax(
        ops.matmul(split(q), ops.transpose(split(k), (0, 1, 3, 2))) / 4.0, axis=-1
    )
    attended = ops.reshape(
        ops.transpose(ops.matmul(attention, split(v)), (0, 2, 1, 3)), (-1, 32, 64)
    )
    x = layers.LayerNormalization()(x + layers.Dense(64)(attended))
    hidden = layers.Dense(128, activation="relu")(x)
    x = layers.LayerNormalization()(x + layers.Dense(64)(hidden))
    pooled = ops.mean(x, axis=1)
    return lib.Model(tokens, layers.Dense(2)(pooled))


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_fit(lib, model_name, spe):
    config = MODELS[model_name]
    x, y = make_data(model_name, config["steps"], config["batch"])
    model = build_model(lib, model_name, config["batch"])
    model.compile(
        optimizer=lib.optimizers.Adam(1e-3),
        loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True),
        steps_per_execution=spe,
    )
    first = np.s_[: config["batch"] * spe]
    start = time.perf_counter()
    model.fit(
        _take(x, first), y[first], batch_size=config["batch"], epochs=1, verbose=0, shuffle=False
    )
    first_call = time.perf_counter() - start
    model.fit(x, y, batch_size=config["batch"], epochs=1, verbose=0, shuffle=False)  # warm
    start = time.perf_counter()
    model.fit(x, y, batch_size=config["batch"], epochs=1, verbose=0, shuffle=False)
    elapsed = time.perf_counter() - start
    return {"steps_per_s": config["steps"] / elapsed, "first_call_s": first_call}


def _take(x, index):
    return {k: v[index] for k, v in x.items()} if isinstance(x, dict) else x[index]


def run_reference(model_name, scan):
    """A hand-written step over kerasish's pure ``apply`` (the network code is the same)."""
    import jax
    import optax

    import kerasish

    config = MODELS[model_name]
    batch, steps = config["batch"], config["steps"]
    x, y = make_data(model_name, steps, batch)
    model = build_model(kerasish, model_name, batch)
    params, state = model.init(jax.random.key(0))
    optimizer = optax.adam(1e-3)

    def loss_fn(params, xb, yb):
        logits, _ = model.apply(params, state, xb)
        return optax.softmax_cross_entropy_with_integer_labels(logits, yb).mean()

    def step(carry, batch_data):
        params, opt_state = carry
        loss, grads = jax.value_and_grad(loss_fn)(params, *batch_data)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return (optax.apply_updates(params, updates), opt_state), loss

    if scan:
        function = jax.jit(
            lambda carry, stacked: jax.lax.scan(step, carry, stacked), donate_argnums=0
        )
        group = K
    else:
        function = jax.jit(step, donate_argnums=0)
        group = 1
    x_batches = [_take(x, np.s_[i * batch : (i + 1) * batch]) for i in range(steps)]
    y_batches = [y[i * batch : (i + 1) * batch] for i in range(steps)]

    def batches(count):
        for i in range(0, count, group):
            xs, ys = x_batches[i : i + group], y_batches[i : i + group]
            if scan:
                yield (jax.tree.map(lambda *a: np.stack(a), *xs), np.stack(ys))
            else:
                yield (xs[0], ys[0])

    carry = (params, optimizer.init(params))
    start = time.perf_counter()
    carry, loss = function(carry, next(batches(group)))
    jax.block_until_ready(loss)
    first_call = time.perf_counter() - start
    for data in batches(steps):  # warm
        carry, loss = function(carry, data)
    jax.block_until_ready(loss)
    start = time.perf_counter()
    for data in batches(steps):
        carry, loss = function(carry, data)
    jax.block_until_ready(loss)
    elapsed = time.perf_counter() - start
    return {"steps_per_s": steps / elapsed, "first_call_s": first_call}


def child(variant, model_name):
    if variant == "loop":
        result = run_reference(model_name, scan=False)
    elif variant == "scan":
        result = run_reference(model_name, scan=True)
    else:
        library, spe = variant.split("_spe")
        if library == "keras":
            import keras as lib
        else:
            import kerasish as lib
        result = run_fit(lib, model_name, int(spe))
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


def keras_installed():
    try:
        import keras  # noqa: F401
    except ImportError:
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "MODEL"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    variants = ["loop", "scan", "kerasish_spe1", f"kerasish_spe{K}"]
    if keras_installed():
        variants += ["keras_spe1", f"keras_spe{K}"]
    environment = {**os.environ, "KERAS_BACKEND": "jax"}
    models = args.models.split(",")
    results = {(m, v): [] for m in models for v in variants}
    for repeat in range(args.repeats):
        for model_name in models:
            for variant in variants:
                output = subprocess.run(
                    [sys.executable, __file__, "--child", variant, model_name],
                    capture_output=True,
                    text=True,
                    env=environment,
                    check=False,
                )
                lines = [layer for layer in output.stdout.splitlines() if layer.startswith("{")]
                if output.returncode or not lines:
                    print(
                        f"{model_name}/{variant} failed:\n{output.stderr[-2000:]}", file=sys.stderr
                    )
                    continue
                results[(model_name, variant)].append(json.loads(lines[-1]))
        print(f"repeat {repeat + 1}/{args.repeats} done", file=sys.stderr)

    def median(model_name, variant, key):
        values = [r[key] for r in results[(model_name, variant)]]
        return statistics.median(values) if values else float("nan")

    print(f"\nmedians of {args.repeats} fresh-process runs; ratios >1 mean kerasish is faster")
    header = f"{'model':12} {'variant':15} {'steps/s':>9} {'first call s':>13} {'peak RSS MB':>12} {'vs loop':>8} {'vs scan':>8}"
    print(header)
    print("-" * len(header))
    for model_name in models:
        loop = median(model_name, "loop", "steps_per_s")
        scan = median(model_name, "scan", "steps_per_s")
        for variant in variants:
            rate = median(model_name, variant, "steps_per_s")
            print(
                f"{model_name:12} {variant:15} {rate:9.1f} {median(model_name, variant, 'first_call_s'):13.2f} "
                f"{median(model_name, variant, 'peak_rss_mb'):12.0f} {rate / loop:8.2f} {rate / scan:8.2f}"
            )
        first_ratio = median(model_name, "kerasish_spe1", "first_call_s") / median(
            model_name, "loop", "first_call_s"
        )
        rss_ratio = median(model_name, "kerasish_spe1", "peak_rss_mb") / median(
            model_name, "loop", "peak_rss_mb"
        )
        print(
            f"{model_name:12} {'ratios':15} first call kerasish/loop {first_ratio:.2f}, peak RSS kerasish/loop {rss_ratio:.2f}"
        )


if __name__ == "__main__":
    main()
