"""`TensorBoard`: event files in Keras's layout, read back with a plain TFRecord reader.

Keras's own callback needs TensorFlow, so it cannot run here; the layout and tags checked are
those of Keras's ``tensorboard_test.py``. The files are read by the reader below (framing and
CRCs checked, events parsed with tensorboardX's protos) and, when the ``tensorboard`` package is
installed, by TensorBoard's own ``EventAccumulator``.
"""

import json
import os
import struct
import sys

import pytest
from callback_fakes import FakeOptimizer

pytest.importorskip("tensorboardX", reason="TensorBoard writes event files with tensorboardX")

from tensorboardX.crc32c import crc32c  # noqa: E402
from tensorboardX.proto.event_pb2 import Event  # noqa: E402

import kerasish  # noqa: E402
from kerasish import callbacks  # noqa: E402


def _masked_crc(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read_events(directory):
    """Every event of every event file in ``directory``, in file then record order."""
    events = []
    for name in sorted(os.listdir(directory)):
        if "tfevents" not in name:
            continue
        with open(os.path.join(directory, name), "rb") as file:
            data = file.read()
        offset = 0
        while offset < len(data):
            header = data[offset : offset + 8]
            (length,) = struct.unpack("<Q", header)
            (header_crc,) = struct.unpack("<I", data[offset + 8 : offset + 12])
            payload = data[offset + 12 : offset + 12 + length]
            (payload_crc,) = struct.unpack("<I", data[offset + 12 + length : offset + 16 + length])
            assert header_crc == _masked_crc(header) and payload_crc == _masked_crc(payload)
            events.append(Event.FromString(payload))
            offset += 16 + length
    return events


def scalars(directory):
    """``{tag: [(step, value), ...]}`` of the scalar summaries in ``directory``."""
    found = {}
    for event in read_events(directory):
        for value in event.summary.value:
            if value.WhichOneof("value") == "simple_value":
                found.setdefault(value.tag, []).append((event.step, value.simple_value))
    return found


def tags_of_kind(directory, kind):
    return sorted(
        {
            v.tag
            for e in read_events(directory)
            for v in e.summary.value
            if v.WhichOneof("value") == kind
        }
    )


def _model():
    model = kerasish.Sequential(
        [kerasish.Input((3,)), kerasish.layers.Dense(2, name="dense")], name="sequential"
    )
    model.optimizer = FakeOptimizer(0.01)
    return model


def _fit(callback, model, epoch_logs, batches=0, batch_logs=None):
    """Calls the hooks as `fit` does (batch logs as device arrays)."""
    import jax.numpy as jnp

    callback.set_model(model)
    callback.set_params({"epochs": len(epoch_logs), "verbose": 0, "steps": batches})
    callback.on_train_begin()
    for epoch, logs in enumerate(epoch_logs):
        callback.on_epoch_begin(epoch)
        for batch in range(batches):
            callback.on_train_batch_begin(batch)
            model.optimizer.iterations += 1
            logs_of_batch = batch_logs(epoch, batch) if batch_logs else {"loss": 1.0 / (batch + 1)}
            callback.on_train_batch_end(
                batch, {k: jnp.float32(v) for k, v in logs_of_batch.items()}
            )
        callback.on_epoch_end(epoch, dict(logs))
    callback.on_train_end()


EPOCH_LOGS = [
    {"accuracy": 0.5, "loss": 1.0, "val_accuracy": 0.25, "val_loss": 2.0},
    {"accuracy": 0.75, "loss": 0.5, "val_accuracy": 0.5, "val_loss": 1.5},
]


def test_epoch_scalars_in_train_and_validation(tmp_path):
    _fit(callbacks.TensorBoard(tmp_path, write_graph=False), _model(), EPOCH_LOGS)
    assert sorted(os.listdir(tmp_path)) == ["train", "validation"]
    assert scalars(tmp_path / "train") == {
        "epoch_accuracy": [(0, 0.5), (1, 0.75)],
        "epoch_loss": [(0, 1.0), (1, 0.5)],
        "epoch_learning_rate": [(0, pytest.approx(0.01)), (1, pytest.approx(0.01))],
    }
    assert scalars(tmp_path / "validation") == {
        "epoch_accuracy": [(0, 0.25), (1, 0.5)],
        "epoch_loss": [(0, 2.0), (1, 1.5)],
    }


def test_nothing_is_created_before_there_is_something_to_write(tmp_path):
    callback = callbacks.TensorBoard(tmp_path, write_graph=False)
    callback.set_model(_model())
    callback.on_train_begin()
    assert not os.path.exists(tmp_path / "train")
    _fit(callback, _model(), [{"loss": 1.0}])
    assert sorted(os.listdir(tmp_path)) == ["train"]


@pytest.mark.parametrize("update_freq, steps", [(2, [2, 4, 6]), ("batch", [1, 2, 3, 4, 5, 6])])
def test_batch_scalars_every_update_freq_batches(tmp_path, update_freq, steps):
    def batch_logs(epoch, batch):
        return {"loss": float(epoch * 3 + batch), "accuracy": 0.5}

    callback = callbacks.TensorBoard(tmp_path, write_graph=False, update_freq=update_freq)
    _fit(callback, _model(), EPOCH_LOGS, batches=3, batch_logs=batch_logs)
    found = scalars(tmp_path / "train")
    assert found["batch_loss"] == [(step, float(step - 1)) for step in steps]
    assert found["batch_accuracy"] == [(step, 0.5) for step in steps]
    assert "batch_loss" not in scalars(tmp_path / "validation")


def test_epoch_update_freq_writes_no_batch_scalars(tmp_path):
    _fit(callbacks.TensorBoard(tmp_path, write_graph=False), _model(), EPOCH_LOGS, batches=3)
    assert not [tag for tag in scalars(tmp_path / "train") if tag.startswith("batch_")]


def test_steps_per_second(tmp_path):
    callback = callbacks.TensorBoard(
        tmp_path, write_graph=False, update_freq=1, write_steps_per_second=True
    )
    _fit(callback, _model(), EPOCH_LOGS, batches=2)
    found = scalars(tmp_path / "train")
    assert [step for step, _ in found["epoch_steps_per_second"]] == [0, 1]
    assert [step for step, _ in found["batch_steps_per_second"]] == [1, 2, 3, 4]
    assert all(
        value > 0 for _, value in found["epoch_steps_per_second"] + found["batch_steps_per_second"]
    )


def test_histograms_and_images_of_the_weights(tmp_path):
    callback = callbacks.TensorBoard(
        tmp_path, write_graph=False, histogram_freq=2, write_images=True
    )
    _fit(callback, _model(), EPOCH_LOGS * 2)
    train = tmp_path / "train"
    assert tags_of_kind(train, "histo") == [
        "sequential/dense/bias/histogram",
        "sequential/dense/kernel/histogram",
    ]
    histogram_steps = {
        e.step for e in read_events(train) for v in e.summary.value if v.HasField("histo")
    }
    assert histogram_steps == {0, 2}
    assert tags_of_kind(train, "image") == [
        "sequential/dense/bias/image",
        "sequential/dense/kernel/image",
    ]
    kernel = next(
        v.image
        for e in read_events(train)
        for v in e.summary.value
        if v.tag == "sequential/dense/kernel/image"
    )
    # A (3, 2) kernel is shown wide: 2 rows of 3 pixels.
    assert (kernel.height, kernel.width) == (2, 3)


def test_graph_is_the_model_json(tmp_path):
    model = _model()
    _fit(callbacks.TensorBoard(tmp_path), model, [{"loss": 1.0}])
    (value,) = [
        v for e in read_events(tmp_path / "train") for v in e.summary.value if v.tag == "keras"
    ]
    assert value.metadata.plugin_data.plugin_name == "graph_keras_model"
    assert value.metadata.plugin_data.content == b"1"
    config = json.loads(value.tensor.string_val[0])
    assert config["class_name"] == "Sequential"
    assert [layer["class_name"] for layer in config["config"]["layers"]] == ["InputLayer", "Dense"]


def test_graph_is_skipped_for_subclassed_models(tmp_path):
    class Custom(kerasish.Model):
        def call(self, x):
            return x

    model = Custom()
    model.optimizer = FakeOptimizer()
    _fit(callbacks.TensorBoard(tmp_path), model, [{"loss": 1.0}])
    assert "keras" not in tags_of_kind(tmp_path / "train", "tensor")


def test_evaluate_writes_against_optimizer_iterations(tmp_path):
    model = _model()
    model.optimizer.iterations = 7
    callback = callbacks.TensorBoard(tmp_path, write_graph=False)
    callback.set_model(model)
    callback.on_test_begin()
    callback.on_test_end({"loss": 0.25, "mae": 0.5})
    callback.on_train_end()
    assert scalars(tmp_path / "validation") == {
        "evaluation_loss_vs_iterations": [(7, 0.25)],
        "evaluation_mae_vs_iterations": [(7, 0.5)],
    }


def test_a_second_fit_writes_a_new_file(tmp_path):
    callback = callbacks.TensorBoard(tmp_path, write_graph=False)
    model = _model()
    _fit(callback, model, EPOCH_LOGS[:1])
    _fit(callback, model, EPOCH_LOGS[1:])
    assert len([n for n in os.listdir(tmp_path / "train") if "tfevents" in n]) == 2
    assert sorted(scalars(tmp_path / "train")["epoch_loss"]) == [(0, 0.5), (0, 1.0)]


def test_profile_batch_writes_a_jax_trace(tmp_path):
    callback = callbacks.TensorBoard(tmp_path, write_graph=False, profile_batch=2)
    _fit(callback, _model(), [{"loss": 1.0}], batches=3)
    assert os.listdir(tmp_path / "train" / "plugins" / "profile")
    assert not callback._is_tracing


@pytest.mark.parametrize("profile_batch", [-1, (3, 1), (1, 2, 3), "a", 1.5])
def test_invalid_profile_batch(profile_batch):
    with pytest.raises((ValueError, TypeError)):
        callbacks.TensorBoard(profile_batch=profile_batch)
    if not isinstance(profile_batch, str):
        with pytest.raises(
            ValueError, match=r"profile_batch must be a non-negative integer or 2-tuple"
        ):
            callbacks.TensorBoard(profile_batch=profile_batch)


def test_profile_batch_forms():
    assert (callbacks.TensorBoard(profile_batch="2,5")._start_batch, 5) == (2, 5)
    assert callbacks.TensorBoard(profile_batch=(2, 5))._stop_batch == 5
    assert not callbacks.TensorBoard(profile_batch=0)._should_trace


def test_embeddings_projector_config(tmp_path):
    model = kerasish.Sequential(
        [kerasish.Input((4,), dtype="int32"), kerasish.layers.Embedding(10, 3, name="words")]
    )
    model.optimizer = FakeOptimizer()
    model.save_weights = lambda path: saved.append(path)
    saved = []
    callback = callbacks.TensorBoard(
        tmp_path,
        write_graph=False,
        embeddings_freq=1,
        embeddings_metadata={"words": 'meta "1".tsv'},
    )
    _fit(callback, model, [{"loss": 1.0}, {"loss": 0.5}])
    assert (tmp_path / "projector_config.pbtxt").read_text() == (
        "embeddings {\n"
        '  tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"\n'
        '  metadata_path: "meta \\"1\\".tsv"\n'
        "}\n"
    )
    assert saved == [
        str(tmp_path / "train" / f"keras_embedding.ckpt-{e}.weights.h5") for e in (0, 1)
    ]


def test_unknown_embedding_metadata_layer_is_rejected(tmp_path):
    model = kerasish.Sequential(
        [kerasish.Input((4,), dtype="int32"), kerasish.layers.Embedding(10, 3)]
    )
    callback = callbacks.TensorBoard(
        tmp_path, write_graph=False, embeddings_freq=1, embeddings_metadata={"x": "m"}
    )
    with pytest.raises(ValueError, match="Unrecognized `Embedding` layer names passed to"):
        callback.set_model(model)


@pytest.mark.parametrize(
    "text", ["plain", 'q"uote', "back\\slash", "tab\tnew\nline", "it's", "été", "\x01"]
)
def test_text_format_strings_match_protobuf(text):
    from google.protobuf import text_format
    from tensorboardX.proto.summary_pb2 import Summary

    from kerasish.callbacks.tensorboard import _text_format_string

    expected = text_format.MessageToString(Summary.Value(tag=text))
    assert f"tag: {_text_format_string(text)}\n" == expected


def test_missing_tensorboardx_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboardX", None)
    with pytest.raises(ImportError, match="pip install tensorboardX"):
        callbacks.TensorBoard()


def test_files_read_with_tensorboard_event_accumulator(tmp_path):
    accumulator_module = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator",
        reason="the `tensorboard` package is not installed (tensorboardX files are checked above)",
    )
    _fit(
        callbacks.TensorBoard(tmp_path, update_freq=1, histogram_freq=1),
        _model(),
        EPOCH_LOGS,
        batches=2,
    )
    train = accumulator_module.EventAccumulator(str(tmp_path / "train"))
    train.Reload()
    assert [(s.step, s.value) for s in train.Scalars("epoch_loss")] == [(0, 1.0), (1, 0.5)]
    assert [s.step for s in train.Scalars("batch_loss")] == [1, 2, 3, 4]
    assert "sequential/dense/kernel/histogram" in train.Tags()["histograms"]
    (graph,) = train.Tensors("keras")
    assert json.loads(graph.tensor_proto.string_val[0])["class_name"] == "Sequential"
    validation = accumulator_module.EventAccumulator(str(tmp_path / "validation"))
    validation.Reload()
    assert [(s.step, s.value) for s in validation.Scalars("epoch_loss")] == [(0, 2.0), (1, 1.5)]
