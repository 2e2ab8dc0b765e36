"""Unique default names (``dense``, ``dense_1``) and the name scopes that build variable paths."""

import collections
import re
import threading

_local = threading.local()


def to_snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    # As Keras: no underscore after a digit, so `Conv2D` is "conv2d" (not "conv2_d").
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    return name[1:] if name.startswith("_") else name


def to_camel_case(name):
    """``"get_item"`` -> ``"GetItem"``: the class name Keras gives an op function."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _counts():
    if not hasattr(_local, "counts"):
        _local.counts = collections.Counter()
    return _local.counts


def uniquify(base):
    """``base`` the first time, then ``base_1``, ``base_2`` ... as Keras names layers."""
    counts = _counts()
    count = counts[base]
    counts[base] += 1
    return base if count == 0 else f"{base}_{count}"


def next_uid(prefix):
    """How many times ``prefix`` has been counted, this call included (`keras.backend.get_uid`)."""
    counts = _counts()
    counts[prefix] += 1
    return counts[prefix]


def auto_name(prefix):
    return uniquify(to_snake_case(prefix))


def reset_uids():
    """Restarts default naming (``keras.backend.clear_session`` does this)."""
    _counts().clear()


def _scopes():
    if not hasattr(_local, "scopes"):
        _local.scopes = []
    return _local.scopes


class name_scope:
    """Prefixes the paths of variables created inside it: ``outer/inner/kernel``.

    Example:
    >>> with kerasish.name_scope("outer"):
    ...     kerasish.Variable(1.0, name="v").path
    'outer/v'

    Arguments:
        name: the scope's name; may not contain ``/``.
        caller: accepted for Keras compatibility.
        deduplicate: re-entering the innermost scope's name (a layer building itself) does
            not repeat it.
        override_parent: a ``/``-separated path that replaces the enclosing scopes.
    """

    def __init__(self, name, caller=None, deduplicate=True, override_parent=None):
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name}"
            )
        self.name = name
        self.caller = caller
        self.deduplicate = deduplicate
        self.override_parent = override_parent

    def __enter__(self):
        scopes = _scopes()
        self._saved = None
        if self.override_parent is not None:
            self._saved = list(scopes)
            scopes[:] = [part for part in self.override_parent.split("/") if part]
        self._pushed = not (self.deduplicate and scopes and scopes[-1] == self.name)
        if self._pushed:
            scopes.append(self.name)
        return self

    def __exit__(self, *exc_info):
        if self._saved is not None:
            _scopes()[:] = self._saved
        elif self._pushed:
            _scopes().pop()


def current_path():
    return "/".join(_scopes())
