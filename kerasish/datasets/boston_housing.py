"""`keras.datasets.boston_housing`: 506 Boston suburbs, 13 features, median home value.

Read from Keras's cache (``~/.keras/datasets/boston_housing.npz``); kerasish never downloads.

Example:
>>> (x_train, y_train), (x_test, y_test) = kerasish.datasets.boston_housing.load_data()
"""

from kerasish.datasets import _regression

_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """``(x_train, y_train), (x_test, y_test)``, the test set being the last ``test_split``."""
    _regression.check_test_split(test_split)
    x, y = _regression.load_xy(path, "boston_housing.npz", _HASH)
    return _regression.shuffle_and_split(x, y, test_split, seed)
