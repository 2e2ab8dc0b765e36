"""The examples in the docstrings of `kerasish.optimizers` run and print what they say."""

import doctest
import importlib

import jax.numpy as jnp
import optax
import pytest

import kerasish
import kerasish.optimizers

MODULES = [
    "kerasish.optimizers",
    "kerasish.optimizers.base_optimizer",
    "kerasish.optimizers.sgd",
    "kerasish.optimizers.adam",
    "kerasish.optimizers.rmsprop",
    "kerasish.optimizers.adafactor",
    "kerasish.optimizers.ftrl",
    "kerasish.optimizers.lion",
    "kerasish.optimizers.loss_scale_optimizer",
    "kerasish.optimizers.optax_optimizer",
    "kerasish.optimizers.schedules",
    "kerasish.optimizers.transforms",
    "kerasish.optimizers.pipeline",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(
        module, extraglobs={"jnp": jnp, "kerasish": kerasish, "optax": optax}, verbose=False
    )
    assert result.failed == 0
    assert result.attempted > 0
