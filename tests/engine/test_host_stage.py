"""Host stages: models whose inputs are strings (or int64 ids) train, predict and export with
their lookups running on the host and only integer indices reaching the jitted part."""

import jax
import numpy as np
import pytest

import kerasish
from kerasish import layers
from kerasish.engine import pure
from kerasish.engine.host_stage import host_stage_of
from kerasish.engine.keras_tensor import KerasTensor
from kerasish.export import load

COLORS = np.array(["red", "green", "blue", "pink", "cyan", "gray"])


@pytest.fixture(autouse=True)
def _fast_compilation():
    previous = jax.config.read("jax_disable_most_optimizations")
    jax.config.update("jax_disable_most_optimizations", True)
    yield
    jax.config.update("jax_disable_most_optimizations", previous)


def color_data(rows=48, seed=0):
    x = COLORS[np.random.default_rng(seed).integers(0, len(COLORS), size=(rows, 1))]
    y = np.isin(x[:, 0], ["red", "pink"]).astype("float32")[:, None]
    return x, y


def color_model():
    inputs = kerasish.Input((1,), dtype="string", name="color")
    indices = layers.StringLookup(vocabulary=["red", "green", "blue", "pink"], name="lookup")(
        inputs
    )
    embedded = layers.Flatten()(layers.Embedding(5, 4, name="embedding")(indices))
    outputs = layers.Dense(1, activation="sigmoid", name="score")(embedded)
    return kerasish.Model(inputs, outputs)


def test_functional_model_trains_and_predicts_on_raw_strings():
    model = color_model()
    model.compile(kerasish.optimizers.Adam(0.05), "binary_crossentropy", metrics=["accuracy"])
    x, y = color_data()
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    stage = host_stage_of(model)
    [spec] = stage.device_input_specs()
    assert (spec.name, spec.shape, spec.dtype) == ("lookup", (None, 1), "int32")
    # The jitted part takes indices: the same numbers by every route.
    indices = stage.preprocess(x)
    assert indices[0].dtype == np.int32 and indices[0][:, 0].tolist()[:3] == [
        ["red", "green", "blue", "pink"].index(c) + 1
        if c in ("red", "green", "blue", "pink")
        else 0
        for c in x[:3, 0]
    ]
    expected = np.asarray(stage.call_device(model, indices))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6)
    np.testing.assert_allclose(model(x), expected, rtol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x), expected, rtol=1e-6)
    params, state = model.params_and_state()
    np.testing.assert_allclose(pure.apply(model, params, state, x)[0], expected, rtol=1e-6)
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy == 1.0
    assert model.test_on_batch(x, y)[1] == 1.0


def test_sequential_model_with_several_steps_per_execution_and_eager_runs():
    def build(run_eagerly):
        model = kerasish.Sequential(
            [
                kerasish.Input((1,), dtype="string"),
                layers.StringLookup(vocabulary=["red", "pink"], output_mode="one_hot"),
                layers.Dense(1, kernel_initializer="ones"),
            ]
        )
        model.compile("sgd", "mse", steps_per_execution=2, run_eagerly=run_eagerly)
        return model

    x, y = color_data(rows=8)
    jitted, eager = build(False), build(True)
    jitted.fit(x, y, batch_size=4, verbose=0)
    eager.fit(x, y, batch_size=4, verbose=0)
    for ours, theirs in zip(jitted.get_weights(), eager.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(jitted.predict(x, verbose=0), eager(x), rtol=1e-5, atol=1e-6)
    jitted.train_on_batch(x, y)


def test_dict_inputs_mix_strings_and_numbers():
    city = kerasish.Input((1,), dtype="string", name="city")
    age = kerasish.Input((1,), name="age")
    lookup = layers.StringLookup(vocabulary=["paris", "rome"], output_mode="one_hot", name="cities")
    features = layers.Concatenate()([lookup(city), age])
    model = kerasish.Model({"city": city, "age": age}, layers.Dense(2)(features))
    x = {"city": np.array([["rome"], ["oslo"], ["paris"]]), "age": np.array([[1.0], [2.0], [3.0]])}
    stage = host_stage_of(model)
    assert [spec.name for spec in stage.device_input_specs()] == ["cities", "age"]
    indices, ages = stage.preprocess(x)
    assert indices.tolist() == [[2], [0], [1]] and ages.dtype == np.float32
    expected = np.asarray(stage.call_device(model, [indices, ages]))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6)
    np.testing.assert_allclose(model(x), expected, rtol=1e-6)


@pytest.mark.filterwarnings("ignore:Explicitly requested dtype int64")  # traced int64 inputs
def test_integer_ids_beyond_int32_are_mapped_on_the_host():
    ids = kerasish.Input((2,), dtype="int64", name="item")
    indices = layers.IntegerLookup(vocabulary=[2**40, 2**40 + 1, 7])(ids)
    model = kerasish.Model(ids, layers.Embedding(4, 3, embeddings_initializer="uniform")(indices))
    x = np.array([[2**40, 2**40 + 1], [7, 2**33]], dtype=np.int64)
    [host_indices] = host_stage_of(model).preprocess(x)
    assert host_indices.tolist() == [[1, 2], [3, 0]]
    outputs = model.predict(x, verbose=0)
    table = model.get_layer(index=2).get_weights()[0]
    np.testing.assert_array_equal(outputs, table[host_indices])
    # Traced raw ids run the whole graph traced, the lookup as JAX ops: int32 ids only.
    params, state = model.params_and_state()
    with pytest.raises(ValueError, match="outside the device integer range"):
        jax.jit(lambda p, s, i: pure.apply(model, p, s, i)[0])(
            params, state, np.zeros((1, 2), "int32")
        )
    small = kerasish.Model(ids, layers.IntegerLookup(vocabulary=[9, 7], num_oov_indices=2)(ids))
    x_small = np.array([[7, 9], [8, -3]], dtype=np.int32)
    traced = jax.jit(lambda i: pure.apply(small, {}, {}, i)[0])(x_small)
    np.testing.assert_array_equal(traced, small.predict(x_small, verbose=0))
    np.testing.assert_array_equal(traced, [[3, 2], [0, 1]])


def test_text_vectorization_model():
    texts = np.array(["a good film", "a bad film", "good good", "bad"])[:, None]
    labels = np.array([[1.0], [0.0], [1.0], [0.0]])
    vectorize = layers.TextVectorization(output_sequence_length=3)
    vectorize.adapt(texts)
    inputs = kerasish.Input((1,), dtype="string")
    embedded = layers.Embedding(vectorize.vocabulary_size(), 2)(vectorize(inputs))
    model = kerasish.Model(inputs, layers.Dense(1)(layers.Flatten()(embedded)))
    model.compile("adam", "mse")
    model.fit(texts, labels, epochs=2, batch_size=2, verbose=0)
    [spec] = host_stage_of(model).device_input_specs()
    assert spec.shape == (None, 3)
    assert model.predict(np.array([["good film, really good"]]), verbose=0).shape == (1, 1)


def test_model_ending_with_an_inverse_lookup_predicts_strings():
    labels = ["cat", "dog", "eel"]
    inputs = kerasish.Input((4,))
    best = kerasish.ops.expand_dims(kerasish.ops.argmax(layers.Dense(3)(inputs), axis=-1), -1)
    names = layers.StringLookup(vocabulary=labels, num_oov_indices=0, invert=True)(best)
    model = kerasish.Model(inputs, names)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    scores = model.layers[1](x)
    expected = np.array(labels)[np.argmax(scores, axis=-1)][:, None]
    np.testing.assert_array_equal(model.predict(x, verbose=0), expected)
    np.testing.assert_array_equal(model(x), expected)
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="ends with layers that output strings"):
        model.fit(x, np.zeros((5, 1)), verbose=0)


def test_strings_reaching_a_device_layer_are_refused_clearly():
    inputs = kerasish.Input((3,), dtype="string", name="words")
    with pytest.raises(TypeError, match="name=words> holds strings, which are not JAX arrays"):
        layers.Dense(2)(inputs)
    # A layer that declares its own output spec is caught when the model is first run.
    model = kerasish.Model(inputs, _DeclaresFloats(name="text_to_floats")(inputs))
    with pytest.raises(ValueError, match="'text_to_floats' \\(_DeclaresFloats\\) of model"):
        model(np.array([["a", "b", "c"]]))


class _DeclaresFloats(layers.Layer):
    def call(self, inputs):
        return inputs

    def compute_output_spec(self, inputs):
        return KerasTensor(inputs.shape, dtype="float32")


def test_export_takes_indices_and_the_manifest_carries_the_vocabulary(tmp_path):
    model = color_model()
    model.export(str(tmp_path / "artifact"), platforms=("cpu",), verbose=False)
    artifact = load(str(tmp_path / "artifact"))
    assert artifact.signatures["serving_default"].inputs == {
        "lookup": {"shape": [None, 1], "dtype": "int32"}
    }
    [head] = artifact.metadata["host_stage"]["head"]
    assert head["vocabulary"] == ["[UNK]", "red", "green", "blue", "pink"]
    assert head["object"]["class_name"] == "StringLookup" and head["input"] == "color"
    # A caller maps strings with the manifest alone, then runs the artifact on indices.
    index = {token: i for i, token in enumerate(head["vocabulary"])}
    x, _ = color_data(rows=6)
    indices = np.array([[index.get(color, 0)] for color in x[:, 0]], dtype="int32")
    np.testing.assert_allclose(artifact(indices), model.predict(x, verbose=0), rtol=1e-6)
    with pytest.raises(ValueError, match="leave `input_signature` unset"):
        model.export(str(tmp_path / "other"), input_signature=[kerasish.Input((1,))])


def test_trained_model_saves_and_reloads_with_its_vocabulary(tmp_path):
    inputs = kerasish.Input((1,), dtype="string")
    lookup = layers.StringLookup(num_oov_indices=2, name="lookup")
    x, y = color_data(rows=32, seed=3)
    lookup.adapt(x[:20])  # some colors stay out of the vocabulary
    embedded = layers.Flatten()(layers.Embedding(lookup.vocabulary_size(), 3)(lookup(inputs)))
    model = kerasish.Model(inputs, layers.Dense(1)(embedded))
    model.compile("adam", "mse")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    path = str(tmp_path / "colors.keras")
    model.save(path)
    restored = kerasish.models.load_model(path)
    assert restored.get_layer("lookup").get_vocabulary() == lookup.get_vocabulary()
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0))
