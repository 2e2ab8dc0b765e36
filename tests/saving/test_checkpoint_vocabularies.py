"""Adapted vocabularies (and TF-IDF weights) are checkpoint state: they restore with the model."""

import numpy as np
import pytest

import kerasish as keras
from kerasish.saving import Checkpointer


def _model(output_mode):
    text = keras.Input((1,), dtype="string", name="text")
    vectorize = keras.layers.TextVectorization(
        max_tokens=12, output_mode=output_mode, pad_to_max_tokens=True, name="vectorize"
    )
    lookup = keras.layers.StringLookup(name="city_ids")
    city = keras.Input((1,), dtype="string", name="city")
    score = keras.layers.Dense(1, name="score")(
        keras.layers.Flatten()(keras.layers.Embedding(8, 2)(lookup(city)))
    )
    model = keras.Model({"text": text, "city": city}, {"score": score, "words": vectorize(text)})
    return model, vectorize, lookup


DATA = {
    "text": np.array([["the cat sat"], ["the dog ran"], ["a cat ran far"], ["zebra"]]),
    "city": np.array([["oslo"], ["lima"], ["oslo"], ["rome"]]),
}


@pytest.mark.parametrize("output_mode", ["multi_hot", "tf_idf"])
def test_adapted_vocabularies_restore_into_a_fresh_model(tmp_path, output_mode):
    model, vectorize, lookup = _model(output_mode)
    vectorize.adapt(DATA["text"][:3, 0])
    lookup.adapt(DATA["city"][:3])
    model.compile("adam", {"score": "mse"})
    model.fit(DATA, {"score": np.ones((4, 1))}, verbose=0)
    with Checkpointer(tmp_path) as checkpointer:
        checkpointer.save(1, model)

    fresh, fresh_vectorize, fresh_lookup = _model(output_mode)
    fresh.compile("adam", {"score": "mse"})
    fresh_vectorize.adapt(["unrelated words"])
    fresh_lookup.adapt(np.array([["x"]]))
    fresh.predict(DATA, verbose=0)
    fresh.optimizer.build(fresh.trainable_variables)
    Checkpointer(tmp_path).restore(fresh)

    assert fresh_vectorize.get_vocabulary() == vectorize.get_vocabulary()
    assert fresh_lookup.get_vocabulary() == lookup.get_vocabulary()
    ours, theirs = fresh.predict(DATA, verbose=0), model.predict(DATA, verbose=0)
    for name in ("score", "words"):
        np.testing.assert_array_equal(ours[name], theirs[name])


def test_adapting_again_after_a_compiled_call_takes_effect():
    """Boundaries and TF-IDF weights are constants of the compiled calls: a new `adapt`
    retraces them instead of serving the old values."""
    values = keras.Input((1,), name="values")
    discretize = keras.layers.Discretization(num_bins=2)
    model = keras.Model(values, discretize(values))
    discretize.adapt(np.array([[0.0], [1.0], [2.0], [3.0]]))
    x = np.array([[1.0], [2.5]], "float32")
    first = [model.predict(x, verbose=0), np.asarray(model(x))]
    discretize.adapt(np.array([[2.0], [3.0], [4.0], [5.0]]))
    expected = np.asarray(discretize(x))
    for output in (model.predict(x, verbose=0), np.asarray(model(x))):
        np.testing.assert_array_equal(output, expected)
    assert not np.array_equal(first[0], expected)
