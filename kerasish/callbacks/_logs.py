"""Log values and learning rates read on the host, as Keras's callbacks see them."""

import numpy as np


def to_python(value):
    """A scalar (device array, numpy or Python) as a Python float; anything else unchanged.

    Keras tries ``float(value)`` on every log value and keeps the ones that fail, so
    one-element arrays become floats too (read here without numpy's deprecation warning).
    """
    try:
        if hasattr(value, "__array__"):
            array = np.asarray(value)
            return float(array.reshape(())) if array.size == 1 else value
        return float(value)
    except (TypeError, ValueError):
        return value


def pythonify_logs(logs):
    """Keras's ``pythonify_logs``: keys sorted, nested dicts flattened, scalars as floats."""
    result = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
        else:
            result[key] = to_python(value)
    return result


def learning_rate_of(optimizer):
    """The optimizer's current learning rate as a Python float."""
    return float(np.asarray(optimizer.learning_rate))


def add_learning_rates(logs, optimizer):
    """Adds ``learning_rate`` (or ``learning_rate_<name>`` per inner optimizer) to ``logs``."""
    if hasattr(optimizer, "optimizers"):
        for inner in optimizer.optimizers:
            logs[f"learning_rate_{inner.name}"] = learning_rate_of(inner)
    else:
        logs["learning_rate"] = learning_rate_of(optimizer)
    return logs
