"""`keras.preprocessing.sequence`."""

from kerasish.utils.sequence_utils import pad_sequences

__all__ = ["pad_sequences"]
