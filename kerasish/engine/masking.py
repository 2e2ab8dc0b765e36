"""Keras masks attached to concrete arrays, keyed by identity (JAX arrays take no attributes)."""

import weakref

_masks = {}


def set_keras_mask(tensor, mask):
    try:
        tensor._keras_mask = mask
        return
    except AttributeError:
        pass
    key = id(tensor)
    if mask is None:
        _masks.pop(key, None)
        return
    try:
        weakref.finalize(tensor, _masks.pop, key, None)
    except TypeError:
        return  # not weak-referenceable (e.g. a tracer): the mask travels only through graphs
    _masks[key] = mask


def get_keras_mask(tensor):
    if hasattr(tensor, "_keras_mask"):
        return tensor._keras_mask
    return _masks.get(id(tensor))
