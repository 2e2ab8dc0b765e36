"""Fixtures for tests/metrics."""

import jax
import pytest


@pytest.fixture(autouse=True)
def _fast_compilation():
    """Many tiny programs, each compiled once: XLA's optimizations cost more than they save.
    Keras runs in the same process under the same setting, so parity holds."""
    previous = jax.config.read("jax_disable_most_optimizations")
    jax.config.update("jax_disable_most_optimizations", True)
    yield
    jax.config.update("jax_disable_most_optimizations", previous)
