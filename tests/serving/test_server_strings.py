"""`kerasish serve` on an artifact whose model maps strings on the host (StringLookup):
requests carry raw strings, the server maps them with the exported vocabulary, and the answer
maps ids back to strings (`StringLookup(invert=True)` at an output)."""

import os
import subprocess
import sys
import time

import httpx
import numpy as np
import pytest
from test_server import _free_port

import kerasish as keras

VOCABULARY = ["paris", "oslo", "lima"]


def _model():
    keras.utils.set_random_seed(3)
    city = keras.Input((1,), dtype="string", name="city")
    age = keras.Input((1,), name="age")
    ids = keras.layers.StringLookup(vocabulary=VOCABULARY, name="city_ids")(city)
    embedded = keras.layers.Flatten()(keras.layers.Embedding(4, 3)(ids))
    merged = keras.layers.Concatenate()([embedded, age])
    score = keras.layers.Dense(4, name="score")(merged)
    best = keras.layers.Lambda(lambda e: keras.ops.argmax(e, axis=-1), name="best")(embedded)
    best_city = keras.layers.StringLookup(vocabulary=VOCABULARY, invert=True, name="best_city")
    return keras.Model({"city": city, "age": age}, [score, best_city(best)])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("strings")
    model = _model()
    model.export(root / "cities" / "1", verbose=False, platforms=("cpu",))
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kerasish", "serve", str(root / "cities"), "--port", str(port)],
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
    yield url, model
    process.terminate()
    process.wait(timeout=30)


def _predict(url, payload):
    return httpx.post(f"{url}/v1/models/cities:predict", json=payload, timeout=30)


def test_raw_strings_give_the_predictions_of_the_model(served):
    url, model = served
    cities = ["oslo", "lima", "berlin", "paris"]  # "berlin" is out of vocabulary
    ages = [31.0, 45.0, 22.0, 60.0]
    response = _predict(
        url, {"instances": [{"city": [c], "age": [a]} for c, a in zip(cities, ages)]}
    )
    assert response.status_code == 200, response.text
    scores, best = model.predict(
        {"city": np.array(cities)[:, None], "age": np.array(ages, "float32")[:, None]}, verbose=0
    )
    predictions = response.json()["predictions"]
    np.testing.assert_allclose([p["score"] for p in predictions], scores, rtol=1e-5, atol=1e-6)
    assert [p["best_city"] for p in predictions] == best.tolist()
    assert len(set(best.tolist())) > 1  # the tail really maps several ids


def test_ids_for_the_device_signature_still_work(served):
    url, model = served
    oslo = VOCABULARY.index("oslo") + 1  # index 0 is the OOV token
    response = _predict(url, {"instances": [{"city_ids": [oslo], "age": [31.0]}]})
    assert response.status_code == 200, response.text
    scores, best = model.predict(
        {"city": np.array([["oslo"]]), "age": np.array([[31.0]], "float32")}, verbose=0
    )
    np.testing.assert_allclose(response.json()["predictions"][0]["score"], scores[0], rtol=1e-5)
    assert response.json()["predictions"][0]["best_city"] == best[0]


def test_columnar_format_and_base64_strings(served):
    url, model = served
    response = _predict(
        url,
        {"inputs": {"city": [[{"b64": "b3Nsbw=="}]], "age": [[40.0]]}},  # b"oslo"
    )
    assert response.status_code == 200, response.text
    scores, best = model.predict(
        {"city": np.array([["oslo"]]), "age": np.array([[40.0]], "float32")}, verbose=0
    )
    outputs = response.json()["outputs"]
    np.testing.assert_allclose(outputs["score"], scores, rtol=1e-5, atol=1e-6)
    assert outputs["best_city"] == best.tolist()


def test_metadata_shows_the_raw_string_input(served):
    url, _ = served
    metadata = httpx.get(f"{url}/v1/models/cities/metadata").json()
    inputs = metadata["metadata"]["signature_def"]["signature_def"]["serving_default"]["inputs"]
    assert inputs["city"]["dtype"] == "DT_STRING"
    assert inputs["age"]["dtype"] == "DT_FLOAT"
    outputs = metadata["metadata"]["signature_def"]["signature_def"]["serving_default"]["outputs"]
    assert outputs["best_city"]["dtype"] == "DT_STRING"
    assert outputs["score"]["dtype"] == "DT_FLOAT"


def test_a_number_where_a_string_is_expected_is_a_400_and_serving_goes_on(served):
    url, _ = served
    response = _predict(url, {"instances": [{"city": [7], "age": [1.0]}]})
    assert response.status_code == 400
    assert "takes strings" in response.json()["error"]
    assert _predict(url, {"instances": [{"city": ["lima"], "age": [1.0]}]}).status_code == 200
