"""Host-side vocabulary tables for the lookup layers: numpy in, numpy out.

A `LookupTable` maps tokens (strings or int64) to consecutive indices with one vectorized
sorted-array search (`numpy.searchsorted`), so a batch costs a sort of the vocabulary once
and ``O(n log V)`` per call -- no Python loop over the batch. `TokenCounter` accumulates
what `adapt` learns (token frequencies, document frequencies) batch by batch.
"""

import collections

import numpy as np


def as_strings(values, encoding="utf-8"):
    """``values`` (list, numpy or bytes array) as a numpy unicode array of the same shape."""
    array = np.asarray(values)
    if array.dtype.kind == "U":
        return array
    if array.size == 0:
        return array.astype(str)
    if array.dtype.kind == "S":
        return np.char.decode(array, encoding)
    if array.dtype.kind == "O":
        flat = [v.decode(encoding) if isinstance(v, bytes) else str(v) for v in array.ravel()]
        return np.array(flat, dtype=str).reshape(array.shape)
    raise TypeError(f"Expected strings, received an array of dtype {array.dtype}.")


def as_integers(values):
    """``values`` as an int64 numpy array (booleans and integers only)."""
    array = np.asarray(values)
    if array.dtype.kind not in "biu" and array.size:
        raise TypeError(f"Expected integers, received an array of dtype {array.dtype}.")
    return array.astype(np.int64)


class LookupTable:
    """``tokens[i] -> start + i`` over a vocabulary without duplicates.

    Example:
    >>> table = LookupTable(np.array(["b", "a", "c"]), start=1)
    >>> indices, found = table.lookup(np.array([["a", "z"]]))
    >>> indices.tolist(), found.tolist()
    ([[2, -1]], [[True, False]])
    """

    def __init__(self, tokens, start):
        self.tokens = np.asarray(tokens)
        self.start = start
        self.order = np.argsort(self.tokens, kind="stable")
        self.sorted_tokens = self.tokens[self.order]

    def __len__(self):
        return len(self.tokens)

    def lookup(self, values):
        """``(indices, found)``: ``start + position`` where found, -1 elsewhere."""
        values = np.asarray(values)
        if not len(self.tokens):
            return np.full(values.shape, -1, np.int64), np.zeros(values.shape, bool)
        positions = np.searchsorted(self.sorted_tokens, values)
        positions = np.minimum(positions, len(self.sorted_tokens) - 1)
        found = self.sorted_tokens[positions] == values
        indices = np.where(found, self.order[positions] + self.start, -1)
        return indices.astype(np.int64), found

    def token_at(self, indices, default):
        """``tokens[index - start]`` where in range, ``default`` elsewhere (the inverse map)."""
        indices = np.asarray(indices).astype(np.int64)
        positions = indices - self.start
        valid = (positions >= 0) & (positions < len(self.tokens))
        if not len(self.tokens):
            return np.full(indices.shape, default)
        return np.where(valid, self.tokens[np.where(valid, positions, 0)], default)


def repeated_tokens(tokens):
    """The tokens that appear more than once, in first-appearance order."""
    counts = collections.Counter(tokens)
    return [token for token, count in counts.items() if count > 1]


class TokenCounter:
    """Token and document frequencies over the batches `adapt` sees."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.counts = collections.Counter()
        self.document_counts = collections.Counter()
        self.num_documents = 0
        self.num_tokens = 0

    def update(self, rows, count_documents):
        """Adds a batch: ``rows`` is a list of 1-D numpy token arrays, one per document."""
        flat = np.concatenate(rows) if rows else np.array([])
        self.num_tokens += flat.size
        if flat.size:
            tokens, counts = np.unique(flat, return_counts=True)
            self.counts.update(dict(zip(tokens.tolist(), counts.tolist())))
        if count_documents:
            for row in rows:
                self.document_counts.update(np.unique(row).tolist())
            self.num_documents += len(rows)

    def most_common(self, exclude, limit):
        """Tokens by decreasing count, ties by decreasing token, without ``exclude``; at most
        ``limit`` of them (all when None). Returns ``(tokens, document_counts)``."""
        tokens = [t for t in self.counts if t not in exclude]
        tokens.sort(key=lambda t: (self.counts[t], t), reverse=True)
        if limit is not None:
            tokens = tokens[:limit]
        return tokens, [self.document_counts[t] for t in tokens]


def inverse_document_frequency(document_counts, num_documents):
    """``log(1 + N / (1 + df))`` in float64, as Keras computes it, then float32."""
    document_counts = np.asarray(document_counts, np.float64)
    return np.log(1.0 + num_documents / (1.0 + document_counts)).astype(np.float32)


def read_vocabulary_file(path):
    """The lines of a vocabulary file (one token per line), trailing empty lines dropped."""
    with open(path, encoding="utf-8") as file:
        lines = file.read().splitlines()
    while lines and lines[-1] == "":
        lines.pop()
    return lines
