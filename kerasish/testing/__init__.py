"""Testing helpers for layer authors (the layer contract)."""

from kerasish.testing.layer_contract import run_layer_test

__all__ = ["run_layer_test"]
