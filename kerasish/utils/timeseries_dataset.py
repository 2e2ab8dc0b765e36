"""`keras.utils.timeseries_dataset_from_array`: sliding windows over a time series, in batches.

Keras returns a `tf.data.Dataset` (or a grain dataset); kerasish, which has no TensorFlow,
returns a `PyDataset` of numpy batches that `fit`, `evaluate` and `predict` read and that can
be iterated. The windows and their order are Keras's (the same start positions, shuffled by the
same `RandomState(seed)`); Keras's extra in-buffer shuffle of a `tf.data` pipeline is not
reproduced.
"""

import math

import numpy as np

from kerasish.utils.py_dataset import PyDataset


class TimeseriesDataset(PyDataset):
    """Batches ``(windows, targets)`` (or ``windows``) taken at ``starts`` (see the module)."""

    def __init__(self, data, targets, starts, sequence_length, sampling_rate, batch_size):
        super().__init__()
        self.data, self.targets, self.starts = data, targets, starts
        self.offsets = np.arange(sequence_length) * sampling_rate
        self.batch_size = batch_size

    def __len__(self):
        if self.batch_size is None:
            return len(self.starts)
        return math.ceil(len(self.starts) / self.batch_size)

    def __getitem__(self, index):
        if self.batch_size is None:
            starts = self.starts[index]
        else:
            starts = self.starts[index * self.batch_size : (index + 1) * self.batch_size]
        windows = self.data[np.asarray(starts)[..., None] + self.offsets]
        return windows if self.targets is None else (windows, self.targets[starts])


def timeseries_dataset_from_array(
    data,
    targets,
    sequence_length,
    sequence_stride=1,
    sampling_rate=1,
    batch_size=128,
    shuffle=False,
    seed=None,
    start_index=None,
    end_index=None,
    format="tf",
):
    """Windows of ``sequence_length`` steps, every ``sampling_rate`` steps, starting every
    ``sequence_stride`` steps; ``targets[i]`` goes with the window that starts at step ``i``.

    Example:
    >>> dataset = timeseries_dataset_from_array(
    ...     np.arange(100), targets=None, sequence_length=10, sampling_rate=2, batch_size=4)
    >>> dataset[0][0]
    array([ 0,  2,  4,  6,  8, 10, 12, 14, 16, 18])
    """
    _check_arguments(data, start_index, end_index, sampling_rate, sequence_stride, format)
    start_index = start_index or 0
    end_index = end_index if end_index is not None else len(data)
    count = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        count = min(count, len(targets))
    starts = np.arange(0, count, sequence_stride)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(starts)
    data = np.asarray(data)[start_index:end_index]
    if targets is not None:
        targets = np.asarray(targets)[start_index:end_index]
    return TimeseriesDataset(data, targets, starts, sequence_length, sampling_rate, batch_size)


def _check_arguments(data, start_index, end_index, sampling_rate, sequence_stride, format):
    if start_index:
        if start_index < 0:
            raise ValueError(
                f"`start_index` must be 0 or greater. Received: start_index={start_index}"
            )
        if start_index >= len(data):
            raise ValueError(
                "`start_index` must be lower than the length of the data. Received: "
                f"start_index={start_index}, for data of length {len(data)}"
            )
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(
                "`end_index` must be higher than `start_index`. Received: "
                f"start_index={start_index}, and end_index={end_index} "
            )
        if end_index >= len(data):
            raise ValueError(
                "`end_index` must be lower than the length of the data. Received: "
                f"end_index={end_index}, for data of length {len(data)}"
            )
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={value}")
        if value >= len(data):
            raise ValueError(
                f"`{name}` must be lower than the length of the data. Received: "
                f"{name}={value}, for data of length {len(data)}"
            )
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')
