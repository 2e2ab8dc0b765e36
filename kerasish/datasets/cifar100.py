"""`keras.datasets.cifar100`: 60,000 32x32 colour images in 100 classes (20 superclasses).

Read from Keras's cache (``~/.keras/datasets/cifar-100-python-target_archive``, Keras's name for
the downloaded tar.gz, or its extracted folder); kerasish never downloads.

Example:
>>> (x_train, y_train), (x_test, y_test) = kerasish.datasets.cifar100.load_data("coarse")
"""

import os

from kerasish.datasets import _cifar
from kerasish.utils.file_utils import get_file

_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode="fine"):
    """``(x_train, y_train), (x_test, y_test)`` with ``"fine"`` (100) or ``"coarse"`` (20)
    labels as ``(n, 1)`` columns."""
    if label_mode not in ("fine", "coarse"):
        raise ValueError(
            f'`label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode={label_mode}.'
        )
    path = get_file(
        "cifar-100-python-target",
        origin="https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
        extract=True,
        file_hash=_HASH,
    )
    path = os.path.join(path, "cifar-100-python")
    key = f"{label_mode}_labels"
    x_train, y_train = _cifar.load_batch(os.path.join(path, "train"), label_key=key)
    x_test, y_test = _cifar.load_batch(os.path.join(path, "test"), label_key=key)
    return _cifar.finish(x_train, y_train, x_test, y_test)
