"""`keras.preprocessing`: the sequence helpers (Keras's image and text-directory datasets need
TensorFlow and are not provided)."""

from kerasish.preprocessing import sequence

__all__ = ["sequence"]
