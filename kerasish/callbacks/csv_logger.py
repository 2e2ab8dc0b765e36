"""`CSVLogger`: one CSV row of logs per epoch, in Keras's format."""

import collections.abc
import csv
import os

import numpy as np

from kerasish.callbacks.callback import Callback
from kerasish.saving.serialization import keras_export


def _csv_value(value):
    """Strings as they are, 1-D iterables as ``"[a, b]"``, everything else for `csv` to ``str``."""
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (
        isinstance(value, np.ndarray) and value.ndim == 0
    ):
        return f'"[{", ".join(map(str, value))}]"'
    return value


@keras_export("keras.callbacks")
class CSVLogger(Callback):
    """Streams the epoch logs to a CSV file: header ``epoch,<sorted log names>``, one row per epoch.

    The columns are fixed by the first epoch's logs; when those have no ``val_`` entries,
    ``val_<name>`` columns are added anyway (filled with ``NA``), as Keras does. Lines end in
    ``\\r\\n`` (the ``excel`` dialect).

    Example:
    >>> csv_logger = kerasish.callbacks.CSVLogger("training.log")
    >>> # model.fit(x, y, callbacks=[csv_logger])

    Arguments:
        filename: path of the CSV file (a string or path-like).
        separator: the field separator.
        append: add to an existing file (writing the header only if it is empty) instead of
            overwriting it.
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename) if isinstance(filename, os.PathLike) else filename
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as existing:
                    self.append_header = not existing.readline()
            mode = "a"
        else:
            mode = "w"
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, mode)  # stays open until `on_train_end`
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys.extend(f"val_{key}" for key in list(self.keys))
        if not self.writer:

            class Dialect(csv.excel):
                delimiter = self.sep

            self.writer = csv.DictWriter(
                self.csv_file, fieldnames=["epoch", *self.keys], dialect=Dialect
            )
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _csv_value(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
