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


def clear_session(free_memory=True):
    """Resets default layer naming (``dense``, ``dense_1`` ...) and the global random generator."""
    from kerasish.engine import naming
    from kerasish.random import seed_generator

    naming.reset_uids()
    seed_generator._GLOBAL.clear()


__all__ = [
    "clear_session",
    "backend",
    "epsilon",
    "floatx",
    "image_data_format",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "standardize_data_format",
]
