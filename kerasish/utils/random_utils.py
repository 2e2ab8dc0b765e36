"""`keras.utils.set_random_seed`: one seed for Python, NumPy and kerasish's global generator."""

import random

import numpy as np

from kerasish.random import seed_generator

_GLOBAL = {"seed": None}


def set_random_seed(seed):
    """Seeds Python's `random`, NumPy's global generator and kerasish's global generator.

    After it, unseeded random ops outside ``apply``/``init`` (and initializers without a
    seed, which draw their default seed from Python's `random`) repeat run to run.

    Example:
    >>> set_random_seed(1337)
    >>> get_random_seed()
    1337
    """
    if not isinstance(seed, int):
        raise ValueError(
            "Expected `seed` argument to be an integer. "
            f"Received: seed={seed} (of type {type(seed)})"
        )
    _GLOBAL["seed"] = seed
    random.seed(seed)
    np.random.seed(seed)
    seed_generator.set_global_seed(seed)


def get_random_seed():
    """The seed last given to `set_random_seed`, or None."""
    return _GLOBAL["seed"]
