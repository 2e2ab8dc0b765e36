"""`keras.utils`: the helpers kerasish provides (explicit re-exports)."""

from kerasish.utils.file_utils import get_file as get_file
from kerasish.utils.numerical_utils import normalize as normalize
from kerasish.utils.numerical_utils import to_categorical as to_categorical
from kerasish.utils.progbar import Progbar as Progbar
from kerasish.utils.py_dataset import PyDataset as PyDataset
from kerasish.utils.random_utils import set_random_seed as set_random_seed

__all__ = [
    "Progbar",
    "PyDataset",
    "get_file",
    "normalize",
    "set_random_seed",
    "to_categorical",
    "unpack_x_y_sample_weight",
    "pack_x_y_sample_weight",
]


def unpack_x_y_sample_weight(data):
    """``data`` -> ``(x, y, sample_weight)``, as Keras's helper of the same name."""
    from kerasish.training.data_adapters import unpack_x_y_sample_weight as unpack

    return unpack(data)


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    from kerasish.training.data_adapters import pack_x_y_sample_weight as pack

    return pack(x, y, sample_weight)
