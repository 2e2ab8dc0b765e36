"""`TensorBoard`: event files for TensorBoard, written with ``tensorboardX`` (no TensorFlow)."""

import itertools
import json
import logging
import os
import time
import warnings

import jax
import numpy as np

from kerasish.backend.config import image_data_format
from kerasish.callbacks._logs import add_learning_rates, pythonify_logs, to_python
from kerasish.callbacks.callback import Callback
from kerasish.saving.serialization import keras_export

_writer_ids = itertools.count()
_PROFILE_BATCH_ERROR = (
    "profile_batch must be a non-negative integer or 2-tuple of positive integers. A pair of "
    "positive integers signifies a range of batches to profile. Found: {}"
)


def _summary_writer_class():
    try:
        from tensorboardX import SummaryWriter
    except ImportError as error:
        raise ImportError(
            "The `TensorBoard` callback writes event files with the `tensorboardX` package, which "
            "is not installed. Install it with `pip install tensorboardX`."
        ) from error
    return SummaryWriter


@keras_export("keras.callbacks")
class TensorBoard(Callback):
    """Writes the logs of `fit` (and `evaluate`) as TensorBoard event files.

    The layout is Keras's: ``<log_dir>/train`` gets ``epoch_<name>`` scalars (with
    ``epoch_learning_rate``), ``<log_dir>/validation`` gets the ``val_`` logs under the same
    ``epoch_<name>`` tags, both at step ``epoch``; with an integer ``update_freq`` the train
    directory also gets ``batch_<name>`` every ``update_freq`` batches, at the global batch count.
    Run ``tensorboard --logdir <log_dir>`` to view them.

    Example:
    >>> callback = kerasish.callbacks.TensorBoard(log_dir="./logs", update_freq=100)
    >>> # model.fit(x, y, epochs=5, callbacks=[callback])

    Arguments:
        log_dir: the directory of the event files (not shared with other callbacks).
        histogram_freq: every this many epochs (0: never), a histogram of every layer weight
            (tag ``<weight path>/histogram``).
        write_graph: write the model's JSON config (tag ``keras``, shown by TensorBoard's graph
            plugin) for `Sequential` and functional models.
        write_images: with ``histogram_freq``, also write each weight as an image (tag
            ``<weight path>/image``; needs ``pillow``); kernels of several channels are tiled.
        write_steps_per_second: also log training steps per second (``steps_per_second``
            per epoch; ``batch_steps_per_second`` per logged batch).
        update_freq: ``"epoch"``, ``"batch"`` (= 1) or an integer N: also log every N batches.
        profile_batch: a batch number, or a ``(start, stop)`` pair of batch numbers (from 1),
            to profile with `jax.profiler` into ``<log_dir>/train``; 0 disables profiling.
        embeddings_freq: every this many epochs (0: never), save the weights for the projector
            and describe the `Embedding` layers in ``projector_config.pbtxt``.
        embeddings_metadata: a metadata file name for every `Embedding` layer, or a dict from
            layer name to file name.
    """

    def __init__(
        self,
        log_dir="logs",
        histogram_freq=0,
        write_graph=True,
        write_images=False,
        write_steps_per_second=False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq=0,
        embeddings_metadata=None,
    ):
        super().__init__()
        self._writer_class = _summary_writer_class()
        self.log_dir = str(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._init_profile_batch(profile_batch)
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._previous_epoch_iterations = 0
        self._epoch_start_time = 0.0
        self._batch_start_time = 0.0
        # Created on first use, so that no event file appears before there is something to write.
        self._writers = {}

    def set_model(self, model):
        self._model = model
        self._log_write_dir = self.log_dir
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._close_writers()  # those of an `evaluate`, which has no `on_train_end`
        if self.write_graph:
            self._write_keras_model_summary()
        if self.embeddings_freq:
            self._configure_embeddings()

    # -- writers -------------------------------------------------------------------------
    def _writer(self, key, directory):
        if key not in self._writers:
            # Named like TensorFlow's v2 event files: two writers opened within the same second
            # (a second `fit`) must not share a file name.
            suffix = f".{os.getpid()}.{next(_writer_ids)}.v2"
            self._writers[key] = self._writer_class(logdir=directory, filename_suffix=suffix)
        return self._writers[key]

    @property
    def _train_writer(self):
        return self._writer("train", self._train_dir)

    @property
    def _val_writer(self):
        return self._writer("val", self._val_dir)

    def _close_writers(self):
        for writer in self._writers.values():
            writer.close()
        # A later `evaluate` opens new files rather than writing to closed writers.
        self._writers = {}

    def _write_keras_model_summary(self):
        writer = self._train_writer
        if type(self.model).__name__ not in ("Functional", "Sequential"):
            return
        try:
            json_string = _model_json(self.model)
        except Exception as error:  # a summary must never break training
            warnings.warn(f"Model failed to serialize as JSON. Ignoring... {error}")
            return
        writer.file_writer.add_summary(_keras_model_summary("keras", json_string), global_step=0)

    # -- hooks ---------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0

    def on_train_end(self, logs=None):
        if self._is_tracing:
            self._stop_trace()
        self._close_writers()

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations"):
            return
        step = int(np.asarray(optimizer.iterations))
        writer = self._val_writer
        for name, value in _scalars(pythonify_logs(logs).items()):
            writer.add_scalar(f"evaluation_{name}_vs_iterations", value, step)
        writer.flush()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()
        if not self._should_trace:
            return
        if self._global_train_batch == self._start_batch:
            self._start_trace()
        if self._profiler_started:
            self._batch_trace_context = jax.profiler.TraceAnnotation(f"Profiled batch {batch}")
            self._batch_trace_context.__enter__()

    def on_train_batch_end(self, batch, logs=None):
        if self.update_freq != "epoch" and self._global_train_batch % self.update_freq == 0:
            # Reading the logs waits for the step, so the step time below includes the compute.
            values = _scalars(pythonify_logs(logs).items())
            step = self._global_train_batch
            writer = self._train_writer
            if self.write_steps_per_second:
                writer.add_scalar(
                    "batch_steps_per_second", 1.0 / (time.time() - self._batch_start_time), step
                )
            for name, value in values:
                writer.add_scalar(f"batch_{name}", value, step)
        if not self._should_trace or not self._is_tracing:
            return
        if self._batch_trace_context is not None:
            jax.block_until_ready(logs)
            self._batch_trace_context.__exit__(None, None, None)
            self._batch_trace_context = None
        if self._global_train_batch >= self._stop_batch:
            self._stop_trace()

    def on_test_batch_begin(self, batch, logs=None):
        self._global_test_batch += 1

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._previous_epoch_iterations = float(np.asarray(self.model.optimizer.iterations))
            self._epoch_start_time = time.time()

    def on_epoch_end(self, epoch, logs=None):
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self._log_embeddings(epoch)

    # -- epoch summaries -----------------------------------------------------------------
    def _collect_learning_rate(self, logs):
        optimizer = getattr(self.model, "optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # LossScaleOptimizer
        if hasattr(optimizer, "optimizers") or hasattr(optimizer, "learning_rate"):
            add_learning_rates(logs, optimizer)
        return logs

    def _compute_steps_per_second(self):
        iterations = float(np.asarray(self.model.optimizer.iterations))
        elapsed = np.float32(time.time() - self._epoch_start_time)
        return float(
            (np.float32(iterations) - np.float32(self._previous_epoch_iterations)) / elapsed
        )

    def _log_epoch_metrics(self, epoch, logs):
        if not logs:
            return
        train_logs = {name: value for name, value in logs.items() if not name.startswith("val_")}
        val_logs = {name: value for name, value in logs.items() if name.startswith("val_")}
        train_logs = self._collect_learning_rate(train_logs)
        if self.write_steps_per_second:
            train_logs["steps_per_second"] = self._compute_steps_per_second()
        if train_logs:
            writer = self._train_writer
            for name, value in _scalars(train_logs.items()):
                writer.add_scalar(f"epoch_{name}", value, epoch)
        if val_logs:
            writer = self._val_writer
            for name, value in _scalars(val_logs.items()):
                writer.add_scalar(f"epoch_{name.removeprefix('val_')}", value, epoch)

    def _log_weights(self, epoch):
        writer = self._train_writer
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                value = np.asarray(weight)
                writer.add_histogram(f"{name}/histogram", value, epoch)
                if self.write_images:
                    image = _weight_image(value)
                    if image is not None:
                        writer.add_images(f"{name}/image", image, epoch, dataformats="NHWC")
        writer.flush()

    # -- embeddings ----------------------------------------------------------------------
    def _configure_embeddings(self):
        from kerasish.layers import Embedding

        metadata = self.embeddings_metadata
        remaining = dict(metadata) if isinstance(metadata, dict) else None
        entries = []
        for layer in self.model.layers:
            if not isinstance(layer, Embedding):
                continue
            # Keras names every entry after the first weighted layer's checkpoint key.
            entry = {"tensor_name": "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"}
            if isinstance(metadata, str):
                entry["metadata_path"] = metadata
            elif remaining and layer.name in remaining:
                entry["metadata_path"] = remaining.pop(layer.name)
            entries.append(entry)
        if remaining:
            raise ValueError(
                "Unrecognized `Embedding` layer names passed to `keras.callbacks.TensorBoard` "
                f"`embeddings_metadata` argument: {remaining.keys()}"
            )
        os.makedirs(self.log_dir, exist_ok=True)
        with open(os.path.join(self.log_dir, "projector_config.pbtxt"), "w") as config_file:
            config_file.write(_projector_config_text(entries))

    def _log_embeddings(self, epoch):
        path = os.path.join(self.log_dir, "train", f"keras_embedding.ckpt-{epoch}.weights.h5")
        self.model.save_weights(path)

    # -- profiling -----------------------------------------------------------------------
    def _init_profile_batch(self, profile_batch):
        """Sets ``_start_batch``/``_stop_batch`` from ``profile_batch`` (int, pair, or "a,b")."""
        if isinstance(profile_batch, str):
            profile_batch = [int(part) for part in profile_batch.split(",")]
            if len(profile_batch) == 1:
                profile_batch = profile_batch[0]
        if isinstance(profile_batch, int):
            self._start_batch = self._stop_batch = profile_batch
        elif isinstance(profile_batch, (tuple, list)) and len(profile_batch) == 2:
            self._start_batch, self._stop_batch = profile_batch
        else:
            raise ValueError(_PROFILE_BATCH_ERROR.format(profile_batch))
        if self._start_batch < 0 or self._stop_batch < self._start_batch:
            raise ValueError(_PROFILE_BATCH_ERROR.format(profile_batch))
        self._profiler_started = False
        self._batch_trace_context = None
        self._is_tracing = False
        self._should_trace = not (self._start_batch == 0 and self._stop_batch == 0)

    def _start_trace(self):
        if not self._profiler_started:
            try:
                jax.profiler.start_trace(self._train_dir)
                self._profiler_started = True
            except Exception as error:  # profiling must never break training
                logging.error("Failed to start profiler: %s", error)
        self._is_tracing = True

    def _stop_trace(self):
        if self._profiler_started:
            try:
                jax.profiler.stop_trace()
            except Exception as error:
                logging.error("Failed to stop profiler: %s", error)
            finally:
                self._profiler_started = False
        self._is_tracing = False


def _scalars(items):
    """The ``(name, float)`` pairs of the scalar values among ``items``; other values are skipped."""
    pairs = []
    for name, value in items:
        value = to_python(value)
        if isinstance(value, float):
            pairs.append((name, value))
    return pairs


def _model_json(model):
    if hasattr(model, "to_json"):
        return model.to_json()
    from kerasish.saving.serialization import serialize_keras_object

    return json.dumps(serialize_keras_object(model))


def _keras_model_summary(tag, json_string):
    """The summary TensorFlow's ``keras_model_summary`` writes: the JSON as a string tensor."""
    from tensorboardX.proto.summary_pb2 import Summary, SummaryMetadata
    from tensorboardX.proto.tensor_pb2 import TensorProto
    from tensorboardX.proto.tensor_shape_pb2 import TensorShapeProto
    from tensorboardX.proto.types_pb2 import DT_STRING

    metadata = SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(plugin_name="graph_keras_model", content=b"1")
    )
    tensor = TensorProto(
        dtype=DT_STRING, tensor_shape=TensorShapeProto(), string_val=[json_string.encode("utf-8")]
    )
    return Summary(value=[Summary.Value(tag=tag, metadata=metadata, tensor=tensor)])


def _weight_image(value):
    """A weight as a ``(images, height, width, 1)`` array, or None when it has no image form."""
    image = np.squeeze(value)
    if image.ndim == 1:  # a bias
        image = image.reshape(1, image.shape[0], 1, 1)
    elif image.ndim == 2:  # a dense kernel, shown wide
        if image.shape[0] > image.shape[1]:
            image = image.T
        image = image.reshape(1, image.shape[0], image.shape[1], 1)
    elif image.ndim == 3:  # a convolution kernel: one image per channel
        if image_data_format() == "channels_last":
            image = np.transpose(image, (2, 0, 1))
        image = image.reshape(image.shape[0], image.shape[1], image.shape[2], 1)
    if image.ndim == 4 and image.shape[-1] in (1, 3, 4):
        return image
    return None


def _text_format_string(value):
    """A string quoted as protobuf's ``text_format.MessageToString`` quotes it."""
    from google.protobuf import text_encoding  # installed with tensorboardX

    return '"' + text_encoding.CEscape(value, as_utf8=True) + '"'


def _projector_config_text(entries):
    """A ``ProjectorConfig`` in protobuf text format, as ``text_format.MessageToString`` writes it."""
    lines = []
    for entry in entries:
        lines.append("embeddings {")
        lines.extend(f"  {field}: {_text_format_string(text)}" for field, text in entry.items())
        lines.append("}")
    return "".join(line + "\n" for line in lines)
