"""`StringLookup`, `IntegerLookup`, `TextVectorization` against Keras 3's recorded behaviour.

Keras's lookup and text layers need TensorFlow, which kerasish does not use, so
`make_lookup_golden.py` recorded them once into ``golden/lookup_*.json`` (the cases are in `lookup_cases`, the
comparison rules in `lookup_replay`); every step of every case is replayed here.
"""

import json
import os

import numpy as np
import pytest
from lookup_replay import check_case

import kerasish
from kerasish.layers import IntegerLookup, StringLookup, TextVectorization

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
LAYERS = {
    "StringLookup": StringLookup,
    "IntegerLookup": IntegerLookup,
    "TextVectorization": TextVectorization,
}


def _load(name):
    with open(os.path.join(GOLDEN, f"{name}.json"), encoding="utf-8") as file:
        payload = json.load(file)
    return [(payload["layer"], case) for case in payload["cases"]]


CASES = [
    *_load("lookup_string"),
    *_load("lookup_integer"),
    *_load("lookup_text_vectorization"),
]


@pytest.mark.parametrize(
    "class_name, case", CASES, ids=[f"{name}-{case['id']}" for name, case in CASES]
)
def test_matches_keras_golden(class_name, case):
    check_case(LAYERS[class_name], case)


def test_keras_saved_model_with_lookups_loads_and_predicts_the_same():
    # `golden/lookup_model.keras` was written by Keras 3: an adapted TF-IDF `StringLookup` (its
    # vocabulary an asset, its IDF weights a variable) and a `TextVectorization` before an
    # Embedding and a Dense layer.
    with open(os.path.join(GOLDEN, "lookup_model.json"), encoding="utf-8") as file:
        expected = json.load(file)
    model = kerasish.models.load_model(os.path.join(GOLDEN, "lookup_model.keras"))
    inputs = [np.array(expected["inputs"]["color"]), np.array(expected["inputs"]["review"])]
    np.testing.assert_allclose(model.predict(inputs, verbose=0), expected["outputs"], rtol=1e-5)
    assert model.get_layer("colors").get_vocabulary() == ["[UNK]", "[UNK]", "red", "blue", "green"]
