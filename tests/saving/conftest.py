"""Fixtures for tests/saving."""

import jax
import pytest


@pytest.fixture(autouse=True)
def _fast_compilation():
    """Saving tests compile many tiny programs once each: XLA's optimizations cost more time than
    they save here. Keras runs in the same process under the same setting, so parity holds."""
    previous = jax.config.read("jax_disable_most_optimizations")
    jax.config.update("jax_disable_most_optimizations", True)
    yield
    jax.config.update("jax_disable_most_optimizations", previous)
