"""`gc_paused` and `FirstCallWithoutGC`: the collector is off only during the first call, is
restored after errors, and a collector the user disabled stays disabled."""

import gc

import pytest

from kerasish.utils.gc_utils import FirstCallWithoutGC, gc_paused


def test_first_call_runs_without_the_collector_and_later_calls_with_it():
    seen = []
    function = FirstCallWithoutGC(lambda x: seen.append(gc.isenabled()) or x + 1)
    assert gc.isenabled()
    assert [function(1), function(2), function(3)] == [2, 3, 4]
    assert seen == [False, True, True]
    assert gc.isenabled()


def test_an_error_in_the_first_call_restores_the_collector_and_the_next_call_is_first_again():
    calls = []

    def failing_once(x):
        calls.append(gc.isenabled())
        if len(calls) == 1:
            raise ValueError("bad shape")
        return x

    function = FirstCallWithoutGC(failing_once)
    with pytest.raises(ValueError, match="bad shape"):
        function(1)
    assert gc.isenabled()
    assert function(5) == 5 and calls == [False, False]


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
