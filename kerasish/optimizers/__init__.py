"""`keras.optimizers`: Keras 3 optimizers whose steps are optax transformations.

Example:
>>> optimizer = kerasish.optimizers.get("adam")
>>> optimizer.get_config()["learning_rate"]
0.0010000000474974513
"""

import optax

from kerasish.optimizers import schedules
from kerasish.optimizers.adafactor import Adafactor
from kerasish.optimizers.adam import Adam, Adamax, AdamW, Lamb, Nadam
from kerasish.optimizers.base_optimizer import Optimizer
from kerasish.optimizers.ftrl import Ftrl
from kerasish.optimizers.lion import Lion
from kerasish.optimizers.loss_scale_optimizer import LossScaleOptimizer
from kerasish.optimizers.optax_optimizer import OptaxOptimizer
from kerasish.optimizers.rmsprop import Adadelta, Adagrad, RMSprop
from kerasish.optimizers.sgd import SGD
from kerasish.saving import serialization

ALL_OBJECTS = (
    Optimizer,
    Adam,
    SGD,
    RMSprop,
    Adadelta,
    AdamW,
    Adagrad,
    Adamax,
    Adafactor,
    Nadam,
    Ftrl,
    Lion,
    Lamb,
    LossScaleOptimizer,
)
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}


def serialize(optimizer):
    """The Keras 3 config dict of ``optimizer``."""
    return serialization.serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """An optimizer from its config dict; built-in class names match case-insensitively."""
    config = dict(config)
    if str(config.get("class_name", "")).lower() in ALL_OBJECTS_DICT:
        config["class_name"] = config["class_name"].lower()
    return serialization.deserialize_keras_object(
        config, custom_objects=custom_objects, module_objects=ALL_OBJECTS_DICT
    )


def get(identifier):
    """An optimizer from a name (``"adam"``), a config dict, an optimizer, or an optax transform.

    An `optax.GradientTransformation` is wrapped in an `OptaxOptimizer`, so
    ``model.compile(optimizer=optax.adamw(1e-3))`` works.
    """
    if identifier is None:
        return None
    if isinstance(identifier, optax.GradientTransformation):
        return OptaxOptimizer(identifier)
    if isinstance(identifier, Optimizer):
        return identifier
    config = {"class_name": identifier, "config": {}} if isinstance(identifier, str) else identifier
    if isinstance(config, dict) and _resolvable(config):
        obj = deserialize(config)
        if isinstance(obj, Optimizer):
            return obj
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")


def _resolvable(config):
    name = config.get("class_name")
    if not isinstance(name, str):
        return False
    if name.lower() in ALL_OBJECTS_DICT:
        return True
    try:
        serialization.resolve_class(config)
    except TypeError:
        return False
    return True


__all__ = [
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lamb",
    "Lion",
    "LossScaleOptimizer",
    "Nadam",
    "OptaxOptimizer",
    "Optimizer",
    "RMSprop",
    "SGD",
    "schedules",
    "deserialize",
    "get",
    "serialize",
]
