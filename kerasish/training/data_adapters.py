"""Turning what users pass to `fit`/`evaluate`/`predict` into batches of numpy arrays.

Accepted: numpy/JAX arrays and lists/tuples/dicts of them, Python generators and
iterators yielding ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``,
`keras.utils.PyDataset`, and `grain` datasets where grain is installed.
"""

import dataclasses
import itertools
import math
import warnings

import jax
import numpy as np

from kerasish.backend.config import max_steps_per_epoch


def unpack_x_y_sample_weight(data):
    """``data`` -> ``(x, y, sample_weight)`` as Keras's `keras.utils.unpack_x_y_sample_weight`."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
        f"found: {data}"
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


@dataclasses.dataclass
class DataPosition:
    """Where `fit` stands in its data; a run restored from a checkpoint continues from here.

    The shuffle order of an epoch is a function of ``(shuffle_seed, epoch)`` alone, so these
    four numbers say exactly which batch comes next.

    Arguments:
        epoch: the epoch in progress (or the next one, between epochs).
        batch: batches of ``epoch`` already trained.
        step: batches trained in all, over every epoch.
        shuffle_seed: the seed of every epoch's shuffle order.
    """

    epoch: int = 0
    batch: int = 0
    step: int = 0
    shuffle_seed: int = 0


def _is_array(value):
    return hasattr(value, "shape") and hasattr(value, "dtype")


def _to_numpy_tree(tree):
    def convert(value):
        if value is None:
            return None
        if _is_array(value):
            return np.asarray(value)
        if isinstance(value, (int, float, bool)):
            return np.asarray(value)
        raise TypeError(value)

    return jax.tree.map(convert, tree, is_leaf=lambda v: v is None or _is_array(v))


def _is_array_data(x):
    if x is None:
        return True
    if _is_array(x):
        return True
    if isinstance(x, (list, tuple)):
        return all(_is_array_data(v) for v in x) and len(x) > 0
    if isinstance(x, dict):
        return all(_is_array_data(v) for v in x.values())
    return False


def _num_samples(tree):
    lengths = {int(np.shape(leaf)[0]) for leaf in jax.tree.leaves(tree) if np.ndim(leaf) > 0}
    if len(lengths) > 1:
        raise ValueError(
            "Data cardinality is ambiguous: all arrays must contain the same number of samples. "
            f"Received arrays with lengths {sorted(lengths)}."
        )
    return lengths.pop() if lengths else None


def _take(tree, index):
    return jax.tree.map(lambda a: a[index], tree)


def class_weight_to_sample_weight(y, class_weight):
    """Per-sample weights ``class_weight[label]`` for integer or one-hot labels ``y``."""
    if isinstance(y, (dict, list, tuple)):
        raise ValueError(
            "`class_weight` is only supported for Models with a single output. Received a "
            f"target structure of type {type(y).__name__}."
        )
    y = np.asarray(y)
    labels = (
        np.argmax(y, axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(y.shape[0], -1)[:, 0]
    )
    table = np.zeros(int(max(max(class_weight), labels.max(initial=0))) + 1, dtype="float32")
    table[:] = 1.0
    for label, weight in class_weight.items():
        table[int(label)] = weight
    return table[labels.astype("int64")]


class ArrayAdapter:
    """Batches in-memory arrays; reshuffles each epoch (``shuffle=True`` or ``"batch"``)."""

    def __init__(
        self,
        x,
        y=None,
        sample_weight=None,
        batch_size=None,
        steps=None,
        shuffle=False,
        class_weight=None,
    ):
        self.x, self.y, self.sample_weight = (
            _to_numpy_tree(x),
            _to_numpy_tree(y),
            _to_numpy_tree(sample_weight),
        )
        if class_weight is not None:
            if self.y is None:
                raise ValueError("`class_weight` requires targets `y`.")
            weights = class_weight_to_sample_weight(self.y, class_weight)
            self.sample_weight = (
                weights if self.sample_weight is None else self.sample_weight * weights
            )
        self.num_samples = _num_samples((self.x, self.y, self.sample_weight))
        self.batch_size = batch_size or 32
        self.shuffle = shuffle
        self._steps = steps

    @property
    def num_batches(self):
        if self._steps is not None:
            return self._steps
        return math.ceil(self.num_samples / self.batch_size)

    def batches(self, epoch_seed=0, start=0):
        """One epoch's batches from the ``start``-th on, in the order ``epoch_seed`` gives."""
        data = (self.x, self.y, self.sample_weight)
        rng = np.random.default_rng(epoch_seed)
        if self.shuffle is True:
            # One gather per epoch; batches are then views, not per-batch copies.
            data = _take(data, rng.permutation(self.num_samples))
        starts = list(range(0, self.num_samples, self.batch_size))
        if self.shuffle == "batch":
            rng.shuffle(starts)
        if self._steps is not None:
            starts = list(itertools.islice(itertools.cycle(starts), self._steps))
        leaves, treedef = jax.tree.flatten(data)
        for first_row in starts[start:]:
            window = slice(first_row, first_row + self.batch_size)
            yield jax.tree.unflatten(treedef, [leaf[window] for leaf in leaves])

    def split(self, validation_split):
        """Keras's ``validation_split``: the *last* fraction of the samples, before shuffling."""
        if not 0 < validation_split < 1:
            raise ValueError(
                f"`validation_split` must be between 0 and 1. Received: validation_split={validation_split}"
            )
        split_at = int(math.floor(self.num_samples * (1.0 - validation_split)))
        if split_at == 0 or split_at == self.num_samples:
            raise ValueError(
                f"Training data contains {self.num_samples} samples, which is not sufficient to split "
                f"it into a validation and training set as specified by `validation_split={validation_split}`."
            )
        head, tail = slice(0, split_at), slice(split_at, None)
        return (_take(self.x, head), _take(self.y, head), _take(self.sample_weight, head)), (
            _take(self.x, tail),
            _take(self.y, tail),
            _take(self.sample_weight, tail),
        )


_EXHAUSTED = object()


class IteratorAdapter:
    """Batches from a generator, iterator, `PyDataset` or grain dataset (already batched)."""

    def __init__(self, source, steps=None, class_weight=None):
        self.source = source
        self._steps = steps
        self.class_weight = class_weight
        self._iterator = None

    @property
    def num_batches(self):
        if self._steps is not None:
            return self._steps
        if hasattr(self.source, "__len__"):
            return len(self.source)
        return None

    def _new_iterator(self):
        if hasattr(self.source, "on_epoch_begin"):
            self.source.on_epoch_begin()
        if hasattr(self.source, "__iter__"):
            return iter(self.source)
        return (self.source[i] for i in range(len(self.source)))

    def batches(self, epoch_seed=0, start=0):
        """The epoch's batches after the first ``start`` (read and dropped: a source that starts
        again each epoch, such as a `PyDataset`, so resumes exactly where it was)."""
        # A generator is consumed across epochs (Keras semantics with steps_per_epoch); a
        # re-iterable source starts again each epoch.
        if self._iterator is None or self._steps is None:
            self._iterator = self._new_iterator()
        for _ in range(start):
            if next(self._iterator, _EXHAUSTED) is _EXHAUSTED:
                self._iterator = None
                return
        count = start
        while self._steps is None or count < self._steps:
            try:
                data = next(self._iterator)
            except StopIteration:
                self._iterator = None
                return
            x, y, sample_weight = unpack_x_y_sample_weight(data)
            x, y, sample_weight = (
                _to_numpy_tree(x),
                _to_numpy_tree(y),
                _to_numpy_tree(sample_weight),
            )
            if self.class_weight is not None and y is not None:
                weights = class_weight_to_sample_weight(y, self.class_weight)
                sample_weight = weights if sample_weight is None else sample_weight * weights
            count += 1
            yield x, y, sample_weight
        if hasattr(self.source, "on_epoch_end"):
            self.source.on_epoch_end()


def get_data_adapter(
    x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False, class_weight=None
):
    """The adapter for ``x``; raises a clear `ValueError` for types it cannot read.

    ``keras.config.set_max_steps_per_epoch`` caps ``steps`` (a debugging aid, as in Keras)."""
    cap = max_steps_per_epoch()
    if _is_array_data(x) and x is not None:
        adapter = ArrayAdapter(x, y, sample_weight, batch_size, steps, shuffle, class_weight)
        if cap and cap < adapter.num_batches:
            warnings.warn(f"Limiting steps_per_epoch to {cap}")
            adapter = ArrayAdapter(x, y, sample_weight, batch_size, cap, shuffle, class_weight)
        return adapter
    if cap and (not steps or cap < steps):
        warnings.warn(f"Limiting steps_per_epoch to {cap}")
        steps = cap
    if y is not None:
        raise ValueError(
            "When providing `x` as a generator, iterator or dataset, `y` should not be passed. "
            "Instead, the targets should be included as part of the data `x`."
        )
    if sample_weight is not None:
        raise ValueError(
            "When providing `x` as a generator, iterator or dataset, `sample_weight` should not "
            "be passed. Instead, the sample weights should be included as part of the data `x`."
        )
    if (
        hasattr(x, "__next__")
        or hasattr(x, "__iter__")
        or (hasattr(x, "__getitem__") and hasattr(x, "__len__"))
    ):
        if isinstance(x, (str, bytes)):
            raise ValueError(f"Unrecognized data type: x={x!r} (of type {type(x)})")
        return IteratorAdapter(x, steps, class_weight)
    raise ValueError(f"Unrecognized data type: x={x} (of type {type(x)})")
