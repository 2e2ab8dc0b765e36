"""Inference latency: `predict`, `model(x)` and `predict_on_batch` vs the jitted pure apply.

For each model: p50/p95 microseconds at batch 1 for ``model.predict(x, verbose=0)``,
``model(x)``, ``model.predict_on_batch(x)`` and ``jax.jit(model.apply)``; and throughput
at batch 1024. Calls are interleaved round-robin so machine noise hits all variants alike.
Keras 3's figures are measured in the same process when it is installed.

Reproduce: ``.venv/bin/python benchmarks/inference_latency.py --rounds 300``.
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import numpy as np  # noqa: E402
from train_throughput import build_model, make_data  # noqa: E402

import kerasish  # noqa: E402


def timed(function, rounds):
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        jax.block_until_ready(function())
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples, q):
    return float(np.percentile(samples, q)) * 1e6


def measure(lib, model_name, rounds, with_pure):
    x, _ = make_data(model_name, 1, 1024)
    one = jax.tree.map(lambda a: a[:1], x)
    model = build_model(lib, model_name, 1)
    variants = {
        "predict": lambda: model.predict(one, verbose=0),
        "model(x)": lambda: model(one),
        "predict_on_batch": lambda: model.predict_on_batch(one),
    }
    if with_pure:
        params, state = model.init(jax.random.key(0))
        apply = jax.jit(lambda p, s, inputs: model.apply(p, s, inputs)[0])
        variants["jit(apply)"] = lambda: apply(params, state, one)
        big_apply = lambda: apply(params, state, x)  # noqa: E731
    for function in variants.values():
        for _ in range(5):
            jax.block_until_ready(function())
    samples = {name: [] for name in variants}
    for _ in range(rounds):
        for name, function in variants.items():
            samples[name].extend(timed(function, 1))
    big = {"predict b1024": lambda: model.predict(x, batch_size=1024, verbose=0)}
    if with_pure:
        big["jit(apply) b1024"] = big_apply
    for function in big.values():
        jax.block_until_ready(function())
    batch = {name: [] for name in big}
    for _ in range(max(rounds // 10, 5)):  # interleaved, as the batch-1 calls
        for name, function in big.items():
            batch[name].extend(timed(function, 1))
    return samples, batch


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--models", default="mlp,transformer")
    args = parser.parse_args()
    libraries = [("kerasish", kerasish, True)]
    try:
        import keras

        libraries.append(("keras", keras, False))
    except ImportError:
        pass
    print(f"p50/p95 microseconds at batch 1 over {args.rounds} interleaved rounds")
    for model_name in args.models.split(","):
        reference = None
        for label, lib, with_pure in libraries:
            samples, batch = measure(lib, model_name, args.rounds, with_pure)
            if with_pure:
                reference = statistics.median(samples["jit(apply)"]) * 1e6
                reference_batch = statistics.median(batch["jit(apply) b1024"])
            for name, values in samples.items():
                p50 = percentile(values, 50)
                print(
                    f"{model_name:12} {label:9} {name:18} p50 {p50:9.0f}  p95 {percentile(values, 95):9.0f}"
                    f"  x{p50 / reference:5.2f} of jit(apply)"
                )
            for name, values in batch.items():
                median = statistics.median(values)
                print(
                    f"{model_name:12} {label:9} {name:18} {1024 / median:9.0f} samples/s"
                    f"  x{reference_batch / median:5.2f} of jit(apply) throughput"
                )


if __name__ == "__main__":
    main()
