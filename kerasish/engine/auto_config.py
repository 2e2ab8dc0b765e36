"""Keras 3's automatic configs: a layer that does not override `get_config` is serialized
from the arguments it was constructed with, when they are plain values.

`Operation.__new__` records the constructor's arguments (bound to ``__init__``'s signature,
defaults included, ``**kwargs`` merged in, ``name`` left to `get_config`) when every value,
through nested lists, tuples and dicts, is a str, int, float, bool or None; otherwise (or when
``__init__`` takes positional-only or variadic positional arguments) there is no automatic
config and `get_config` raises, naming what to do.
"""

import inspect
import textwrap

from kerasish.dtype_policies import DTypePolicy

_PLAIN = (str, int, float, bool, type(None))

_EXAMPLE = """
    class CustomLayer(keras.layers.Layer):
        def __init__(self, arg1, arg2, **kwargs):
            super().__init__(**kwargs)
            self.arg1 = arg1
            self.arg2 = arg2

        def get_config(self):
            config = super().get_config()
            config.update({
                "arg1": self.arg1,
                "arg2": self.arg2,
            })
            return config"""


def record(cls, args, kwargs):
    """``(config or None, positional_error)`` for ``cls(*args, **kwargs)``."""
    signature = inspect.signature(cls.__init__)
    parameters = list(signature.parameters.values())
    if any(p.kind == p.POSITIONAL_ONLY for p in parameters[1:]):
        return None, True
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError:
        return None, False
    bound.apply_defaults()
    config = {}
    for parameter in parameters[1:]:
        value = bound.arguments.get(parameter.name)
        if parameter.kind == parameter.VAR_KEYWORD:
            config.update(value or {})
        elif parameter.kind == parameter.VAR_POSITIONAL:
            if value:
                return None, True
        else:
            config[parameter.name] = value
    config.pop("name", None)
    if isinstance(config.get("dtype"), DTypePolicy):
        # As Keras: a policy object (what `from_config` passes) is recorded by its name.
        config["dtype"] = config["dtype"].name
    return (config, False) if _is_plain(config) else (None, False)


def _is_plain(value):
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v) for v in value)
    return isinstance(value, _PLAIN)


def takes_name(cls):
    """Whether ``cls(name=...)`` is accepted (a ``name`` argument or ``**kwargs``)."""
    parameters = inspect.signature(cls.__init__).parameters.values()
    return any(p.name == "name" or p.kind == p.VAR_KEYWORD for p in parameters)


def missing_config_error(cls, positional):
    """The `NotImplementedError` Keras raises for an object without a config."""
    if positional:
        reason = (
            "was created by passing positional only or variadic positional arguments (e.g., "
            "`*args`) to `__init__()`, which is not supported by the automatic config "
            "generation. Please remove all positional only and variadic arguments from "
            "`__init__()` or override `get_config()` and `from_config()` to make the object "
            "serializatble."
        )
    else:
        reason = (
            "was created by passing non-serializable argument values in `__init__()`, and "
            "therefore the object must override `get_config()` in order to be serializable. "
            "Please implement `get_config()`."
        )
    return NotImplementedError(
        f"Object {cls.__name__} {reason}\n\nExample:\n{textwrap.dedent(_EXAMPLE)}"
    )
