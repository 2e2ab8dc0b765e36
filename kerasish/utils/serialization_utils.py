"""How `keras.initializers.deserialize` and its siblings look names up in their own module.

Keras deserializes these families with a table of the module's public objects
(``module_objects``): a known name gives the object (a class is instantiated from its
config), an unknown name is handed back unchanged so that the family's ``get`` raises its
own "Could not interpret ... identifier" error. Custom and registered objects go through
the general `kerasish.saving.serialization` path.
"""

import inspect

from kerasish.saving import serialization


def deserialize_from_table(config, table, custom_objects=None):
    """Deserializes `config` against ``table`` (``{name: class or function}``), as Keras does.

    Arguments:
        config: None, a name, a Keras config dict, or a list of those.
        table: the module's objects by every name they may be referred to with.
        custom_objects: optional ``{name: object}`` that takes precedence.

    Returns:
        The object; the name itself when neither the table nor custom objects know it.
    """
    if config is None:
        return None
    if isinstance(config, str):
        found = serialization.get_registered_object(config, custom_objects)
        if found is not None:
            return found
        found = table.get(config)
        if found is None:
            return config
        return _instantiate(found, {}, custom_objects)
    if isinstance(config, (list, tuple)):
        return [serialization.deserialize_keras_object(item, custom_objects) for item in config]
    if not isinstance(config, dict):
        return config
    if "class_name" not in config:
        raise ValueError(f"Unknown `config` as a `dict`, config={config}")
    class_name = config["class_name"]
    inner_config = config.get("config")
    if _names_custom_object(config, custom_objects):
        return serialization.deserialize_keras_object(config, custom_objects)
    if class_name == "function":
        name = inner_config
        registered_name = config.get("registered_name")
        if config.get("module") != "builtins" and registered_name not in (None, "function"):
            name = registered_name
        return table.get(name, name)
    if "module" in config and config["module"] is None:
        raise TypeError(
            f"Cannot deserialize object of type `{class_name}`. If `{class_name}` is a custom "
            "class, please register it using the "
            "`@keras.saving.register_keras_serializable()` decorator."
        )
    found = table.get(class_name)
    if found is None:
        return class_name
    return _instantiate(found, inner_config or {}, custom_objects)


def _names_custom_object(config, custom_objects):
    inner_config = config.get("config")
    names = [config["class_name"], config.get("registered_name")]
    if isinstance(inner_config, str):
        names.append(inner_config)
    return any(
        serialization.get_registered_object(name, custom_objects) is not None
        for name in names
        if name and name != "function"
    )


def _instantiate(found, inner_config, custom_objects):
    if not inspect.isclass(found):
        return found
    with serialization.custom_object_scope(custom_objects or {}):
        return found.from_config(inner_config)
