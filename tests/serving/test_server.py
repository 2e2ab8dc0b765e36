"""The REST server, through a real HTTP client against `kerasish serve` in its own process."""

import asyncio
import os
import re
import socket
import subprocess
import sys
import time

import httpx
import numpy as np
import pytest

import kerasish as keras


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _single_io_model(seed):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((3,), name="x")
    return keras.Model(inputs, keras.layers.Dense(2, name="y")(inputs))


def _two_io_model():
    keras.utils.set_random_seed(7)
    a, b = keras.Input((2,), name="a"), keras.Input((1,), dtype="int32", name="b")
    merged = keras.layers.Concatenate(name="merged")([a, keras.layers.Embedding(5, 2)(b)[:, 0]])
    return keras.Model({"a": a, "b": b}, [keras.layers.Dense(1, name="sum")(merged), merged])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("serving")
    models = {1: _single_io_model(1), 2: _single_io_model(2)}
    for version, model in models.items():
        model.export(root / "mlp" / str(version), verbose=False, platforms=("cpu",))
    two = _two_io_model()
    two.export(root / "two" / "3", verbose=False, platforms=("cpu",))
    port = _free_port()
    (root / "serving.toml").write_text(
        f"""
[server]
port = {port}
max_batch_size = 16
batch_timeout_ms = 3.0
max_body_bytes = 20000

[[models]]
name = "mlp"
base_path = "mlp"
versions = "all"
labels = {{ stable = 1, canary = 2 }}

[[models]]
name = "two"
base_path = "two"
"""
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "kerasish", "serve", "--config", str(root / "serving.toml")],
        env={**os.environ, "JAX_PLATFORMS": "cpu"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.time() > deadline:
            process.kill()
            raise RuntimeError(process.stdout.read().decode())
        time.sleep(0.2)
    yield url, models, two
    process.terminate()
    process.wait(timeout=30)


def _post(url, path, payload=None, content=None):
    return httpx.post(f"{url}/v1/models/{path}", json=payload, content=content, timeout=30)


def test_status_of_all_versions_one_version_and_a_label(served):
    url, _, _ = served
    status = httpx.get(f"{url}/v1/models/mlp").json()
    assert status == {
        "model_version_status": [
            {
                "version": v,
                "state": "AVAILABLE",
                "status": {"error_code": "OK", "error_message": ""},
            }
            for v in ("1", "2")
        ]
    }
    assert (
        httpx.get(f"{url}/v1/models/mlp/versions/2").json()["model_version_status"][0]["version"]
        == "2"
    )
    labelled = httpx.get(f"{url}/v1/models/mlp/labels/stable").json()
    assert labelled["model_version_status"][0]["version"] == "1"


def test_metadata_has_tf_serving_signature_defs(served):
    url, _, _ = served
    metadata = httpx.get(f"{url}/v1/models/two/metadata").json()
    assert metadata["model_spec"] == {"name": "two", "signature_name": "", "version": "3"}
    signature = metadata["metadata"]["signature_def"]["signature_def"]["serving_default"]
    assert signature["method_name"] == "tensorflow/serving/predict"
    assert signature["inputs"]["b"]["dtype"] == "DT_INT32"
    assert signature["inputs"]["a"]["tensor_shape"]["dim"] == [
        {"size": "-1", "name": ""},
        {"size": "2", "name": ""},
    ]
    assert set(signature["outputs"]) == {"sum", "merged"}


def test_predict_row_and_columnar_single_output(served):
    url, models, _ = served
    x = np.arange(6, dtype="float32").reshape(2, 3)
    rows = _post(url, "mlp:predict", {"instances": x.tolist()})
    assert rows.status_code == 200
    np.testing.assert_allclose(rows.json()["predictions"], models[2].predict(x, verbose=0), 1e-5)
    columns = _post(url, "mlp/versions/1:predict", {"inputs": {"x": x.tolist()}})
    np.testing.assert_allclose(columns.json()["outputs"], models[1].predict(x, verbose=0), 1e-5)
    labelled = _post(url, "mlp/labels/canary:predict", {"instances": [{"x": x[0].tolist()}]})
    np.testing.assert_allclose(
        labelled.json()["predictions"], models[2].predict(x[:1], verbose=0), 1e-5
    )


def test_predict_several_inputs_and_outputs(served):
    url, _, two = served
    a, b = np.array([[1.0, 2.0], [3.0, 4.0]], "float32"), np.array([[1], [4]], "int32")
    expected_sum, expected_merged = two.predict({"a": a, "b": b}, verbose=0)
    rows = _post(
        url,
        "two:predict",
        {"instances": [{"a": a[i].tolist(), "b": b[i].tolist()} for i in range(2)]},
    ).json()["predictions"]
    assert [sorted(row) for row in rows] == [["merged", "sum"]] * 2
    np.testing.assert_allclose([row["sum"] for row in rows], expected_sum, 1e-5)
    columns = _post(url, "two:predict", {"inputs": {"a": a.tolist(), "b": b.tolist()}})
    np.testing.assert_allclose(columns.json()["outputs"]["merged"], expected_merged, 1e-5)


@pytest.mark.parametrize(
    "path, payload, content, status, message",
    [
        ("mlp:predict", None, b"{not json", 400, "Malformed JSON"),
        ("mlp:predict", {"instances": [[1, 2, 3]], "signature_name": "nope"}, None, 400, "nope"),
        ("mlp:predict", {"instances": [[1, 2]]}, None, 400, r"shape \(None, 3\)"),
        ("mlp:predict", {"instances": [["a", "b", "c"]]}, None, 400, "not all numbers"),
        ("mlp:predict", {"instances": [[1, 2, 3]], "inputs": [[1, 2, 3]]}, None, 400, "exactly"),
        ("mlp:predict", {"instances": []}, None, 400, "non-empty"),
        ("two:predict", {"inputs": {"a": [[1.0, 2.0]]}}, None, 400, "signature's inputs"),
        ("two:predict", {"inputs": {"a": [[1.0, 2.0]], "b": [[1], [2]]}}, None, 400, "0-th"),
        ("missing:predict", {"instances": [[1, 2, 3]]}, None, 404, "Servable not found"),
        ("mlp/versions/9:predict", {"instances": [[1, 2, 3]]}, None, 404, "Specific"),
        ("mlp/labels/beta:predict", {"instances": [[1, 2, 3]]}, None, 404, "label"),
        ("mlp:classify", {"examples": []}, None, 501, "not supported"),
        ("mlp:predict", None, b'{"instances": [' + b"1," * 20000 + b"1]}", 413, "exceeds"),
    ],
)
def test_bad_requests_get_json_errors_and_the_server_keeps_serving(
    served, path, payload, content, status, message
):
    url, _, _ = served
    response = _post(url, path, payload, content)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert re.search(message, response.json()["error"], re.IGNORECASE), response.json()
    ok = _post(url, "mlp:predict", {"instances": [[1.0, 2.0, 3.0]]})
    assert ok.status_code == 200


def test_concurrent_requests_are_batched_and_answered_to_their_callers(served):
    url, models, _ = served
    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal((1 + i % 3, 3)).astype("float32") for i in range(40)]

    async def burst():
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            requests = [
                client.post("/v1/models/mlp:predict", json={"instances": x.tolist()})
                for x in inputs
            ]
            # A malformed request in the middle of the burst fails alone.
            requests.insert(20, client.post("/v1/models/mlp:predict", content=b"[1, 2"))
            return await asyncio.gather(*requests)

    before = _metric(url, "kerasish_batch_size_count", 'model="mlp"')
    responses = asyncio.run(burst())
    assert responses[20].status_code == 400
    answers = responses[:20] + responses[21:]
    for x, response in zip(inputs, answers):
        assert response.status_code == 200
        np.testing.assert_allclose(
            response.json()["predictions"], models[2].predict(x, verbose=0), 1e-5
        )
    batches = _metric(url, "kerasish_batch_size_count", 'model="mlp"') - before
    assert 1 <= batches < len(inputs)


def _metric(url, name, label):
    text = httpx.get(f"{url}/metrics").text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name) and label in line
    )


def test_metrics_count_requests_by_status(served):
    url, _, _ = served
    _post(url, "mlp:predict", {"instances": [[1, 2]]})
    text = httpx.get(f"{url}/metrics").text
    assert 'kerasish_requests_total{code="400",method="predict",model="mlp"}' in text
    assert "kerasish_request_latency_seconds_bucket" in text


def test_unknown_routes_are_json_404(served):
    url, _, _ = served
    response = httpx.get(f"{url}/v2/whatever")
    assert response.status_code == 404
    assert "error" in response.json()
