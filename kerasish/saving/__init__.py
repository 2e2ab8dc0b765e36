"""`keras.saving`: `.keras` and `.weights.h5` files, object serialization and the registry."""

from kerasish.saving.saving_api import load_model, load_weights, save_model, save_weights
from kerasish.saving.serialization import (
    CustomObjectScope,
    custom_object_scope,
    deserialize_keras_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
    serialize_keras_object,
)

__all__ = [
    "Checkpointer",
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "save_model",
    "save_weights",
    "serialize_keras_object",
]


def __getattr__(name):
    # Imported on first use: `Checkpointer` brings in orbax (~0.3 s), which `import kerasish`
    # does not need.
    if name == "Checkpointer":
        from kerasish.saving.checkpointer import Checkpointer

        return Checkpointer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
