"""`keras.datasets.reuters`: 11,228 newswires as word-id sequences, labelled over 46 topics.

Read from Keras's cache (``~/.keras/datasets/reuters.npz``); kerasish never downloads.

Example:
>>> (x_train, y_train), (x_test, y_test) = kerasish.datasets.reuters.load_data(num_words=10000)
"""

import numpy as np

from kerasish.datasets import _sequences
from kerasish.datasets._safe_pickle import load_npz
from kerasish.utils.file_utils import get_file

_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
_LABEL_NAMES = tuple(
    "cocoa grain veg-oil earn acq wheat copper housing money-supply coffee sugar trade "
    "reserves ship cotton carcass crude nat-gas cpi money-fx interest gnp meal-feed alum oilseed "
    "gold tin strategic-metal livestock retail ipi iron-steel rubber heat jobs lei bop zinc "
    "orange pet-chem dlr gas silver wpi hog lead".split()
)


def load_data(
    path="reuters.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    test_split=0.2,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
):
    """``(x_train, y_train), (x_test, y_test)``, the last ``test_split`` of the shuffled wires
    being the test set; ids as in `kerasish.datasets.imdb.load_data`."""
    arrays = load_npz(get_file(path, origin=_sequences.origin("reuters.npz"), file_hash=_HASH))
    xs, labels = _sequences.shuffled(np.random.RandomState(seed), arrays["x"], arrays["y"])
    xs = _sequences.shift_indices(xs, start_char, index_from)
    if maxlen:
        xs, labels = _sequences.drop_long(maxlen, xs, labels)
    xs = _sequences.limit_vocabulary(xs, num_words, skip_top, oov_char)
    split = int(len(xs) * (1 - test_split))
    return (
        (np.array(xs[:split], dtype="object"), np.array(labels[:split])),
        (np.array(xs[split:], dtype="object"), np.array(labels[split:])),
    )


def get_word_index(path="reuters_word_index.json"):
    """``{word: rank}`` for the ids of `load_data` (subtract ``index_from`` to look one up)."""
    return _sequences.load_word_index(
        path, "reuters_word_index.json", "4d44cc38712099c9e383dc6e5f11a921"
    )


def get_label_names():
    """The 46 topic names, indexed by label."""
    return _LABEL_NAMES
