"""Records Keras 3's lookup and text layers into the golden files the default test run checks.

Keras's `StringLookup`, `IntegerLookup` and `TextVectorization` need TensorFlow, which kerasish
does not use; this script runs once where both are installed, on the TensorFlow backend::

    /work/tfenv/bin/python tests/layers/preprocessing/make_lookup_golden.py

The cases are `lookup_cases.CASE_SETS`; each goes to ``golden/<set>.json``. It also saves a
small Keras model with adapted lookups as ``golden/lookup_model.keras`` and its predictions
in ``golden/lookup_model.json``.
"""

import json
import os
import sys

import lookup_cases
import lookup_replay

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
CLASS_NAMES = {
    "lookup_string": "StringLookup",
    "lookup_integer": "IntegerLookup",
    "lookup_text_vectorization": "TextVectorization",
}


MODEL_INPUTS = {
    "color": [["red"], ["blue"], ["teal"], ["red"]],
    "review": [["A good film."], ["bad, BAD film"], ["unseen words"], [""]],
}


def save_model(keras):
    """A Keras-written ``.keras`` model with adapted lookups, and its predictions on
    `MODEL_INPUTS`: kerasish must load the file and predict the same."""
    import numpy as np

    color = keras.Input((1,), dtype="string", name="color")
    review = keras.Input((1,), dtype="string", name="review")
    colors = keras.layers.StringLookup(output_mode="tf_idf", num_oov_indices=2, name="colors")
    colors.adapt(np.array([["red", "red"], ["blue", "green"], ["red", "blue"]]))
    words = keras.layers.TextVectorization(output_sequence_length=4, name="words")
    words.adapt(["a good film", "a bad film", "good good"])
    embedded = keras.layers.Flatten()(keras.layers.Embedding(8, 2, name="embedding")(words(review)))
    features = keras.layers.Concatenate()([colors(color), embedded])
    model = keras.Model([color, review], keras.layers.Dense(2, name="dense")(features))
    rng = np.random.default_rng(0)
    model.set_weights([rng.standard_normal(w.shape).astype("float32") for w in model.get_weights()])
    model.save(os.path.join(GOLDEN, "lookup_model.keras"))
    inputs = [np.array(MODEL_INPUTS["color"]), np.array(MODEL_INPUTS["review"])]
    return {"inputs": MODEL_INPUTS, "outputs": np.asarray(model(inputs)).tolist()}


def main():
    os.environ["KERAS_BACKEND"] = "tensorflow"
    import keras

    os.makedirs(GOLDEN, exist_ok=True)
    for name, build in lookup_cases.CASE_SETS.items():
        layer_cls = getattr(keras.layers, CLASS_NAMES[name])
        records = [
            lookup_replay.record_case(layer_cls, case_id, kwargs, steps)
            for case_id, (kwargs, steps) in build().items()
        ]
        payload = {
            "keras_version": keras.__version__,
            "layer": layer_cls.__name__,
            "cases": records,
        }
        path = os.path.join(GOLDEN, f"{name}.json")
        with open(path, "w", encoding="utf-8") as file:
            json.dump(payload, file, indent=1, ensure_ascii=False)
            file.write("\n")
        print(f"wrote {path}: {len(records)} cases", file=sys.stderr)
    with open(os.path.join(GOLDEN, "lookup_model.json"), "w", encoding="utf-8") as file:
        json.dump({"keras_version": keras.__version__, **save_model(keras)}, file, indent=1)
        file.write("\n")


if __name__ == "__main__":
    main()
