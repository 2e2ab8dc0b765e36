"""`keras.datasets.cifar10`: 60,000 32x32 colour images in 10 classes.

Read from Keras's cache (``~/.keras/datasets/cifar-10-batches-py-target_archive``, Keras's
name for the downloaded tar.gz, or its extracted folder); kerasish never downloads.

Example:
>>> (x_train, y_train), (x_test, y_test) = kerasish.datasets.cifar10.load_data()
>>> x_train.shape  # (50000, 32, 32, 3) with channels_last
"""

import os

import numpy as np

from kerasish.datasets import _cifar
from kerasish.utils.file_utils import get_file

_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data():
    """``(x_train, y_train), (x_test, y_test)``: uint8 images and ``(n, 1)`` uint8 labels."""
    path = get_file(
        "cifar-10-batches-py-target",
        origin="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
        extract=True,
        file_hash=_HASH,
    )
    path = os.path.join(path, "cifar-10-batches-py")
    batches = [_cifar.load_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([images for images, _ in batches]).astype("uint8")
    y_train = np.concatenate([labels for _, labels in batches]).astype("uint8")
    x_test, y_test = _cifar.load_batch(os.path.join(path, "test_batch"))
    return _cifar.finish(x_train, y_train, x_test.astype("uint8"), np.asarray(y_test, "uint8"))
