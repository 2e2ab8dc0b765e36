"""`keras.models`: model classes and whole-model utilities."""

from kerasish.engine.functional import Functional
from kerasish.engine.model import Model
from kerasish.engine.sequential import Sequential
from kerasish.models.cloning import clone_model
from kerasish.saving.saving_api import load_model, save_model

__all__ = [
    "Functional",
    "Model",
    "Sequential",
    "clone_model",
    "load_model",
    "model_from_json",
    "save_model",
]


def model_from_json(json_string, custom_objects=None):
    """The (uncompiled) model that `Model.to_json` described; classes resolve through the
    registry, as `load_model` does, so no code in the string runs."""
    import json

    from kerasish.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(json.loads(json_string), custom_objects=custom_objects)
