"""What deserialization refuses, and the ``safe_mode`` switch.

kerasish resolves every class and function a config names through its closed registry
(`kerasish.saving.serialization`): nothing named in a file is imported, and Python
bytecode in a file (Keras's ``__lambda__`` form) is refused in every mode. On top of that:

- objects whose config names code that runs later -- a `Lambda` layer calls its function on
  every call -- load only with ``safe_mode=False``;
- registered objects that are not part of a model (callbacks, file utilities, saving and
  configuration functions) are never deserialized, so a config cannot reach them
  (the tricks of CVE-2025-8747 and CVE-2025-9906).

``safe_mode`` travels to nested deserializations through `SafeModeScope`, as in Keras;
`enable_unsafe_deserialization` turns it off for the whole process.
"""

import threading

_local = threading.local()
_process_default = {"safe_mode": None}

# Public modules whose registered objects are not modeling objects; Keras 3's
# `NON_MODELING_APIS` names functions of these same modules.
NON_MODELING_MODULES = frozenset(
    {
        "keras.backend",
        "keras.callbacks",
        "keras.config",
        "keras.datasets",
        "keras.export",
        "keras.preprocessing",
        "keras.saving",
        "keras.utils",
    }
)

# Keras public names of classes whose config names a function that the object calls.
CODE_CARRYING_CLASSES = frozenset({("keras.layers", "Lambda")})

# Config markers of payloads that are code or TensorFlow objects: never loaded.
CODE_PAYLOADS = frozenset({"__lambda__", "__typespec__"})


class SafeModeScope:
    """Sets the safe mode that nested deserializations see (``None`` leaves it unset)."""

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self._previous = getattr(_local, "safe_mode", None)
        _local.safe_mode = self.safe_mode
        return self

    def __exit__(self, *exc_info):
        _local.safe_mode = self._previous


def in_safe_mode():
    """The safe mode in force: the innermost scope's, else the process default (or None)."""
    scoped = getattr(_local, "safe_mode", None)
    return scoped if scoped is not None else _process_default["safe_mode"]


def enable_unsafe_deserialization():
    """Disables safe mode for the whole process (``keras.config.enable_unsafe_deserialization``).

    Even then, kerasish loads no bytecode and resolves names only through its registry.
    """
    _process_default["safe_mode"] = False


def effective_safe_mode(safe_mode):
    """The scope's safe mode when one is set (as Keras resolves it), else ``safe_mode``."""
    scoped = in_safe_mode()
    return bool(safe_mode if scoped is None else scoped)


def is_non_modeling_module(module):
    return module in NON_MODELING_MODULES or any(
        module.startswith(f"{denied}.") for denied in NON_MODELING_MODULES
    )


def non_modeling_error(module, name):
    return ValueError(
        f"Cannot deserialize `{module}.{name}` because it is not a modeling function. "
        "Non-modeling APIs are disallowed during deserialization for security. Model "
        "configuration should only contains operations, layers, metrics, losses, or "
        "registered custom objects and functions."
    )


def refuse_code_payload(config):
    """Raises for Keras's bytecode (``__lambda__``) and TensorFlow (``__typespec__``) forms."""
    class_name = config.get("class_name")
    if class_name == "__lambda__":
        raise ValueError(
            "Requested the deserialization of a Python lambda saved as bytecode. kerasish never "
            "loads code from a file, whatever `safe_mode` is. Define the function with `def`, "
            "register it with `@keras.saving.register_keras_serializable()` (or pass it in "
            "`custom_objects`) and save the model again."
        )
    if class_name == "__typespec__":
        raise ValueError(
            "Cannot deserialize a TensorFlow `TypeSpec` (`__typespec__`): kerasish does not use "
            f"TensorFlow. Full object config: {config}"
        )


def refuse_in_safe_mode(cls, safe_mode):
    """Raises when ``cls`` carries code by reference and ``safe_mode`` is on."""
    if not safe_mode:
        return
    for base in cls.__mro__:
        if (base.__dict__.get("_keras_module"), base.__name__) in CODE_CARRYING_CLASSES:
            raise ValueError(
                f"Requested the deserialization of a `{base.__name__}` layer, which calls a "
                "Python function named in the file. This carries a potential risk of arbitrary "
                "code execution and thus it is disallowed by default. If you trust the source of "
                "the artifact, you can override this error by passing `safe_mode=False` to the "
                "loading function, or calling `keras.config.enable_unsafe_deserialization()`. "
                "Even then, the function is resolved only among built-in, registered and "
                "`custom_objects` functions, and never from bytecode."
            )
