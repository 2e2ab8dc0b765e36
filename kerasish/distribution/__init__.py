"""`keras.distribution`: data and model parallelism on `jax.sharding` meshes.

See `distributions` for how variables and batches are placed, and `multi_host.initialize` for
runs over several processes (TPU pods).
"""

from kerasish.distribution.distributions import (
    DataParallel,
    Distribution,
    ModelParallel,
    distribute_tensor,
    distribution,
    set_distribution,
)
from kerasish.distribution.layout_map import LayoutMap
from kerasish.distribution.mesh import DeviceMesh, TensorLayout, get_device_count, list_devices
from kerasish.distribution.multi_host import initialize

__all__ = [
    "DataParallel",
    "DeviceMesh",
    "Distribution",
    "LayoutMap",
    "ModelParallel",
    "TensorLayout",
    "distribute_tensor",
    "distribution",
    "get_device_count",
    "initialize",
    "list_devices",
    "set_distribution",
]
