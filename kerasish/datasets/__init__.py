"""`keras.datasets`: Keras's small datasets, read from Keras's cache and never downloaded.

Each loader looks for the file Keras would have cached (``$KERAS_HOME`` or ``~/.keras``, then
``datasets/``), checks Keras's hash, and otherwise raises `FileNotCachedError` naming the URL
and the path to save it at.
"""

from kerasish.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

__all__ = [
    "boston_housing",
    "california_housing",
    "cifar10",
    "cifar100",
    "fashion_mnist",
    "imdb",
    "mnist",
    "reuters",
]
