"""`keras.backend`-compatible basics: the backend name and global numeric settings."""

from kerasish.backend.config import (
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    standardize_data_format,
)
from kerasish.engine.keras_tensor import is_keras_tensor
from kerasish.engine.variables import is_float_dtype, is_int_dtype, standardize_dtype


def result_type(*dtypes):
    """The dtype an op on values of ``dtypes`` returns, by Keras's promotion rules."""
    from kerasish.ops import core

    return core.result_type(*dtypes)


def get_uid(prefix=""):
    """1 for the first call with ``prefix``, then 2, 3 ... (shares the counter that default layer
    names use, as in Keras)."""
    from kerasish.engine import naming

    return naming.next_uid(prefix)


def clear_session(free_memory=True):
    """Resets default layer naming (``dense``, ``dense_1`` ...) and the global random generator."""
    from kerasish.engine import naming
    from kerasish.random import seed_generator

    naming.reset_uids()
    seed_generator._GLOBAL.clear()


__all__ = [
    "backend",
    "clear_session",
    "epsilon",
    "floatx",
    "get_uid",
    "image_data_format",
    "is_float_dtype",
    "is_int_dtype",
    "is_keras_tensor",
    "result_type",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "standardize_data_format",
    "standardize_dtype",
]
