"""Keras 3's object config format and the closed class registry behind it.

An object serializes to ``{"module", "class_name", "config", "registered_name"}`` exactly
as Keras 3 writes it, so configs move between the two libraries. Deserialization resolves
classes only through this registry -- built-ins, classes registered with
`register_keras_serializable`, and ``custom_objects`` -- and never imports a module named
in a config.
"""

import contextlib
import inspect
import threading

import numpy as np

_BUILTINS = {}  # public module ("keras.layers") -> {name: object}
_REGISTERED = {}  # "package>name" -> object, from register_keras_serializable
_scope = threading.local()


def keras_export(module, name=None):
    """Registers a built-in class or function under a Keras public module such as `keras.layers`."""

    def decorate(obj):
        registered = name or obj.__name__
        _BUILTINS.setdefault(module, {})[registered] = obj
        if inspect.isclass(obj):
            obj._keras_module = module
        return obj

    return decorate


def register_keras_serializable(package="Custom", name=None):
    """Registers a user class so that configs naming it deserialize without `custom_objects`.

    Example:
    >>> @register_keras_serializable(package="my_package")
    ... class Scale(kerasish.layers.Layer):
    ...     pass
    """
    if "/" in package:
        raise ValueError(
            f"Cannot register a package name containing '/'. Received: package={package}"
        )

    def decorate(obj):
        registered = f"{package}>{name or obj.__name__}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError(
                f"Cannot register a class that does not have a get_config() method. Received: {obj}"
            )
        _REGISTERED[registered] = obj
        obj._registered_name = registered
        return obj

    return decorate


def get_registered_name(obj):
    """The name `obj` serializes under: ``package>name`` when user-registered, else its own name."""
    registered = (
        obj.__dict__.get("_registered_name")
        if inspect.isclass(obj)
        else getattr(obj, "_registered_name", None)
    )
    return registered or obj.__name__


def get_registered_object(name, custom_objects=None, module_objects=None):
    """Looks `name` up among custom objects in scope, user-registered ones, then `module_objects`."""
    for table in (_custom_scope_objects(), custom_objects or {}):
        if name in table:
            return table[name]
    if name in _REGISTERED:
        return _REGISTERED[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def get_custom_objects():
    """The global dict of user-registered objects (``package>name`` keys)."""
    return _REGISTERED


def _custom_scope_objects():
    merged = {}
    for objects in getattr(_scope, "stack", []):
        merged.update(objects)
    return merged


@contextlib.contextmanager
def custom_object_scope(*objects):
    """Makes ``{name: object}`` dicts visible to deserialization inside a `with` block."""
    stack = getattr(_scope, "stack", [])
    _scope.stack = [*stack, *[dict(o) for o in objects if o]]
    try:
        yield
    finally:
        _scope.stack = stack


CustomObjectScope = custom_object_scope


def builtin_objects(module):
    """The ``{name: object}`` table of one public module, e.g. ``builtin_objects("keras.layers")``."""
    return _BUILTINS.get(module, {})


def serialize_keras_object(obj):
    """The Keras 3 config of `obj`: plain values stay as they are, objects become config dicts."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (np.ndarray, np.generic)) or _is_jax_array(obj):
        array = np.asarray(obj)
        return {
            "class_name": "__numpy__",
            "config": {"value": array.tolist(), "dtype": str(array.dtype)},
        }
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(item) for item in obj]
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        registered = getattr(obj, "_registered_name", None)
        return {
            "module": "builtins" if registered is None else obj.__module__,
            "class_name": "function",
            "config": registered or obj.__name__,
            "registered_name": "function" if registered is None else registered,
        }
    if inspect.isclass(obj):
        raise TypeError(f"Cannot serialize a class object: {obj}. Serialize an instance instead.")
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize {obj!r}: it has no get_config() method.")
    cls = type(obj)
    user_registered = cls.__dict__.get("_registered_name")
    config = {
        "module": cls.__dict__.get("_keras_module")
        or (None if user_registered is None else cls.__module__),
        "class_name": cls.__name__,
        "config": obj.get_config(),
        "registered_name": user_registered,
    }
    build_config = obj.get_build_config() if hasattr(obj, "get_build_config") else None
    if build_config is not None:
        config["build_config"] = build_config
    compile_config = obj.get_compile_config() if hasattr(obj, "get_compile_config") else None
    if compile_config is not None:
        config["compile_config"] = compile_config
    return config


def _is_jax_array(obj):
    return type(obj).__module__.startswith("jax") and hasattr(obj, "__array__")


def resolve_class(config, custom_objects=None, module_objects=None):
    """Finds the class a config dict names, through the closed registry only."""
    class_name = config.get("class_name")
    registered_name = config.get("registered_name")
    candidates = [name for name in (registered_name, class_name) if name]
    for name in candidates:
        found = get_registered_object(name, custom_objects, module_objects)
        if found is not None:
            return found
    module = config.get("module")
    if module in _BUILTINS and class_name in _BUILTINS[module]:
        return _BUILTINS[module][class_name]
    found = _find_builtin(class_name)
    if found is not None:
        return found
    raise TypeError(
        f"Could not locate class '{class_name}'. Make sure custom classes are decorated with "
        "`@keras.saving.register_keras_serializable()` or passed in `custom_objects`. "
        f"Full object config: {config}"
    )


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, module_objects=None):
    """Rebuilds an object from the config `serialize_keras_object` wrote.

    Strings name built-in or registered objects (``"relu"``); dicts name a class and its
    config. Nothing is imported and no code from the config is executed.
    """
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        found = get_registered_object(config, custom_objects, module_objects)
        if found is None:
            found = _find_builtin(config)
        if found is None:
            raise ValueError(f"Could not interpret serialized object: '{config}'")
        return found
    if isinstance(config, (list, tuple)):
        return [
            deserialize_keras_object(c, custom_objects, safe_mode, module_objects) for c in config
        ]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config}")
    class_name = config.get("class_name")
    if class_name == "__numpy__":
        value = config["config"]
        return np.array(value["value"], dtype=value["dtype"])
    if class_name == "__tuple__":
        return tuple(deserialize_keras_object(config["config"]["value"], custom_objects, safe_mode))
    if class_name == "function":
        name = config.get("registered_name")
        if name == "function" or name is None:
            name = config["config"]
        return deserialize_keras_object(name, custom_objects, safe_mode, module_objects)
    if "class_name" not in config or "config" not in config:
        return {
            key: deserialize_keras_object(value, custom_objects, safe_mode, module_objects)
            for key, value in config.items()
        }
    cls = resolve_class(config, custom_objects, module_objects)
    inner = config["config"]
    if hasattr(cls, "from_config"):
        with custom_object_scope(custom_objects or {}):
            if _accepts(cls.from_config, "safe_mode"):
                obj = cls.from_config(inner, safe_mode=safe_mode)
            else:
                obj = cls.from_config(inner)
    else:
        obj = cls(**inner)
    build_config = config.get("build_config")
    if build_config and hasattr(obj, "build_from_config") and not getattr(obj, "built", True):
        obj.build_from_config(build_config)
    return obj


def _find_builtin(name):
    """A built-in object by name, searching every public module (the registry is closed)."""
    for table in _BUILTINS.values():
        if name in table:
            return table[name]
    return None


def _accepts(function, argument):
    try:
        return argument in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
