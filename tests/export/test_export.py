"""Export artifacts: written by `Model.export`/`ExportArchive`, read by the jax-only loader."""

import json
import os
import subprocess
import sys

import jax
import numpy as np
import pytest

import kerasish as keras
from kerasish.export import ArtifactError, ExportArchive, load
from kerasish.export import loader as loader_module

RUNNER = os.path.join(os.path.dirname(__file__), "jax_only_runner.py")


def mlp():
    inputs = keras.Input((6,), name="features")
    x = keras.layers.Dense(16, activation="relu")(inputs)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Dropout(0.5)(x)
    return keras.Model(inputs, keras.layers.Dense(3, name="scores")(x))


def two_inputs_two_outputs():
    ids = keras.Input((5,), dtype="int32", name="ids")
    dense = keras.Input((2,), name="dense")
    embedded = keras.layers.Embedding(20, 4)(ids)
    pooled = keras.layers.Flatten()(embedded)
    merged = keras.layers.Concatenate()([pooled, dense])
    logits = keras.layers.Dense(3, name="logits")(merged)
    value = keras.layers.Dense(1, name="value")(merged)
    return keras.Model({"ids": ids, "dense": dense}, [logits, value])


def cnn():
    images = keras.Input((12, 12, 3), name="images")
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(images)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.SeparableConv2D(8, 3, activation="relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(images, keras.layers.Dense(4, name="classes")(x))


def lstm():
    tokens = keras.Input((7,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(20, 6, mask_zero=True)(tokens)  # id 0 is padding, masked
    x = keras.layers.Bidirectional(keras.layers.LSTM(5, return_sequences=True))(x)
    x = keras.layers.GRU(4)(x)
    return keras.Model(tokens, keras.layers.Dense(2, name="sentiment")(x))


def transformer_block():
    tokens = keras.Input((6,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(20, 8)(tokens)
    attended = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x, use_causal_mask=True)
    x = keras.layers.LayerNormalization()(x + attended)
    hidden = keras.layers.Dense(16, activation="gelu")(x)
    x = keras.layers.LayerNormalization()(x + keras.layers.Dense(8)(hidden))
    pooled = keras.layers.GlobalAveragePooling1D()(x)
    return keras.Model(tokens, keras.layers.Dense(3, name="logits")(pooled))


def _inputs_for(model, batch, seed=0):
    rng = np.random.default_rng(seed)
    inputs = {}
    for tensor in model.inputs:
        shape = (batch, *tensor.shape[1:])
        if np.issubdtype(np.dtype(tensor.dtype), np.integer):
            inputs[tensor.name] = rng.integers(0, 20, size=shape).astype(tensor.dtype)
        else:
            inputs[tensor.name] = rng.standard_normal(shape).astype(tensor.dtype)
    return inputs


def _trained(model):
    """Moves weights and BatchNorm statistics away from their initial values."""
    model.compile("adam", "mse")
    x = _inputs_for(model, 16, seed=1)
    outputs = model.outputs
    y = [np.ones((16, *t.shape[1:]), "float32") for t in outputs]
    model.fit(x if len(x) > 1 else next(iter(x.values())), y, epochs=2, verbose=0)
    return model


def _predict(model, inputs):
    structured = inputs if len(inputs) > 1 else next(iter(inputs.values()))
    result = model.predict(structured, verbose=0)
    return result if isinstance(result, list) else [result]


def _run_without_kerasish(folder):
    """Runs ``folder/artifact`` on ``folder/inputs.npz`` in a process that cannot import
    kerasish; the outputs land in ``folder/outputs.npz``."""
    subprocess.run(
        [
            sys.executable,
            RUNNER,
            loader_module.__file__,
            str(folder / "artifact"),
            str(folder / "inputs.npz"),
            str(folder / "outputs.npz"),
        ],
        check=True,
        env={**os.environ, "JAX_PLATFORMS": "cpu"},
        capture_output=True,
    )


@pytest.mark.parametrize("build", [mlp, two_inputs_two_outputs, cnn, lstm, transformer_block])
def test_artifact_runs_in_a_process_without_kerasish(build, tmp_path):
    model = _trained(build())
    model.export(tmp_path / "artifact", verbose=False)
    inputs = _inputs_for(model, 7, seed=2)
    np.savez(tmp_path / "inputs.npz", **inputs)
    _run_without_kerasish(tmp_path)
    with np.load(tmp_path / "outputs.npz") as outputs:
        exported = [outputs[name] for name in model._output_names()]
    for ours, expected in zip(exported, _predict(model, inputs)):
        np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-6)


def test_manifest_records_signature_platforms_versions_and_digests(tmp_path):
    model = two_inputs_two_outputs()
    model.export(tmp_path / "a", verbose=False)
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["platforms"] == ["cpu", "cuda", "tpu"]
    assert manifest["jax_version"] == jax.__version__
    signature = manifest["signatures"]["serving_default"]
    assert signature["inputs"] == {
        "ids": {"shape": [None, 5], "dtype": "int32"},
        "dense": {"shape": [None, 2], "dtype": "float32"},
    }
    assert signature["outputs"] == {
        "logits": {"shape": [None, 3], "dtype": "float32"},
        "value": {"shape": [None, 1], "dtype": "float32"},
    }
    leaves = manifest["params"]["leaves"]
    assert set(leaves) == {key for key, _ in keras.engine.pure.keyed_variables(model)}
    assert all(len(leaf["sha256"]) == 64 for leaf in leaves.values())


def test_weights_are_arguments_and_batch_is_symbolic(tmp_path):
    model = mlp()
    model.export(tmp_path / "a", verbose=False)
    artifact = load(tmp_path / "a")
    size = (tmp_path / "a" / "serving_default.jaxexport").stat().st_size
    assert size < 20_000  # 16x6 + 16x3 floats would not fit as constants plus the program
    for batch in (1, 9):
        x = np.random.default_rng(batch).standard_normal((batch, 6)).astype("float32")
        np.testing.assert_allclose(artifact(x), model.predict(x, verbose=0), rtol=1e-6)


def test_export_archive_with_several_signatures(tmp_path):
    user = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)], name="user_tower")
    item = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4)], name="item_tower")
    user_in, item_in = keras.Input((3,), name="user"), keras.Input((5,), name="item")
    score = keras.layers.Dot(axes=1)([user(user_in), item(item_in)])
    model = keras.Model([user_in, item_in], score)
    archive = ExportArchive()
    archive.track(model)
    archive.add_endpoint(
        "query_embed", lambda x: user(x), [jax.ShapeDtypeStruct((None, 3), "float32")]
    )
    archive.add_endpoint(
        "candidate_embed",
        lambda x: {"embedding": item(x)},
        [keras.InputSpec(shape=(None, 5), dtype="float32", name="item")],
    )
    archive.write_out(tmp_path / "a", platforms=("cpu",), verbose=False)
    artifact = load(tmp_path / "a")
    assert sorted(artifact.signatures) == ["candidate_embed", "query_embed"]
    x_user = np.ones((2, 3), "float32")
    x_item = np.arange(10, dtype="float32").reshape(2, 5)
    np.testing.assert_allclose(artifact(x_user, "query_embed"), user.predict(x_user, verbose=0))
    embedded = artifact.signatures["candidate_embed"]({"item": x_item})
    np.testing.assert_allclose(embedded["embedding"], item.predict(x_item, verbose=0))
    assert artifact.manifest["platforms"] == ["cpu"]


def test_input_errors_name_the_input_and_expected_spec(tmp_path):
    model = two_inputs_two_outputs()
    model.export(tmp_path / "a", verbose=False, platforms=("cpu",))
    signature = load(tmp_path / "a").signatures["serving_default"]
    good = _inputs_for(model, 2)
    with pytest.raises(ValueError, match=r"Input 'dense' .* shape \(None, 2\).*received \(2, 3\)"):
        signature({**good, "dense": np.zeros((2, 3), "float32")})
    with pytest.raises(ValueError, match="Input 'ids' .* dtype int32; received float32"):
        signature({**good, "ids": np.zeros((2, 5), "float32")})
    with pytest.raises(ValueError, match=r"missing \['dense'\]"):
        signature({"ids": good["ids"]})
    # A same-kind dtype is cast, as TensorFlow Serving does for JSON numbers.
    signature({**good, "dense": good["dense"].astype("float64")})


def _largest_file(directory):
    files = [os.path.join(d, f) for d, _, names in os.walk(directory) for f in names]
    return max(files, key=os.path.getsize)


def test_corrupt_params_are_detected(tmp_path):
    inputs = keras.Input((256,))
    model = keras.Model(inputs, keras.layers.Dense(256)(inputs))
    model.export(tmp_path / "a", verbose=False, platforms=("cpu",))
    data_file = _largest_file(tmp_path / "a" / "params")
    with open(data_file, "r+b") as file:
        file.seek(os.path.getsize(data_file) // 2)
        byte = file.read(1)
        file.seek(-1, os.SEEK_CUR)
        file.write(bytes([byte[0] ^ 0x10]))
    with pytest.raises(ArtifactError, match="corrupt|could not be read"):
        load(tmp_path / "a")


def test_corrupt_or_missing_files_are_detected(tmp_path):
    mlp().export(tmp_path / "a", verbose=False, platforms=("cpu",))
    program = tmp_path / "a" / "serving_default.jaxexport"
    data = bytearray(program.read_bytes())
    data[len(data) // 2] ^= 0xFF
    program.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="serving_default.jaxexport' is corrupt"):
        load(tmp_path / "a")
    # With a matching digest a truncated program still fails clearly when deserialized.
    program.write_bytes(bytes(data[: len(data) // 3]))
    manifest_path = tmp_path / "a" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["signatures"]["serving_default"]["sha256"] = loader_module.file_digest(program)
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="Signature 'serving_default' .* could not be"):
        load(tmp_path / "a")
    program.unlink()
    with pytest.raises(ArtifactError, match="has no file 'serving_default.jaxexport'"):
        load(tmp_path / "a")
    manifest_path.unlink()
    with pytest.raises(ArtifactError, match="has no manifest.json"):
        load(tmp_path / "a")
    with pytest.raises(ArtifactError, match="does not exist"):
        load(tmp_path / "missing")


def test_missing_platform_is_a_clear_error(tmp_path):
    mlp().export(tmp_path / "a", verbose=False, platforms=("tpu",))
    with pytest.raises(ArtifactError, match=r"lowered for \['tpu'\]; this process runs on 'cpu'"):
        load(tmp_path / "a")


def test_failed_export_keeps_the_previous_artifact(tmp_path):
    model = mlp()
    model.export(tmp_path / "a", verbose=False, platforms=("cpu",))
    before = (tmp_path / "a" / "manifest.json").read_text()
    archive = ExportArchive()
    archive.track(model)

    def broken(x):
        raise RuntimeError("boom")

    archive.add_endpoint("serving_default", broken, [jax.ShapeDtypeStruct((None, 6), "float32")])
    with pytest.raises(ValueError, match="could not be exported"):
        archive.write_out(tmp_path / "a", platforms=("cpu",), verbose=False)
    assert (tmp_path / "a" / "manifest.json").read_text() == before
    assert sorted(os.listdir(tmp_path)) == ["a"]
    load(tmp_path / "a")


def test_export_overwrites_an_existing_artifact(tmp_path):
    first, second = mlp(), mlp()
    first.export(tmp_path / "a", verbose=False, platforms=("cpu",))
    second.export(tmp_path / "a", verbose=False, platforms=("cpu",))
    x = np.ones((2, 6), "float32")
    np.testing.assert_allclose(load(tmp_path / "a")(x), second.predict(x, verbose=0), rtol=1e-6)
    assert sorted(os.listdir(tmp_path)) == ["a"]


def test_unsupported_formats_and_unbuilt_models_raise(tmp_path):
    with pytest.raises(ValueError, match="kerasish exports format='jax'"):
        mlp().export(tmp_path / "a", format="tf_saved_model")

    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    model = Subclassed()
    model(np.ones((1, 3), "float32"))
    with pytest.raises(ValueError, match="pass `input_signature`"):
        model.export(tmp_path / "b", verbose=False)
    model.export(
        tmp_path / "b",
        verbose=False,
        platforms=("cpu",),
        input_signature=[keras.InputSpec(shape=(None, 3), dtype="float32")],
    )
    x = np.ones((4, 3), "float32")
    np.testing.assert_allclose(load(tmp_path / "b")(x), model(x), rtol=1e-6)


def test_two_tower_retrieval_artifact_runs_without_kerasish(tmp_path):
    """The candidate tower indexes the catalog into `BruteForceRetrieval`'s state; the artifact
    holds the catalog and returns the same top-k ids and scores in a jax-only process."""
    from kerasish.layers.retrieval import BruteForceRetrieval

    keras.utils.set_random_seed(0)
    products = np.random.default_rng(0).standard_normal((200, 5)).astype("float32")
    candidate_tower = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8)])
    user = keras.Input((6,), name="user_features")
    query = keras.layers.Dense(16, activation="relu")(user)
    query = keras.layers.Dense(8)(query)
    retrieval = BruteForceRetrieval(k=10, name="retrieval")
    retrieval.index_from(candidate_tower, products, np.arange(1000, 1200, dtype="int32"))
    scores, ids = retrieval(query)
    model = keras.Model(user, {"scores": scores, "ids": ids})
    model.export(tmp_path / "artifact", verbose=False)
    x = np.random.default_rng(1).standard_normal((4, 6)).astype("float32")
    np.savez(tmp_path / "inputs.npz", user_features=x)
    _run_without_kerasish(tmp_path)
    expected = model.predict(x, verbose=0)
    with np.load(tmp_path / "outputs.npz") as outputs:
        np.testing.assert_array_equal(outputs["ids"], expected["ids"])
        np.testing.assert_allclose(outputs["scores"], expected["scores"], rtol=1e-5)
    assert set(np.unique(expected["ids"])) <= set(range(1000, 1200))
