"""`keras.losses.get`, `serialize` and `deserialize`: losses by name or config.

Names are those Keras's ``get`` accepts: every class and function name plus the short
aliases ``mse``, ``mae``, ``mape``, ``msle``, ``kld`` and ``bce`` (also upper-case).

Example:
>>> get("mse").__name__
'mean_squared_error'
>>> get({"class_name": "Huber", "config": {"reduction": "sum"}}).reduction
'sum'
"""

import inspect

from kerasish.losses import losses
from kerasish.saving import serialization
from kerasish.utils.serialization_utils import deserialize_from_table

_ALIASES = ("bce", "BCE", "kld", "KLD", "mae", "MAE", "mape", "MAPE", "mse", "MSE", "msle", "MSLE")

# Everything registered under `keras.losses` (`Loss` and each class and function).
ALL_OBJECTS_DICT = dict(serialization.builtin_objects("keras.losses"))
ALL_OBJECTS_DICT["LossFunctionWrapper"] = losses.LossFunctionWrapper
ALL_OBJECTS_DICT.update({alias: getattr(losses, alias) for alias in _ALIASES})


def serialize(loss):
    """The Keras config of a `Loss` instance, or of a loss function (by name).

    Example:
    >>> serialize(losses.mean_squared_error)["config"]
    'mean_squared_error'
    """
    return serialization.serialize_keras_object(loss)


def deserialize(name, custom_objects=None):
    """A loss function or `Loss` instance from its name or config; unknown names come back
    unchanged (as in Keras, so that `get` reports them)."""
    return deserialize_from_table(name, ALL_OBJECTS_DICT, custom_objects)


def get(identifier):
    """A loss from None, a name (``"mse"``, ``"Huber"``), a config dict, a class or a callable.

    Classes are instantiated with their defaults; None gives None.

    Raises:
        ValueError: an identifier that names no loss.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        found = deserialize(identifier)
    elif isinstance(identifier, str):
        found = ALL_OBJECTS_DICT.get(identifier)
    else:
        found = identifier
    if callable(found):
        return found() if inspect.isclass(found) else found
    raise ValueError(f"Could not interpret loss identifier: {identifier}")
