"""`DynamicBatcher` without a server: batching, bucket padding, answers routed to their callers,
errors, and when it waits for more rows."""

import asyncio

import numpy as np
import pytest

from kerasish.serving.batching import DynamicBatcher, bucket_sizes


class _Recorder:
    """``y = 10 * x`` per row, recording the batch sizes it is called with."""

    def __init__(self, fail_on=None):
        self.sizes = []
        self.fail_on = fail_on

    def __call__(self, columns):
        x = columns["x"]
        self.sizes.append(x.shape[0])
        if self.fail_on is not None and np.any(x == self.fail_on):
            raise ValueError("bad row")
        return {"y": 10 * x}


def _run(batcher, scenario):
    async def main():
        await batcher.start()
        try:
            return await asyncio.wait_for(scenario(batcher), 30)
        finally:
            await batcher.stop()

    return asyncio.run(main())


def _rows(start, count, width=2):
    return {"x": np.arange(start, start + count * width, dtype="float32").reshape(count, width)}


def test_bucket_sizes():
    assert bucket_sizes(1) == [1]
    assert bucket_sizes(48) == [1, 2, 4, 8, 16, 32, 48]


def test_concurrent_requests_run_as_one_padded_call_and_get_their_own_rows():
    function, batched = _Recorder(), []
    batcher = DynamicBatcher(function, max_batch_size=8, on_batch=batched.append)
    requests = [_rows(100 * i, count) for i, count in enumerate([1, 2, 2])]

    async def scenario(batcher):
        return await asyncio.gather(*(batcher.predict(r, r["x"].shape[0]) for r in requests))

    answers = _run(batcher, scenario)
    for request, answer in zip(requests, answers):
        np.testing.assert_array_equal(answer["y"], 10 * request["x"])
    assert batched == [5] and function.sizes == [8]  # 5 rows padded to the bucket of 8


def test_shapes_that_differ_run_apart_and_large_requests_are_split():
    function = _Recorder()
    batcher = DynamicBatcher(function, max_batch_size=4)
    wide, narrow, large = _rows(0, 1, width=3), _rows(50, 1), _rows(200, 9)

    async def scenario(batcher):
        return await asyncio.gather(
            batcher.predict(wide, 1), batcher.predict(narrow, 1), batcher.predict(large, 9)
        )

    answers = _run(batcher, scenario)
    for request, answer in zip([wide, narrow, large], answers):
        np.testing.assert_array_equal(answer["y"], 10 * request["x"])
    # wide and narrow alone; the 9 rows in chunks of 4, 4 and 1 (each its own bucket)
    assert sorted(function.sizes) == [1, 1, 1, 4, 4]


def test_an_error_reaches_every_caller_of_its_batch_and_serving_goes_on():
    batcher = DynamicBatcher(_Recorder(fail_on=-1.0), max_batch_size=8)

    async def scenario(batcher):
        bad = {"x": np.array([[-1.0, 0.0]], "float32")}
        results = await asyncio.gather(
            batcher.predict(bad, 1), batcher.predict(_rows(0, 1), 1), return_exceptions=True
        )
        return results, await batcher.predict(_rows(4, 1), 1)

    (first, second), after = _run(batcher, scenario)
    assert isinstance(first, ValueError) and isinstance(second, ValueError)
    np.testing.assert_array_equal(after["y"], [[40.0, 50.0]])


def test_an_idle_batcher_runs_at_once_and_waits_for_more_rows_only_in_a_burst():
    function, batched = _Recorder(), []
    # A timeout far beyond the test's 30 s limit: a wait for it would fail the test.
    batcher = DynamicBatcher(
        function, max_batch_size=2, batch_timeout_s=3600.0, on_batch=batched.append
    )

    async def scenario(batcher):
        first = await batcher.predict(_rows(0, 1), 1)  # idle: runs alone, no wait
        # Right after a call (a burst): the next request waits until the batch is full.
        pending = asyncio.ensure_future(batcher.predict(_rows(10, 1), 1))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        second = await batcher.predict(_rows(20, 1), 1)
        return first, await pending, second

    first, pending, second = _run(batcher, scenario)
    assert batched == [1, 2]
    np.testing.assert_array_equal(pending["y"], [[100.0, 110.0]])
    np.testing.assert_array_equal(second["y"], [[200.0, 210.0]])


def test_stop_answers_queued_requests_and_bad_sizes_are_rejected():
    batcher = DynamicBatcher(_Recorder(), max_batch_size=2)

    async def main():
        await batcher.start()
        pending = [asyncio.ensure_future(batcher.predict(_rows(i, 1), 1)) for i in range(3)]
        await asyncio.sleep(0)
        await batcher.stop()
        return [p.result()["y"][0, 0] for p in pending]

    assert asyncio.run(main()) == [0.0, 10.0, 20.0]
    with pytest.raises(ValueError, match="`max_batch_size` must be >= 1; received 0"):
        DynamicBatcher(_Recorder(), max_batch_size=0)
