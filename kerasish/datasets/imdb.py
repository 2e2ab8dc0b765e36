"""`keras.datasets.imdb`: 25,000 movie reviews as word-id sequences, labelled by sentiment.

Read from Keras's cache (``~/.keras/datasets/imdb.npz``); kerasish never downloads.

Example:
>>> (x_train, y_train), (x_test, y_test) = kerasish.datasets.imdb.load_data(num_words=10000)
"""

import numpy as np

from kerasish.datasets import _sequences
from kerasish.datasets._safe_pickle import load_npz
from kerasish.utils.file_utils import get_file

_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"


def load_data(
    path="imdb.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
    **kwargs,
):
    """``(x_train, y_train), (x_test, y_test)``: object arrays of id lists and 0/1 labels.

    Ids are word ranks shifted by ``index_from``; ``start_char`` opens each review; ids not in
    ``[skip_top, num_words)`` become ``oov_char`` (dropped when it is None); reviews of
    ``maxlen`` words or more are left out. Train and test are each shuffled with ``seed``.
    Other keyword arguments are ignored, as in Keras.
    """
    arrays = load_npz(get_file(path, origin=_sequences.origin("imdb.npz"), file_hash=_HASH))
    rng = np.random.RandomState(seed)
    x_train, labels_train = _sequences.shuffled(rng, arrays["x_train"], arrays["y_train"])
    x_test, labels_test = _sequences.shuffled(rng, arrays["x_test"], arrays["y_test"])
    x_train = _sequences.shift_indices(x_train, start_char, index_from)
    x_test = _sequences.shift_indices(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = _sequences.drop_long(maxlen, x_train, labels_train)
        x_test, labels_test = _sequences.drop_long(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was "
                "kept. Increase maxlen."
            )
    sequences = _sequences.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    split = len(x_train)
    return (
        (np.array(sequences[:split], dtype="object"), labels[:split]),
        (np.array(sequences[split:], dtype="object"), labels[split:]),
    )


def get_word_index(path="imdb_word_index.json"):
    """``{word: rank}`` for the ids of `load_data` (subtract ``index_from`` to look one up)."""
    return _sequences.load_word_index(
        path, "imdb_word_index.json", "bfafd718b763782e994055a2d397834f"
    )
