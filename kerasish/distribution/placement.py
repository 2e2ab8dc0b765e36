"""Where the engine puts arrays under the current distribution (internal helpers).

- `variable_sharding`: the sharding a new variable gets (None without a distribution);
- `create_value`: a variable's initial value computed directly in that sharding;
- `shard_batch`: a batch split along the mesh's batch axis (each process passing its own
  rows in a multi-process run);
- `to_host`: numpy copies of possibly sharded (and, across processes, non-addressable) outputs.
"""

import dataclasses

import jax
import numpy as np

from kerasish.distribution import distributions


@dataclasses.dataclass(frozen=True)
class VariableSpec:
    """What a distribution needs to place a variable that is being created."""

    path: str
    shape: tuple
    dtype: str
    _layout: object = None


def variable_sharding(path, shape, dtype, layout=None):
    """A new variable's sharding: its own ``layout`` (a `TensorLayout` or a jax `Sharding`)
    if given, else the current distribution's rule for it, else None."""
    if isinstance(layout, jax.sharding.Sharding):
        return layout
    if layout is not None and layout.device_mesh is not None:
        return layout.backend_layout
    current = distributions.distribution()
    if current is None:
        return None
    spec = VariableSpec(path, tuple(shape), dtype, layout)
    return current.get_variable_layout(spec).backend_layout


def create_value(compute, sharding, traceable):
    """``compute()`` placed in ``sharding``: jitted with that output sharding when
    ``traceable`` (so no device ever holds the whole value), else computed then placed (also
    when a user initializer turns out not to be traceable)."""
    if sharding is None:
        return compute()
    if traceable:
        try:
            return jax.jit(compute, out_shardings=sharding)()
        except (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError):
            pass
    return jax.device_put(compute(), sharding)


def place(value, sharding):
    """``value`` moved into ``sharding`` unless it is already there (or is being traced)."""
    if sharding is None or isinstance(value, jax.core.Tracer):
        return value
    if getattr(value, "sharding", None) == sharding:
        return value
    return jax.device_put(value, sharding)


def shard_batch(tree, current, batch_axis=0):
    """A batch placed per the distribution ``current``: split along ``batch_axis`` (1 for a
    stack of ``steps_per_execution`` batches) over the mesh's batch axis when its rows divide
    evenly, else replicated. In a multi-process run each process passes its own rows."""
    mesh = current.device_mesh
    batch_shards = mesh.axis_size(current.batch_dim_name)
    multi_process = jax.process_count() > 1

    def place_leaf(leaf):
        if leaf is None or isinstance(leaf, jax.core.Tracer):
            return leaf
        leaf = np.asarray(leaf) if not isinstance(leaf, jax.Array) else leaf
        if leaf.dtype == object or leaf.ndim <= batch_axis:
            return leaf
        global_rows = leaf.shape[batch_axis] * (jax.process_count() if multi_process else 1)
        if global_rows % batch_shards == 0:
            axes = [None] * leaf.ndim
            axes[batch_axis] = current.batch_dim_name
            sharding = jax.sharding.NamedSharding(
                mesh.backend_mesh, jax.sharding.PartitionSpec(*axes)
            )
        else:
            sharding = jax.sharding.NamedSharding(mesh.backend_mesh, jax.sharding.PartitionSpec())
        if multi_process:
            return jax.make_array_from_process_local_data(sharding, np.asarray(leaf))
        return jax.device_put(leaf, sharding)

    return jax.tree.map(place_leaf, tree)


def to_host(tree):
    """Numpy copies of ``tree``'s arrays; arrays spread over other processes are gathered."""

    def gather(value):
        if isinstance(value, jax.Array) and not value.is_fully_addressable:
            from jax.experimental import multihost_utils

            return np.asarray(multihost_utils.process_allgather(value, tiled=True))
        return value

    return jax.device_get(jax.tree.map(gather, tree))
