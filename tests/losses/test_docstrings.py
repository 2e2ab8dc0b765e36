"""The examples in the docstrings of `kerasish.losses` run and print what they say."""

import doctest
import importlib

import jax.numpy as jnp
import pytest

from kerasish import ops

MODULES = [
    "kerasish.losses",
    "kerasish.losses.loss",
    "kerasish.losses.lookup",
    "kerasish.losses.regression",
    "kerasish.losses.probabilistic",
    "kerasish.losses.crossentropy",
    "kerasish.losses.hinge",
    "kerasish.losses.segmentation",
    "kerasish.losses.circle",
    "kerasish.losses.ctc",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(
        importlib.import_module(name), extraglobs={"jnp": jnp, "ops": ops}, verbose=False
    )
    assert result.failed == 0
    assert result.attempted > 0
