"""`PyDataset`: a Python data source indexed by batch, optionally read ahead by threads."""

import concurrent.futures

from kerasish.saving.serialization import keras_export


@keras_export("keras.utils")
class PyDataset:
    """Subclass it with ``__len__`` (batches per epoch) and ``__getitem__(index)`` (one batch).

    Example:
    >>> class Squares(kerasish.utils.PyDataset):
    ...     def __len__(self):
    ...         return 4
    ...     def __getitem__(self, index):
    ...         x = np.full((8, 1), index, "float32")
    ...         return x, x ** 2

    Arguments:
        workers: threads that read batches ahead (1 reads them in order on the caller's thread).
        use_multiprocessing: accepted for Keras compatibility; kerasish reads with threads.
        max_queue_size: how many batches the workers may read ahead.
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    @property
    def workers(self):
        return self._workers

    @property
    def use_multiprocessing(self):
        return self._use_multiprocessing

    @property
    def max_queue_size(self):
        return self._max_queue_size

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement `__getitem__`.")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement `__len__`.")

    @property
    def num_batches(self):
        return len(self)

    def on_epoch_begin(self):
        pass

    def on_epoch_end(self):
        pass

    def __iter__(self):
        """Batches in order; with ``workers > 1`` up to ``max_queue_size`` are read ahead."""
        count = len(self)
        if self._workers <= 1:
            for index in range(count):
                yield self[index]
            return
        with concurrent.futures.ThreadPoolExecutor(self._workers) as pool:
            ahead = max(self._max_queue_size, self._workers)
            futures = [pool.submit(self.__getitem__, i) for i in range(min(ahead, count))]
            for index in range(count):
                batch = futures[index].result()
                if index + ahead < count:
                    futures.append(pool.submit(self.__getitem__, index + ahead))
                futures[index] = None
                yield batch
