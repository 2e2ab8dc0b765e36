"""Serving latency and throughput of `kerasish serve` on a two-tower retrieval artifact.

The model: a user tower (64 features -> 256 -> 128) scored against an 18,000-product catalog
(128-d, held by `BruteForceRetrieval`), top-50, with per-request excluded product ids (business
rules). An open-loop generator sends requests at fixed rates over HTTP (keep-alive) and
reports p50/p95/p99 latency; one client sending back to back shows the fixed cost of a request;
a closed loop with many concurrent clients finds the saturation throughput. The same artifact
called in-process (no HTTP) is the reference, back to back and paced at the HTTP rates: calls
spaced out run slower (caches and idle cores go cold), so the HTTP rows compare with the paced
row of the same rate. Other jobs on the machine move every number: compare rows of one run.

    python benchmarks/serving.py [--duration 5] [--rates 50,200,1000]
"""

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import numpy as np

FEATURES, PRODUCTS, WIDTH, TOP_K, EXCLUDED = 64, 18_000, 128, 50, 16


def build_artifact(directory):
    import jax

    import kerasish as keras

    keras.utils.set_random_seed(0)
    features = keras.Input((FEATURES,), name="user_features")
    hidden = keras.layers.Dense(256, activation="relu")(features)
    query = keras.layers.Dense(WIDTH, name="query_embedding")(hidden)
    tower = keras.Model(features, query, name="user_tower")
    retrieval = keras.layers.BruteForceRetrieval(k=TOP_K, name="retrieval")
    rng = np.random.default_rng(0)
    retrieval.update_candidates(
        rng.standard_normal((PRODUCTS, WIDTH)).astype("float32"),
        candidate_ids=np.arange(100_000, 100_000 + PRODUCTS),
    )

    def recommend(inputs):
        candidate_ids = retrieval.candidate_ids.value
        hits = candidate_ids[None, None, :] == inputs["excluded_ids"][:, :, None]
        query = tower(inputs["user_features"])
        scores, ids = retrieval(query, candidate_mask=~hits.any(axis=1))
        return {"scores": scores, "product_ids": ids}

    archive = keras.export.ExportArchive()
    archive.track(tower)
    archive.track(retrieval)
    archive.add_endpoint(
        "serving_default",
        recommend,
        {
            "user_features": jax.ShapeDtypeStruct((None, FEATURES), "float32"),
            "excluded_ids": jax.ShapeDtypeStruct((None, EXCLUDED), "int32"),
        },
    )
    archive.write_out(os.path.join(directory, "recommender", "1"), verbose=False)


def _payload(rng):
    return {
        "instances": [
            {
                "user_features": rng.standard_normal(FEATURES).round(4).tolist(),
                "excluded_ids": rng.integers(100_000, 100_000 + PRODUCTS, EXCLUDED).tolist(),
            }
        ]
    }


def _percentiles(latencies):
    values = np.asarray(latencies) * 1000
    return np.percentile(values, 50), np.percentile(values, 95), np.percentile(values, 99)


class _Connection:
    """A minimal keep-alive HTTP/1.1 client: httpx's pool costs more CPU per request than
    the server does, which would make this benchmark measure the client."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def post(self, path, body):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await self.reader.readexactly(length)
        return status

    def close(self):
        if self.writer is not None:
            self.writer.close()


PREDICT = "/v1/models/recommender:predict"


async def open_loop(port, rate, duration, bodies, connections=128):
    pool = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(_Connection("127.0.0.1", port))
    latencies, failures = [], 0

    async def one(body):
        nonlocal failures
        connection = await pool.get()
        started = time.perf_counter()
        try:
            failures += await connection.post(PREDICT, body) != 200
        finally:
            latencies.append(time.perf_counter() - started)
            pool.put_nowait(connection)

    tasks, start = [], time.perf_counter()
    for index in range(int(rate * duration)):
        delay = start + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(bodies[index % len(bodies)])))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    while not pool.empty():
        pool.get_nowait().close()
    return latencies, failures, len(latencies) / elapsed


async def closed_loop(port, clients, duration, bodies):
    """``(latencies, failures, req/s)`` of ``clients`` sending back to back."""
    latencies, failures, stop = [], 0, time.perf_counter() + duration

    async def worker(offset):
        nonlocal failures
        connection, index = _Connection("127.0.0.1", port), offset
        while time.perf_counter() < stop:
            started = time.perf_counter()
            failures += await connection.post(PREDICT, bodies[index % len(bodies)]) != 200
            latencies.append(time.perf_counter() - started)
            index += clients
        connection.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(clients)))
    return latencies, failures, len(latencies) / (time.perf_counter() - start)


def in_process(signature, payloads, rate=None, repeats=500):
    """Latencies of the signature called on one example at a time, back to back or at
    ``rate`` calls per second."""
    inputs = [
        {k: np.asarray([v]) for k, v in p["instances"][0].items()} for p in payloads[:repeats]
    ]
    for x in inputs[:20]:
        signature(x)["product_ids"].block_until_ready()
    latencies, start = [], time.perf_counter()
    for index, x in enumerate(inputs):
        if rate:
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        started = time.perf_counter()
        signature(x)["product_ids"].block_until_ready()
        latencies.append(time.perf_counter() - started)
    return latencies


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--rates", default="50,200,1000")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--max-batch-size", type=int, default=32)
    parser.add_argument("--paced-rate", type=float, default=200.0)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    payloads = [_payload(rng) for _ in range(1000)]
    bodies = [json.dumps(p).encode() for p in payloads]
    with tempfile.TemporaryDirectory() as directory:
        build_artifact(directory)
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable, "-m", "kerasish", "serve", os.path.join(directory, "recommender"),
                "--port", str(port), "--max-batch-size", str(args.max_batch_size),
            ],
            env={**os.environ, "JAX_PLATFORMS": os.environ.get("JAX_PLATFORMS", "cpu")},
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, server)
            print(f"{'load':>26} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} | req/s | fail")
            from kerasish.export import load

            artifact = load(os.path.join(directory, "recommender", "1"))
            signature = artifact.signatures["serving_default"]
            for rate in (None, args.paced_rate):
                values = _percentiles(in_process(signature, payloads, rate))
                label = "in-process, back to back" if rate is None else f"in-process, {rate:.0f}/s"
                print(f"{label:>26} | " + " | ".join(f"{v:7.2f}" for v in values))
            asyncio.run(open_loop(port, 50, 1.0, bodies))  # warm connections
            latencies, failures, achieved = asyncio.run(closed_loop(port, 1, 2.0, bodies))
            p50, p95, p99 = _percentiles(latencies)
            print(f"{'one client, back to back':>26} | {p50:7.2f} | {p95:7.2f} | {p99:7.2f} | "
                  f"{achieved:5.0f} | {failures}")  # fmt: skip
            for rate in [float(r) for r in args.rates.split(",")]:
                latencies, failures, achieved = asyncio.run(
                    open_loop(port, rate, args.duration, bodies)
                )
                p50, p95, p99 = _percentiles(latencies)
                label = f"open loop {rate:.0f} req/s"
                print(f"{label:>26} | {p50:7.2f} | {p95:7.2f} | {p99:7.2f} | {achieved:5.0f} | "
                      f"{failures}")  # fmt: skip
            _, failures, throughput = asyncio.run(
                closed_loop(port, args.clients, args.duration, bodies)
            )
            label = f"saturation, {args.clients} clients"
            print(f"{label:>26} | {'':>7} | {'':>7} | {'':>7} | {throughput:5.0f} | {failures}")
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_until_up(url, server):
    import httpx

    deadline = time.time() + 180
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the server did not start in time")


if __name__ == "__main__":
    main()
