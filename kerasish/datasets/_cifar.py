"""The CIFAR batch format shared by `cifar10` and `cifar100`."""

import numpy as np

from kerasish.backend.config import image_data_format
from kerasish.datasets._safe_pickle import load_pickled_dict


def load_batch(path, label_key="labels"):
    """``(images, labels)`` of one pickled CIFAR batch; images ``(n, 3, 32, 32)`` uint8."""
    batch = load_pickled_dict(path)
    data = batch["data"]
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]


def finish(x_train, y_train, x_test, y_test):
    """Labels as ``(n, 1)`` columns and images in the configured channel order."""
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if image_data_format() == "channels_last":
        x_train, x_test = x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
