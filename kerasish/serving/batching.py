"""Dynamic batching: concurrent requests for one signature run as one padded device call.

Requests queue while the signature is busy; when it frees up, everything queued (up to
``max_batch_size`` rows) is concatenated, padded to the next precompiled bucket size and run
once; each caller gets back exactly its own rows. A request that finds the batcher idle runs at
once: ``batch_timeout_s`` (waiting for more rows) applies only within a burst, while the
previous call ended less than ``batch_timeout_s`` ago. Calls run on a worker thread, so the
server keeps reading requests meanwhile (calling a lone request on the event loop instead saved
no measurable time).
"""

import asyncio
import concurrent.futures

import numpy as np


def bucket_sizes(max_batch_size):
    """Powers of two below ``max_batch_size``, then ``max_batch_size`` itself."""
    sizes, size = [], 1
    while size < max_batch_size:
        sizes.append(size)
        size *= 2
    return [*sizes, max_batch_size]


class _Request:
    __slots__ = ("columns", "rows", "future", "shape_key")

    def __init__(self, columns, rows, future):
        self.columns = columns
        self.rows = rows
        self.future = future
        self.shape_key = tuple((k, v.shape[1:], v.dtype.str) for k, v in columns.items())


class DynamicBatcher:
    """Batches calls of ``function({name: array}) -> {name: array}`` (one signature).

    Example:
    >>> batcher = DynamicBatcher(artifact.signatures["serving_default"], max_batch_size=64)
    >>> batcher.warm_up(example_inputs)            # compile every bucket before serving
    >>> outputs = await batcher.predict({"x": x})  # doctest: +SKIP

    ``on_batch(rows)`` (optional) is told the size of every batch run, for metrics.
    """

    def __init__(self, function, max_batch_size=64, batch_timeout_s=0.0, on_batch=None):
        if max_batch_size < 1:
            raise ValueError(f"`max_batch_size` must be >= 1; received {max_batch_size}.")
        self.function = function
        self.max_batch_size = max_batch_size
        self.batch_timeout_s = batch_timeout_s
        self.buckets = bucket_sizes(max_batch_size)
        self.on_batch = on_batch
        self._queue = None
        self._worker = None
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        self._last_end = -float("inf")

    def warm_up(self, example_columns):
        """Compiles every bucket size with ``example_columns`` (one row each) repeated."""
        for size in self.buckets:
            self.function({k: np.repeat(v[:1], size, axis=0) for k, v in example_columns.items()})

    async def start(self):
        self._queue = asyncio.Queue()
        self._worker = asyncio.get_running_loop().create_task(self._serve())

    async def stop(self):
        """Finishes every queued request, then stops."""
        if self._worker is not None:
            await self._queue.put(None)
            await self._worker
            self._worker = None
        self._executor.shutdown(wait=True)

    async def predict(self, columns, rows):
        """The outputs for ``columns`` (``rows`` examples each), run in some batch."""
        future = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Request(columns, rows, future))
        return await future

    async def _serve(self):
        stopping = False
        while not stopping:
            first = await self._queue.get()
            if first is None:
                break
            pending, stopping = await self._collect(first)
            for batch in self._batches(pending):
                await self._run(batch)

    async def _collect(self, first):
        """``first`` and what else is queued, up to ``max_batch_size`` rows; within a burst,
        waits up to ``batch_timeout_s`` for more. Returns ``(requests, stop_requested)``."""
        loop = asyncio.get_running_loop()
        pending, rows = [first], first.rows
        in_burst = loop.time() - self._last_end < self.batch_timeout_s
        deadline = loop.time() + (self.batch_timeout_s if in_burst else 0.0)
        while rows < self.max_batch_size:
            if self._queue.empty():
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    item = await asyncio.wait_for(self._queue.get(), remaining)
                except TimeoutError:
                    break
            else:
                item = self._queue.get_nowait()
            if item is None:
                return pending, True
            pending.append(item)
            rows += item.rows
        return pending, False

    def _batches(self, pending):
        """Requests with equal non-batch shapes, grouped into batches of at most
        ``max_batch_size`` rows (a larger single request is a batch of its own)."""
        groups = {}
        for request in pending:
            groups.setdefault(request.shape_key, []).append(request)
        for group in groups.values():
            batch, rows = [], 0
            for request in group:
                if batch and rows + request.rows > self.max_batch_size:
                    yield batch
                    batch, rows = [], 0
                batch.append(request)
                rows += request.rows
            yield batch

    async def _run(self, batch):
        loop = asyncio.get_running_loop()
        try:
            outputs = await loop.run_in_executor(self._executor, self._call, batch)
        except Exception as error:  # answered to every caller of this batch
            for request in batch:
                if not request.future.done():
                    request.future.set_exception(error)
            return
        finally:
            self._last_end = loop.time()
        if len(batch) == 1:
            if not batch[0].future.done():
                batch[0].future.set_result(outputs)
            return
        start = 0
        for request in batch:
            end = start + request.rows
            if not request.future.done():
                request.future.set_result({k: v[start:end] for k, v in outputs.items()})
            start = end

    def _call(self, batch):
        rows = sum(request.rows for request in batch)
        if len(batch) == 1:
            columns = batch[0].columns
        else:
            columns = {n: np.concatenate([r.columns[n] for r in batch]) for n in batch[0].columns}
        if self.on_batch is not None:
            self.on_batch(rows)
        if rows > self.max_batch_size:
            chunks = [
                self._padded_call({n: a[i : i + self.max_batch_size] for n, a in columns.items()})
                for i in range(0, rows, self.max_batch_size)
            ]
            return {k: np.concatenate([c[k] for c in chunks]) for k in chunks[0]}
        return self._padded_call(columns)

    def _padded_call(self, columns):
        rows = next(iter(columns.values())).shape[0]
        size = next(b for b in self.buckets if b >= rows)
        if size > rows:
            columns = {
                n: np.concatenate([a, np.repeat(a[-1:], size - rows, axis=0)])
                for n, a in columns.items()
            }
        outputs = self.function(columns)
        return {k: np.asarray(v)[:rows] for k, v in outputs.items()}
