"""`keras.datasets.mnist`: 70,000 28x28 grayscale digits.

Read from Keras's cache (``~/.keras/datasets/mnist.npz``); kerasish never downloads.

Example:
>>> (x_train, y_train), (x_test, y_test) = kerasish.datasets.mnist.load_data()
>>> x_train.shape, x_train.dtype  # ((60000, 28, 28), dtype('uint8'))
"""

import numpy as np

from kerasish.datasets._sequences import origin
from kerasish.utils.file_utils import get_file

_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """``(x_train, y_train), (x_test, y_test)``: uint8 images and labels 0-9."""
    path = get_file(path, origin=origin("mnist.npz"), file_hash=_HASH)
    with np.load(path, allow_pickle=False) as arrays:
        return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
