"""Host-side string ops of `TextVectorization`, equal to the TensorFlow ops Keras uses.

- ``lower``: `tf.strings.lower` without an encoding lowercases ASCII letters only
  (``"Élan"`` stays ``"Élan"``).
- ``strip_punctuation``: Keras's regex removes exactly the 32 ASCII punctuation marks.
- ``split_whitespace``: `tf.strings.split` splits on runs of ASCII whitespace
  (space, ``\\t \\n \\r \\v \\f``), not on Unicode spaces such as U+00A0.
- ``split_characters``: `tf.strings.unicode_split` yields one string per code point.
- ``ngrams``: `tf.strings.ngrams` with ``separator=" "``: all n-grams of the first width,
  then of the next; a sequence shorter than a width yields none of that width.
"""

import re
import string

import numpy as np

_LOWER_ASCII = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_NO_PUNCTUATION = str.maketrans("", "", string.punctuation)
_ASCII_WHITESPACE = re.compile("[ \t\n\r\x0b\x0c]+")


def lower(strings):
    return np.char.translate(strings, _LOWER_ASCII)


def strip_punctuation(strings):
    return np.char.translate(strings, _NO_PUNCTUATION)


def split_whitespace(strings):
    return [[token for token in _ASCII_WHITESPACE.split(text) if token] for text in strings]


def split_characters(strings):
    return [list(text) for text in strings]


def ngrams(tokens, widths):
    """The n-grams of the token list ``tokens`` for each width in ``widths``, in order."""
    grams = []
    for width in widths:
        grams.extend(" ".join(tokens[i : i + width]) for i in range(len(tokens) - width + 1))
    return grams
