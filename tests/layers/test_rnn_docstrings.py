"""The examples in the recurrent layers' docstrings run and print what they show."""

import doctest
import importlib
import pkgutil

import jax
import jax.numpy as jnp
import pytest

import kerasish
import kerasish.layers.recurrent as recurrent

MODULES = [info.name for info in pkgutil.iter_modules(recurrent.__path__)]


@pytest.mark.slow  # ~20 examples, each compiling its own small layers
@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples(module_name):
    module = importlib.import_module(f"{recurrent.__name__}.{module_name}")
    with jax.disable_jit():
        result = doctest.testmod(
            module,
            extraglobs={"kerasish": kerasish, "jnp": jnp, "jax": jax},
            optionflags=doctest.ELLIPSIS,
        )
    assert result.failed == 0
