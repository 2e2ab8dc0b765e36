"""`DataParallel` and `ModelParallel`: where variables and batches live on a `DeviceMesh`.

A distribution set with `set_distribution` (or active in ``distribution.scope()``) when a model
is built places each new variable in its layout (created there directly, never whole on one
device), and `fit`/`evaluate`/`predict` split every batch along the mesh's batch axis. The
jitted steps then run as one SPMD program; XLA inserts the collectives.

Example:
>>> kerasish.distribution.set_distribution(kerasish.distribution.DataParallel())
>>> model = kerasish.Sequential([kerasish.Input((16,)), kerasish.layers.Dense(4)])
>>> model.weights[0].value.sharding  # replicated over every device
"""

import contextlib
import math
import warnings

import jax
import numpy as np

from kerasish.distribution.layout_map import LayoutMap
from kerasish.distribution.mesh import DeviceMesh, TensorLayout, list_devices

DEFAULT_BATCH_DIM_NAME = "batch"
DEFAULT_MAX_UNMATCHED_BYTES = 16 * 2**20

_current = None


class Distribution:
    """Base class: a mesh, the name of its batch axis, and where variables go."""

    def __init__(self, device_mesh, batch_dim_name=None, auto_shard_dataset=True):
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = auto_shard_dataset
        self._num_processes = jax.process_count()
        self._process_id = jax.process_index()

    @property
    def device_mesh(self):
        return self._device_mesh

    @property
    def batch_dim_name(self):
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self):
        return self._auto_shard_dataset

    @auto_shard_dataset.setter
    def auto_shard_dataset(self, value):
        self._auto_shard_dataset = value

    @property
    def num_processes(self):
        return self._num_processes

    @property
    def num_model_replicas(self):
        raise NotImplementedError

    @property
    def data_shard_id(self):
        """Which shard of the data this process feeds."""
        if self.num_model_replicas >= self.num_processes:
            return self._process_id
        return self._process_id // (self.num_processes // self.num_model_replicas)

    def get_data_layout(self, data_shape):
        """Batches are split along their first dimension over the batch axis."""
        axes = [None] * len(data_shape)
        axes[0] = self.batch_dim_name
        return TensorLayout(axes, self.device_mesh)

    def get_variable_layout(self, variable):
        raise NotImplementedError

    def get_tensor_layout(self, path):
        return None

    @contextlib.contextmanager
    def scope(self):
        """Makes this the current distribution inside the ``with`` block."""
        previous = distribution()
        set_distribution(self)
        try:
            yield
        finally:
            set_distribution(previous)

    def distribute_dataset(self, dataset):
        """Datasets are given to `fit` per process already (see `shard_batch`)."""
        return dataset

    def __repr__(self):
        return f"<{type(self).__name__} device_mesh={self.device_mesh}>"


class DataParallel(Distribution):
    """Every variable replicated, every batch split over all devices.

    Example:
    >>> kerasish.distribution.set_distribution(kerasish.distribution.DataParallel())

    Arguments:
        device_mesh: a `DeviceMesh` whose first axis is the batch axis (default: all devices).
        devices: the devices to use instead of a mesh.
        auto_shard_dataset: accepted for Keras compatibility.
    """

    def __init__(self, device_mesh=None, devices=None, auto_shard_dataset=True):
        if device_mesh:
            if not isinstance(device_mesh, DeviceMesh):
                raise ValueError(
                    "Expect `mesh` to be an instance of `DeviceMesh`. "
                    f"Received: mesh={device_mesh} (of type {type(device_mesh)})"
                )
            if device_mesh.devices.ndim != 1:
                warnings.warn(
                    "Expect the input mesh to be 1D, but received mesh.devices.ndim="
                    f"{device_mesh.devices.ndim}. The first axis will be used for "
                    "data-parallel sharding."
                )
            super().__init__(device_mesh, device_mesh.axis_names[0], auto_shard_dataset)
            return
        devices = np.array(devices if devices else list_devices())
        mesh = DeviceMesh(devices.shape, [DEFAULT_BATCH_DIM_NAME], devices)
        super().__init__(mesh, DEFAULT_BATCH_DIM_NAME, auto_shard_dataset)

    @property
    def num_model_replicas(self):
        return self.device_mesh.devices.size

    def get_variable_layout(self, variable):
        if getattr(variable, "_layout", None) is not None:
            return variable._layout
        return TensorLayout([None] * len(variable.shape), self.device_mesh)


class ModelParallel(Distribution):
    """Variables split per a `LayoutMap`, batches split over the batch axis.

    Example:
    >>> mesh = kerasish.distribution.DeviceMesh((2, 4), ["batch", "model"])
    >>> layout_map = kerasish.distribution.LayoutMap(mesh)
    >>> layout_map[".*dense.*/kernel"] = (None, "model")
    >>> layout_map[".*dense.*/bias"] = ("model",)
    >>> distribution = kerasish.distribution.ModelParallel(
    ...     layout_map=layout_map, batch_dim_name="batch")

    Arguments:
        layout_map: the rules; a variable no rule matches is replicated when it is at most
            ``max_unmatched_bytes``, and is an error (naming its path and the rules) above --
            never a silent full copy of a large weight on every device.
        batch_dim_name: the mesh axis batches are split over (default: the mesh's first).
        auto_shard_dataset: accepted for Keras compatibility.
        max_unmatched_bytes: the replication limit above (kerasish's; default 16 MiB).
    """

    def __init__(
        self,
        *,
        layout_map=None,
        batch_dim_name=None,
        auto_shard_dataset=True,
        max_unmatched_bytes=DEFAULT_MAX_UNMATCHED_BYTES,
        **kwargs,
    ):
        kwargs.pop("device_mesh", None)
        if layout_map is None:
            raise ValueError("You must specify a layout_map argument.")
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(
                f"Argument `layout_map` must be a `LayoutMap` instance. Received: layout_map={layout_map}"
            )
        mesh = layout_map.device_mesh
        super().__init__(mesh, batch_dim_name or mesh.axis_names[0], auto_shard_dataset)
        self._layout_map = layout_map
        self.max_unmatched_bytes = max_unmatched_bytes
        if (
            self.num_processes > 1
            and self.num_processes > self.num_model_replicas
            and self.num_processes % self.num_model_replicas != 0
        ):
            raise ValueError(
                "If `num_processes` is greater than `num_model_replicas`, `num_processes` must "
                f"be divisible by `num_model_replicas`. Got num_processes={self.num_processes}, "
                f"num_model_replicas={self.num_model_replicas}."
            )

    @property
    def num_model_replicas(self):
        return self.device_mesh.axis_size(self.batch_dim_name)

    def get_variable_layout(self, variable):
        if getattr(variable, "_layout", None) is not None:
            return variable._layout
        layout = self._layout_map[variable.path]
        if layout is not None:
            return layout
        size = math.prod(variable.shape) * np.dtype(variable.dtype).itemsize
        if size > self.max_unmatched_bytes:
            raise ValueError(
                f"Variable '{variable.path}' (shape {tuple(variable.shape)}, {size:,} bytes) "
                f"matches no rule of the LayoutMap {list(self._layout_map)}; replicating it on "
                f"every device would exceed max_unmatched_bytes={self.max_unmatched_bytes:,}. "
                "Add a rule for it (e.g. its exact path), or raise `max_unmatched_bytes`."
            )
        return TensorLayout([None] * len(variable.shape), self.device_mesh)

    def get_tensor_layout(self, path):
        return self._layout_map[path]


def distribution():
    """The current distribution, or None."""
    return _current


def set_distribution(value):
    """Makes ``value`` (a `Distribution`, or None to clear) the current distribution."""
    global _current
    if value is not None and not isinstance(value, Distribution):
        raise ValueError(f"Expected a `Distribution` instance or None. Received: {value}")
    _current = value


def distribute_tensor(tensor, layout):
    """``tensor`` placed per ``layout`` (a `TensorLayout` or a jax `Sharding`)."""
    from kerasish.engine.keras_tensor import KerasTensor

    if isinstance(tensor, KerasTensor):
        return tensor
    sharding = layout.backend_layout if isinstance(layout, TensorLayout) else layout
    if isinstance(tensor, jax.core.Tracer):
        return jax.lax.with_sharding_constraint(tensor, sharding)
    return jax.device_put(tensor, sharding)
