"""`keras.datasets.fashion_mnist`: 70,000 28x28 grayscale images of 10 kinds of clothing.

Read from Keras's cache (the four ``*-idx*-ubyte.gz`` files under
``~/.keras/datasets/fashion-mnist/``); kerasish never downloads.

Example:
>>> (x_train, y_train), (x_test, y_test) = kerasish.datasets.fashion_mnist.load_data()
"""

import gzip
import os

import numpy as np

from kerasish.datasets._sequences import origin
from kerasish.utils.file_utils import get_file


def _read(file_name, header_bytes):
    path = get_file(
        file_name, origin=origin(file_name), cache_subdir=os.path.join("datasets", "fashion-mnist")
    )
    with gzip.open(path, "rb") as stream:
        return np.frombuffer(stream.read(), np.uint8, offset=header_bytes)


def load_data():
    """``(x_train, y_train), (x_test, y_test)``: uint8 images and labels 0-9."""
    y_train = _read("train-labels-idx1-ubyte.gz", 8)
    x_train = _read("train-images-idx3-ubyte.gz", 16).reshape(len(y_train), 28, 28)
    y_test = _read("t10k-labels-idx1-ubyte.gz", 8)
    x_test = _read("t10k-images-idx3-ubyte.gz", 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
