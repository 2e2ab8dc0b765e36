"""Data-parallel training on 8 fake CPU devices: kerasish `fit` under `DataParallel` vs a
hand-written `jax.jit` + optax step on the same mesh with the same shardings.

The 8 devices share this machine's cores, so only the ratio means anything. Repeats are
interleaved and the table reports medians.

Reproduce: ``.venv/bin/python benchmarks/distributed.py --repeats 5``.
"""

import os

os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=8"
os.environ.setdefault("KERAS_BACKEND", "jax")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import jax  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
from jax.sharding import NamedSharding, PartitionSpec  # noqa: E402

import kerasish  # noqa: E402
from kerasish import distribution  # noqa: E402

BATCH, STEPS, FEATURES = 256, 40, 256


def build():
    return kerasish.Sequential(
        [
            kerasish.Input((FEATURES,)),
            kerasish.layers.Dense(512, activation="relu"),
            kerasish.layers.Dense(512, activation="relu"),
            kerasish.layers.Dense(10),
        ]
    )


def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH * STEPS, FEATURES)).astype("float32")
    return x, rng.integers(0, 10, BATCH * STEPS).astype("int32")


def kerasish_fit(x, y):
    with distribution.DataParallel().scope():
        model = build()
        model.compile(
            optimizer=kerasish.optimizers.Adam(1e-3),
            loss=kerasish.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)  # compile

        def run():
            start = time.perf_counter()
            model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
            return (time.perf_counter() - start) / STEPS

    return run


def hand_written(x, y):
    mesh = jax.sharding.Mesh(np.array(jax.devices()), ("batch",))
    replicated, split = (
        NamedSharding(mesh, PartitionSpec()),
        NamedSharding(mesh, PartitionSpec("batch")),
    )
    model = build()
    params, state = model.init(jax.random.key(0))
    optimizer = optax.adam(1e-3)
    carry = jax.device_put((params, optimizer.init(params)), replicated)
    carry = jax.tree.map(lambda a: a.copy(), carry)  # a replicated device_put aliases its source

    def loss_fn(params, xb, yb):
        logits, _ = model.apply(params, state, xb)
        return optax.softmax_cross_entropy_with_integer_labels(logits, yb).mean()

    @jax.jit
    def step(carry, xb, yb):
        params, opt_state = carry
        loss, grads = jax.value_and_grad(loss_fn)(params, xb, yb)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return (optax.apply_updates(params, updates), opt_state), loss

    step = jax.jit(step.__wrapped__, donate_argnums=0)
    batches = [
        (x[i * BATCH : (i + 1) * BATCH], y[i * BATCH : (i + 1) * BATCH]) for i in range(STEPS)
    ]
    holder = {"carry": carry}

    def epoch():
        loss = None
        for xb, yb in batches:
            xb, yb = jax.device_put(xb, split), jax.device_put(yb, split)
            holder["carry"], loss = step(holder["carry"], xb, yb)
        jax.block_until_ready(loss)

    epoch()  # compile

    def run():
        start = time.perf_counter()
        epoch()
        return (time.perf_counter() - start) / STEPS

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    x, y = data()
    variants = {
        "hand-written jit (same mesh)": hand_written(x, y),
        "kerasish DataParallel fit": kerasish_fit(x, y),
    }
    samples = {name: [] for name in variants}
    for _ in range(args.repeats):
        for name, run in variants.items():
            samples[name].append(run())
    reference = statistics.median(samples["hand-written jit (same mesh)"])
    print(f"{jax.device_count()} devices, batch {BATCH}, MLP {FEATURES}-512-512-10, {STEPS} steps")
    print("| variant | ms/step (median) | speed vs hand-written |")
    print("|---|---|---|")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"| {name} | {median * 1e3:.2f} | {reference / median:.2f}x |")


if __name__ == "__main__":
    main()
