"""The word-index arithmetic that the IMDB and Reuters loaders share with Keras."""

import numpy as np

_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def origin(file_name):
    return _ORIGIN + file_name


def shuffled(rng, *arrays):
    """``arrays`` reordered by one permutation drawn from ``rng`` (a `RandomState`)."""
    indices = np.arange(len(arrays[0]))
    rng.shuffle(indices)
    return [array[indices] for array in arrays]


def shift_indices(sequences, start_char, index_from):
    """Each sequence with ``index_from`` added to its ids, prefixed by ``start_char``."""
    prefix = [] if start_char is None else [start_char]
    return [prefix + [int(w) + index_from for w in sequence] for sequence in sequences]


def drop_long(maxlen, sequences, labels):
    """Only the sequences shorter than ``maxlen`` (with their labels)."""
    kept = [(x, y) for x, y in zip(sequences, labels) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def limit_vocabulary(sequences, num_words, skip_top, oov_char):
    """Ids outside ``[skip_top, num_words)`` become ``oov_char`` (or are dropped if None)."""
    if not num_words:
        num_words = max(max(x) for x in sequences)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in sequences]
    return [[w for w in x if skip_top <= w < num_words] for x in sequences]


def load_word_index(path, remote_name, file_hash):
    """The ``{word: index}`` dict of a cached word-index JSON file."""
    import json

    from kerasish.utils.file_utils import get_file

    with open(get_file(path, origin=origin(remote_name), file_hash=file_hash)) as f:
        return json.load(f)
