"""The examples in the attention layers' docstrings run and print what they claim."""

import doctest
import importlib

import jax
import jax.numpy as jnp
import pytest

import kerasish

MODULES = ["multi_head_attention", "grouped_query_attention", "attention", "additive_attention"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(f"kerasish.layers.attention.{name}")
    globs = {"kerasish": kerasish, "jax": jax, "jnp": jnp}
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = [t for t in doctest.DocTestFinder().find(module, globs=globs) if t.examples]
    assert tests
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
