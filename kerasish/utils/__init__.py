"""`keras.utils`: the helpers kerasish provides (explicit re-exports)."""

from kerasish.backend import clear_session as clear_session
from kerasish.engine.keras_tensor import is_keras_tensor as is_keras_tensor
from kerasish.engine.node import get_source_inputs as get_source_inputs
from kerasish.engine.variables import standardize_dtype as standardize_dtype
from kerasish.saving.serialization import CustomObjectScope as CustomObjectScope
from kerasish.saving.serialization import custom_object_scope as custom_object_scope
from kerasish.saving.serialization import deserialize_keras_object as deserialize_keras_object
from kerasish.saving.serialization import get_custom_objects as get_custom_objects
from kerasish.saving.serialization import get_registered_name as get_registered_name
from kerasish.saving.serialization import get_registered_object as get_registered_object
from kerasish.saving.serialization import (
    register_keras_serializable as register_keras_serializable,
)
from kerasish.saving.serialization import serialize_keras_object as serialize_keras_object
from kerasish.utils.file_utils import get_file as get_file
from kerasish.utils.io_utils import disable_interactive_logging as disable_interactive_logging
from kerasish.utils.io_utils import enable_interactive_logging as enable_interactive_logging
from kerasish.utils.io_utils import (
    is_interactive_logging_enabled as is_interactive_logging_enabled,
)
from kerasish.utils.numerical_utils import normalize as normalize
from kerasish.utils.numerical_utils import to_categorical as to_categorical
from kerasish.utils.progbar import Progbar as Progbar
from kerasish.utils.py_dataset import PyDataset as PyDataset
from kerasish.utils.py_dataset import PyDataset as Sequence
from kerasish.utils.random_utils import set_random_seed as set_random_seed
from kerasish.utils.sequence_utils import pad_sequences as pad_sequences
from kerasish.utils.timeseries_dataset import (
    timeseries_dataset_from_array as timeseries_dataset_from_array,
)

__all__ = [
    "CustomObjectScope",
    "Progbar",
    "PyDataset",
    "Sequence",
    "clear_session",
    "custom_object_scope",
    "deserialize_keras_object",
    "disable_interactive_logging",
    "enable_interactive_logging",
    "get_custom_objects",
    "get_file",
    "get_registered_name",
    "get_registered_object",
    "get_source_inputs",
    "is_interactive_logging_enabled",
    "is_keras_tensor",
    "normalize",
    "pad_sequences",
    "pack_x_y_sample_weight",
    "register_keras_serializable",
    "serialize_keras_object",
    "set_random_seed",
    "standardize_dtype",
    "timeseries_dataset_from_array",
    "to_categorical",
    "unpack_x_y_sample_weight",
]


def unpack_x_y_sample_weight(data):
    """``data`` -> ``(x, y, sample_weight)``, as Keras's helper of the same name."""
    from kerasish.training.data_adapters import unpack_x_y_sample_weight as unpack

    return unpack(data)


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    from kerasish.training.data_adapters import pack_x_y_sample_weight as pack

    return pack(x, y, sample_weight)
