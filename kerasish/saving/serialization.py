"""Keras 3's object config format and the closed class registry behind it.

An object serializes to ``{"module", "class_name", "config", "registered_name"}`` exactly
as Keras 3 writes it, so configs move between the two libraries. Deserialization resolves
classes only through this registry -- built-ins, classes registered with
`register_keras_serializable`, and ``custom_objects`` -- and never imports a module named
in a config; `kerasish.saving.safe_mode` lists what it refuses on top of that.
"""

import contextlib
import inspect
import threading

import jax.numpy as jnp
import numpy as np

from kerasish.saving import safe_mode as safety

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


class ObjectSharingScope:
    """Within it, an object met twice is written once per place with a common
    ``shared_object_id`` and read back as one object, as Keras does (a layer shared by two
    nested models stays shared)."""

    def __enter__(self):
        self._previous = getattr(_scope, "sharing", None)
        _scope.sharing = {"configs": {}, "produced": {}, "objects": {}}
        return self

    def __exit__(self, *exc_info):
        _scope.sharing = self._previous


def _record_serialized(obj, config):
    sharing = getattr(_scope, "sharing", None)
    if sharing is None:
        return
    sharing["produced"][id(config)] = config  # held, so that its id is not reused
    first = sharing["configs"].setdefault(id(obj), (obj, config))[1]
    if first is not config:
        first["shared_object_id"] = config["shared_object_id"] = id(obj)


def _already_serialized(config):
    """Whether ``config`` is a config dict made in this sharing scope: kept as it is (not
    copied), so that a ``shared_object_id`` added to it later reaches the output."""
    sharing = getattr(_scope, "sharing", None)
    return sharing is not None and id(config) in sharing["produced"]


def serialize_keras_object(obj):
    """The Keras 3 config of `obj`: plain values stay as they are, objects become config dicts."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        if obj.ndim == 0:
            return obj.item()
        return {
            "class_name": "__numpy__",
            "config": {"value": obj.tolist(), "dtype": str(obj.dtype)},
        }
    if _is_jax_array(obj):
        array = np.asarray(obj)
        return {
            "class_name": "__tensor__",
            "config": {"value": array.tolist(), "dtype": str(array.dtype)},
        }
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(item) for item in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        if _already_serialized(obj):
            return obj
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {
            "class_name": "__slice__",
            "config": {
                "start": serialize_keras_object(obj.start),
                "stop": serialize_keras_object(obj.stop),
                "step": serialize_keras_object(obj.step),
            },
        }
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
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
    config = _class_config(obj)
    _record_serialized(obj, config)
    return config


def _class_config(obj):
    cls = type(obj)
    user_registered = cls.__dict__.get("_registered_name")
    module = cls.__dict__.get("_keras_module")
    if module is None:
        module = None if user_registered is None else cls.__module__
    elif module.startswith("keras.src."):
        # Keras names its classes that have no public name by class name, e.g. Functional.
        user_registered = cls.__name__
    inner = obj.get_config()
    if not isinstance(inner, dict):
        raise TypeError(
            f"The `get_config()` method of {obj} should return a dict. It returned: {inner}"
        )
    config = {
        "module": module,
        "class_name": cls.__name__,
        "config": serialize_keras_object(inner),
        "registered_name": user_registered,
    }
    build_config = obj.get_build_config() if hasattr(obj, "get_build_config") else None
    if build_config is not None:
        config["build_config"] = serialize_keras_object(build_config)
    compile_config = obj.get_compile_config() if hasattr(obj, "get_compile_config") else None
    if compile_config is not None:
        config["compile_config"] = serialize_keras_object(compile_config)
    return config


def _is_jax_array(obj):
    return type(obj).__module__.startswith("jax") and hasattr(obj, "__array__")


def resolve_class(config, custom_objects=None, module_objects=None):
    """Finds the class a config dict names, through the closed registry only.

    Raises:
        ValueError: for a registered object that is not a modeling object (a callback, a
            file or saving utility), whatever the config calls it.
        TypeError: when nothing in the registry has that name.
    """
    class_name = config.get("class_name")
    registered_name = config.get("registered_name")
    candidates = [name for name in (registered_name, class_name) if name]
    for name in candidates:
        found = get_registered_object(name, custom_objects, module_objects)
        if found is not None:
            return found
    module = config.get("module")
    if isinstance(module, str) and safety.is_non_modeling_module(module):
        raise safety.non_modeling_error(module, class_name)
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
    config. Nothing is imported and no code from the config is executed; objects that call
    a function named in the config (`Lambda`) need ``safe_mode=False``.
    """
    safe_mode = safety.effective_safe_mode(safe_mode)
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
    if "class_name" not in config or "config" not in config:
        return {
            key: deserialize_keras_object(value, custom_objects, safe_mode, module_objects)
            for key, value in config.items()
        }
    special = _deserialize_special(config, custom_objects, safe_mode, module_objects)
    if special is not _NOT_SPECIAL:
        return special
    shared = _shared_object(config)
    if shared is not None:
        return shared
    cls = resolve_class(config, custom_objects, module_objects)
    safety.refuse_in_safe_mode(cls, safe_mode)
    inner = config["config"] if config["config"] is not None else {}
    with custom_object_scope(custom_objects or {}), safety.SafeModeScope(safe_mode):
        obj = _instantiate(cls, inner, safe_mode)
        build_config = config.get("build_config")
        if build_config and hasattr(obj, "build_from_config") and not getattr(obj, "built", True):
            obj.build_from_config(build_config)
        compile_config = config.get("compile_config")
        if compile_config and hasattr(obj, "compile_from_config"):
            obj.compile_from_config(compile_config)
    if "shared_object_id" in config and getattr(_scope, "sharing", None) is not None:
        _scope.sharing["objects"][config["shared_object_id"]] = obj
    return obj


def deserialize_nested_objects(value, custom_objects=None):
    """Keras's reading of a config tree (e.g. a compile config): object configs become
    objects; plain values, names such as ``"mse"`` included, stay as they are."""
    if isinstance(value, (list, tuple)):
        return [deserialize_nested_objects(item, custom_objects) for item in value]
    if not isinstance(value, dict):
        return value
    if "class_name" in value and "config" in value:
        return deserialize_keras_object(value, custom_objects)
    return {key: deserialize_nested_objects(item, custom_objects) for key, item in value.items()}


_NOT_SPECIAL = object()


def _deserialize_special(config, custom_objects, safe_mode, module_objects):
    """Keras's ``__name__`` value forms and functions; `_NOT_SPECIAL` for class configs."""
    safety.refuse_code_payload(config)
    class_name = config["class_name"]
    inner = config["config"]
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=inner["dtype"])
    if class_name == "__tensor__":
        return jnp.asarray(np.array(inner["value"], dtype=inner["dtype"]))
    if class_name == "__tuple__":
        return tuple(deserialize_keras_object(inner["value"], custom_objects, safe_mode))
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__slice__":
        return slice(
            *(
                deserialize_keras_object(inner[key], custom_objects, safe_mode)
                for key in ("start", "stop", "step")
            )
        )
    if class_name == "function":
        module = config.get("module")
        if not isinstance(inner, str):
            raise TypeError(
                f"Expected 'config' to be a non-null str for a function classname, instead got "
                f"{type(inner)}. Full config: {config}"
            )
        if isinstance(module, str) and safety.is_non_modeling_module(module):
            raise safety.non_modeling_error(module, inner)
        name = config.get("registered_name")
        if name == "function" or name is None:
            name = inner
        return deserialize_keras_object(name, custom_objects, safe_mode, module_objects)
    return _NOT_SPECIAL


def _shared_object(config):
    sharing = getattr(_scope, "sharing", None)
    if sharing is None or "shared_object_id" not in config:
        return None
    return sharing["objects"].get(config["shared_object_id"])


def _instantiate(cls, inner, safe_mode):
    if not hasattr(cls, "from_config"):
        if inspect.isclass(cls):
            return cls(**inner)
        return cls
    if _accepts(cls.from_config, "safe_mode"):
        return cls.from_config(inner, safe_mode=safe_mode)
    return cls.from_config(inner)


def _find_builtin(name):
    """A built-in modeling object by name, searching every public modeling module."""
    for module, table in _BUILTINS.items():
        if name in table and not safety.is_non_modeling_module(module):
            return table[name]
    return None


def _accepts(function, argument):
    try:
        return argument in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
