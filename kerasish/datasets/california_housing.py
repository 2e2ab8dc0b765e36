"""`keras.datasets.california_housing`: 20,640 census block groups, 8 features, home value.

Read from Keras's cache (``~/.keras/datasets/california_housing.npz``); kerasish never
downloads.

Example:
>>> (x_train, y_train), _ = kerasish.datasets.california_housing.load_data(version="small")
"""

from kerasish.datasets import _regression

_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """``(x_train, y_train), (x_test, y_test)``; ``version="small"`` keeps the first 600."""
    _regression.check_test_split(test_split)
    x, y = _regression.load_xy(path, "california_housing.npz", _HASH)
    if version == "small":
        x, y = x[:600], y[:600]
    elif version != "large":
        raise ValueError(
            f"Argument `version` must be one of 'small', 'large'. Received: version={version}"
        )
    return _regression.shuffle_and_split(x, y, test_split, seed)
