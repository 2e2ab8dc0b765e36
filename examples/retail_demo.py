"""`make demo`: the job kerasish exists for, end to end.

1. Generates a retail catalog (18,000 products) and shopping sessions with a fixed seed.
2. Trains a two-tower recommender with `fit` (in-batch softmax with log-q correction).
3. Compares recall@10/50 on held-out users with a most-popular baseline.
4. Exports the model with its catalog as an artifact (jax.export, no TensorFlow).
5. Serves it with `kerasish serve` (TensorFlow Serving's REST API), sends real HTTP requests
   and prints their latency percentiles, then stops the server.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import numpy as np

import kerasish as keras
from kerasish.jobs import retail, retail_data


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url, payload):
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _wait_until_up(url, server, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit("kerasish serve exited during start-up")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("kerasish serve did not start in time")


def serve_and_measure(base_path, data, requests=300):
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "kerasish", "serve", base_path, "--port", str(port)],
        env={**os.environ, "JAX_PLATFORMS": os.environ.get("JAX_PLATFORMS", "cpu")},
    )
    try:
        _wait_until_up(url, server)
        predict = f"{url}/v1/models/retail:predict"
        answer = _post(predict, {"instances": [{"history": data.test_history[0].tolist()}]})
        top = answer["predictions"][0]["product_ids"][:5]
        print(f"  a request for user 0 -> top products {top} (bought next: {data.test_target[0]})")
        latencies = []
        for index in range(requests):
            history = data.test_history[index % len(data.test_history)].tolist()
            started = time.perf_counter()
            _post(predict, {"instances": [{"history": history}]})
            latencies.append((time.perf_counter() - started) * 1000)
        p50, p95, p99 = np.percentile(latencies, [50, 95, 99])
        print(
            f"  {requests} sequential HTTP requests, top-50 of {data.products:,} products: "
            f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, p99 {p99:.2f} ms"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("  server stopped")


def main():
    started = time.time()
    keras.utils.set_random_seed(0)
    print("1. Generating the catalog and sessions (seed 0)...")
    data = retail_data.generate()
    print(
        f"  {data.products:,} products in {data.categories} categories; "
        f"{len(data.train_target):,} training purchases; {len(data.test_target):,} held-out users"
    )

    print("2. Training the two-tower model with fit...")
    model = retail.TwoTower(data.products, data.categories)
    model.compile(optimizer=keras.optimizers.Adam(0.002))
    model.fit(retail.training_inputs(data), batch_size=256, epochs=3, verbose=1)

    print("3. Recall on held-out users (their next purchase, products already bought excluded):")
    results = retail.evaluate(model, data)
    print(f"  {'':14} {'recall@10':>10} {'recall@50':>10}")
    for name, recall in results.items():
        print(f"  {name:14} {recall[10]:10.3f} {recall[50]:10.3f}")
    lift = results["model"][10] / max(results["most_popular"][10], 1e-9)
    print(f"  the model finds the next purchase {lift:.1f}x as often as the baseline at k=10")

    with tempfile.TemporaryDirectory() as directory:
        base_path = os.path.join(directory, "retail")
        print("4. Exporting the artifact (cpu, cuda and tpu; catalog included)...")
        retail.export(model, data, os.path.join(base_path, "1"))
        size = sum(
            os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(base_path) for f in files
        )
        print(f"  {base_path}/1: {size / 1e6:.1f} MB")
        print("5. Serving it over TensorFlow Serving's REST API...")
        serve_and_measure(base_path, data)
    print(f"Done in {time.time() - started:.0f} s.")


if __name__ == "__main__":
    main()
