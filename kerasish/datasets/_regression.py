"""The shuffle-and-split that the housing datasets share with Keras."""

import numpy as np

from kerasish.datasets._sequences import origin
from kerasish.utils.file_utils import get_file


def check_test_split(test_split):
    if not 0 <= test_split < 1:
        raise ValueError(
            f"Invalid `test_split` argument: {test_split}. "
            "It must be between 0 and 1 (exclusive of 1)."
        )


def load_xy(path, remote_name, file_hash):
    with np.load(get_file(path, origin=origin(remote_name), file_hash=file_hash)) as arrays:
        return arrays["x"], arrays["y"]


def shuffle_and_split(x, y, test_split, seed):
    """``(x_train, y_train), (x_test, y_test)``: the last ``test_split`` of a seeded shuffle."""
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    split = int(len(x) * (1 - test_split))
    return (np.array(x[:split]), np.array(y[:split])), (np.array(x[split:]), np.array(y[split:]))
