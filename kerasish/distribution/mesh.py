"""Devices, meshes and tensor layouts: Keras 3's names over `jax.sharding`.

Example:
>>> mesh = kerasish.distribution.DeviceMesh((2, 4), ["batch", "model"])
>>> layout = kerasish.distribution.TensorLayout([None, "model"], mesh)
>>> layout.backend_layout  # a jax.sharding.NamedSharding
"""

import jax
import numpy as np


def list_devices(device_type=None):
    """Every device of ``device_type`` (``"cpu"``, ``"gpu"``, ``"tpu"``; default: the default
    backend's) across all processes, as ``"<platform>:<id>"`` strings."""
    devices = jax.devices(device_type.lower() if device_type else None)
    return [f"{device.platform}:{device.id}" for device in devices]


def get_device_count(device_type=None):
    """How many devices `list_devices` returns for ``device_type``."""
    return len(jax.devices(device_type.lower() if device_type else None))


def _jax_device(device):
    """The jax device ``device`` names (``"gpu:1"``; ``"cpu"`` means ``"cpu:0"``)."""
    if isinstance(device, jax.Device):
        return device
    platform, _, index = str(device).lower().partition(":")
    index = index or "0"
    by_id = {d.id: d for d in jax.devices(platform or None)}
    if not index.isdigit() or int(index) not in by_id:
        raise ValueError(f"Unknown device '{device}'. Known devices: {list_devices(platform)}")
    return by_id[int(index)]


class DeviceMesh:
    """A grid of devices with named axes, as `jax.sharding.Mesh`.

    Example:
    >>> mesh = kerasish.distribution.DeviceMesh(shape=(8,), axis_names=["batch"])
    >>> mesh.backend_mesh.shape  # {'batch': 8}

    Arguments:
        shape: the grid's shape, e.g. ``(8,)`` or ``(2, 4)``.
        axis_names: one name per axis, used by `TensorLayout` and `LayoutMap`.
        devices: the devices (``"cpu:0"`` strings or jax devices); default: `list_devices()`.
    """

    def __init__(self, shape, axis_names, devices=None):
        if not shape or not axis_names:
            raise ValueError(
                "Shape and axis_names cannot be empty. Received: "
                f"shape={shape}, axis_names={axis_names}"
            )
        if len(shape) != len(axis_names):
            raise ValueError(
                "Shape and axis_names should have same size. "
                f"Received: shape={shape}, axis_names={axis_names}"
            )
        if devices is None:
            devices = list_devices()
        devices = np.array(devices)
        if np.prod(shape) != np.prod(devices.shape):
            raise ValueError(
                "Shape does not match the number of devices. "
                f"Received: shape={shape}; devices.shape={devices.shape}"
            )
        self._shape = tuple(shape)
        self._axis_names = list(axis_names)
        self._devices = devices.reshape(shape)
        self._backend_mesh = None

    @property
    def shape(self):
        return self._shape

    @property
    def axis_names(self):
        return self._axis_names

    @property
    def devices(self):
        return self._devices

    @property
    def backend_mesh(self):
        """The `jax.sharding.Mesh` (automatic axes) of these devices."""
        if self._backend_mesh is None:
            devices = np.vectorize(_jax_device, otypes=[object])(self._devices)
            self._backend_mesh = jax.sharding.Mesh(devices, tuple(self._axis_names))
        return self._backend_mesh

    def axis_size(self, name):
        return self._shape[self._axis_names.index(name)]

    def __repr__(self):
        return f"<DeviceMesh shape={self.shape}, axis_names={self.axis_names}>"


class TensorLayout:
    """How a tensor's dimensions map onto mesh axes (None: not split), as `NamedSharding`.

    Example:
    >>> mesh = kerasish.distribution.DeviceMesh((2, 4), ["batch", "model"])
    >>> kerasish.distribution.TensorLayout([None, "model"], mesh).backend_layout.spec
    PartitionSpec(None, 'model')
    """

    def __init__(self, axes, device_mesh=None):
        self._axes = tuple(axes)
        self._device_mesh = device_mesh
        self._backend_layout = None
        self._validate_axes()

    @property
    def axes(self):
        return self._axes

    @property
    def device_mesh(self):
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh):
        if self._device_mesh is not None:
            raise ValueError(
                f"Cannot override device mesh value. Existing value is {self._device_mesh}"
            )
        self._device_mesh = device_mesh
        self._validate_axes()

    @property
    def backend_layout(self):
        """The `jax.sharding.NamedSharding` of this layout on its mesh."""
        if self._device_mesh is None:
            raise ValueError(f"{self} has no device mesh: set one before using it.")
        if self._backend_layout is None:
            self._backend_layout = jax.sharding.NamedSharding(
                self._device_mesh.backend_mesh, jax.sharding.PartitionSpec(*self._axes)
            )
        return self._backend_layout

    def _validate_axes(self):
        if self._device_mesh is None:
            return
        valid = set(self._device_mesh.axis_names)
        used = set(self._axes) - {None}
        if used - valid:
            raise ValueError(
                f"Invalid axis names for Layout. Valid axis names: {valid}, Got {used}"
            )

    def __repr__(self):
        return f"<TensorLayout axes={self.axes}, device_mesh={self.device_mesh}>"
