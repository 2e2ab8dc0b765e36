"""The examples at the top of the metrics' docstrings run and print what they claim."""

import doctest
import importlib

import jax.numpy as jnp
import numpy as np
import pytest

import kerasish

MODULES = [
    "metric",
    "reduction_metrics",
    "accuracy_metrics",
    "confusion_metrics",
    "iou_metrics",
    "f_score_metrics",
    "regression_metrics",
    "probabilistic_metrics",
    "hinge_metrics",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(f"kerasish.metrics.{name}")
    globs = {**vars(module), "kerasish": kerasish, "jnp": jnp, "np": np}
    globs.update(vars(importlib.import_module("kerasish.metrics")))
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, globs=globs):
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0
