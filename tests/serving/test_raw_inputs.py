"""`RawInputSignature` in process: every lookup layer kind at a model's inputs (StringLookup,
IntegerLookup, TextVectorization), rebuilt from an artifact's manifest, give the model's own
predictions on raw values read from JSON; an inverting IntegerLookup at an output maps ids to
ids, so it runs in the device part."""

import numpy as np
import pytest

import kerasish as keras
from kerasish.export import load
from kerasish.serving import codec
from kerasish.serving.raw_inputs import RawInputSignature, with_raw_inputs


def _model():
    keras.utils.set_random_seed(5)
    product = keras.Input((1,), dtype="int64", name="product")
    title = keras.Input((), dtype="string", name="title")
    color = keras.Input((1,), dtype="string", name="color")
    product_ids = keras.layers.IntegerLookup(vocabulary=[1138, 42, 900001], name="product_ids")
    words = keras.layers.TextVectorization(
        max_tokens=8, output_mode="multi_hot", vocabulary=["red", "shoe", "hat"], name="words"
    )
    colors = keras.layers.StringLookup(vocabulary=["red", "blue"], output_mode="one_hot")
    embedded = keras.layers.Flatten()(keras.layers.Embedding(4, 3)(product_ids(product)))
    merged = keras.layers.Concatenate()([embedded, words(title), colors(color)])
    score = keras.layers.Dense(3, name="score")(merged)
    best = keras.layers.Lambda(lambda s: keras.ops.argmax(s, axis=-1), name="best")(score)
    best_product = keras.layers.IntegerLookup(
        vocabulary=[1138, 42, 900001], invert=True, name="best_product"
    )(best)
    return keras.Model([product, title, color], [score, best_product])


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    path = tmp_path_factory.mktemp("raw") / "1"
    model = _model()
    model.export(path, verbose=False, platforms=("cpu",))
    return model, with_raw_inputs(load(path)).signatures["serving_default"]


REQUEST = {
    "instances": [
        {"product": [42], "title": "red shoe", "color": ["blue"]},
        {"product": [7], "title": "green hat hat", "color": ["red"]},  # 7: out of vocabulary
        {"product": [900001], "title": "", "color": ["pink"]},
    ]
}


def _serve(signature, request):
    _, columns, _ = codec.parse_predict(request, {"serving_default": signature})
    return signature.postprocess(signature(signature.check_inputs(columns)))


def test_raw_values_of_every_lookup_kind_give_the_model_predictions(exported):
    model, signature = exported
    assert isinstance(signature, RawInputSignature)
    rows = REQUEST["instances"]
    scores, best = model.predict(
        [
            np.array([r["product"] for r in rows]),
            np.array([r["title"] for r in rows]),
            np.array([r["color"] for r in rows]),
        ],
        verbose=0,
    )
    outputs = _serve(signature, REQUEST)
    np.testing.assert_allclose(outputs["score"], scores, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(outputs["best_product"], best)
    response = codec.predict_response(outputs, row_format=True)
    assert [p["best_product"] for p in response["predictions"]] == best.tolist()


def test_signature_describes_raw_inputs_and_mapped_outputs(exported):
    _, signature = exported
    assert {k: v["dtype"] for k, v in signature.inputs.items()} == {
        "product": "int64",
        "title": "string",
        "color": "string",
    }
    assert signature.outputs["best_product"]["dtype"] == "int32"  # int ids: on the device
    assert signature.outputs["score"] == {"shape": [None, 3], "dtype": "float32"}


def test_missing_raw_input_names_the_inputs(exported):
    _, signature = exported
    with pytest.raises(ValueError, match="Missing input 'color'"):
        signature.check_inputs({"product": np.array([[42]]), "title": np.array(["hat"])})
