"""The batches an ``adapt(data)`` call reads: one array, or an iterable of batches."""

import itertools

import jax
import numpy as np


def is_array(data):
    return isinstance(data, (np.ndarray, jax.Array))


def adapt_batches(data, steps=None, layer_name="layer"):
    """Yields the numpy batches of ``data`` for ``adapt``.

    An array is one batch. Anything else iterable (a list of arrays, a generator, a
    `PyDataset`) yields batches, of which an ``(x, y[, sample_weight])`` tuple gives ``x``;
    ``steps`` caps how many are read. Empty data raises a ValueError naming the layer.
    """
    if is_array(data):
        if np.size(data) == 0:
            raise ValueError(
                f"Layer '{layer_name}' cannot adapt on an empty array. Received: data with "
                f"shape {tuple(np.shape(data))}."
            )
        yield np.asarray(data)
        return
    if not hasattr(data, "__iter__") or isinstance(data, (str, bytes)):
        raise TypeError(
            f"Unsupported data type: {type(data)}. `adapt` supports `np.ndarray`, JAX arrays, "
            "`keras.utils.PyDataset`, and iterables of batches (e.g. list, generator)."
        )
    batches = iter(data)
    if steps is not None:
        batches = itertools.islice(batches, steps)
    empty = True
    for batch in batches:
        empty = False
        yield np.asarray(batch[0] if isinstance(batch, tuple) else batch)
    if empty:
        raise ValueError(
            "adapt() received an empty iterable (no batches). Expected at least one batch. "
            "Pass a non-empty iterable of arrays or tensors, e.g. layer.adapt([x]) or "
            "layer.adapt(list_of_batches)."
        )
