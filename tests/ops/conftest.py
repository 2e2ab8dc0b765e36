"""Fixtures for the `kerasish.ops` tests (the comparison helpers are in ops_comparison.py)."""

import pytest
from ops_comparison import assert_same_outputs


@pytest.fixture
def same():
    return assert_same_outputs
