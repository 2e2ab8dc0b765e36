"""Shared checks for tests/layers: the layer contract plus config values equal to Keras 3's."""

import re

import jax
import keras
import numpy as np

from kerasish.testing import run_layer_test


def _random_input(shape, dtype, rng):
    if isinstance(shape, list):
        return [_random_input(s, dtype, rng) for s in shape]
    if np.issubdtype(np.dtype(dtype), np.integer):
        return rng.integers(0, 10, size=shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def raised(function):
    """``(type, message)`` of the exception ``function()`` raises."""
    import pytest

    with pytest.raises(Exception) as info:
        function()
    return type(info.value), str(info.value)


def _sorted_set_literals(message):
    """``message`` with every printed set of quoted strings sorted: a set's print order depends on
    the hash seed of the process that compiled the module, so it differs between runs."""

    def sort_items(match):
        return "{" + ", ".join(sorted(match.group(1).split(", "))) + "}"

    return re.sub(r"\{('[^{}]*')\}", sort_items, message)


def assert_same_error(ours_function, keras_function):
    """Both raise the same exception type with the same message (Keras may wrap the message of
    an error raised inside ``call`` in its "Exception encountered when calling" frame). Printed
    sets compare as sets."""
    ours, theirs = raised(ours_function), raised(keras_function)
    ours, theirs = (
        (ours[0], _sorted_set_literals(ours[1])),
        (theirs[0], _sorted_set_literals(theirs[1])),
    )
    assert ours[0] is theirs[0], f"{ours} vs Keras {theirs}"
    assert ours[1] == theirs[1] or f"\x1b[1m{ours[1]}\x1b[0m" in theirs[1], (
        f"{ours} vs Keras {theirs}"
    )
    return ours


def comparable_config(config):
    """A layer config without its auto-generated name."""
    return {key: value for key, value in config.items() if key != "name"}


def assert_config_equals_keras(ours, theirs):
    assert comparable_config(ours.get_config()) == comparable_config(theirs.get_config())


def check_layer(layer_cls, init_kwargs, input_shape, input_dtype="float32", **contract_kwargs):
    """`run_layer_test`, then config *values* (before and after building) and weight names in
    ``weights`` order against Keras's."""
    layer = run_layer_test(
        layer_cls, init_kwargs, input_shape=input_shape, input_dtype=input_dtype, **contract_kwargs
    )
    keras_cls = getattr(keras.layers, layer_cls.__name__)
    assert_config_equals_keras(layer_cls(**init_kwargs), keras_cls(**init_kwargs))
    keras_layer = keras_cls(**init_kwargs)
    keras_layer(_random_input(input_shape, input_dtype, np.random.default_rng(0)))
    assert_config_equals_keras(layer, keras_layer)
    assert [v.name for v in layer.weights] == [v.name for v in keras_layer.weights]
    return layer


def current_trees(layer):
    """``(params, state)`` holding the layer's current variable values."""
    from kerasish.engine import pure

    return pure.split_values(layer, {id(v): v.value for v in layer.variables})


def keras_weights_into(layer, keras_layer):
    """Copies Keras's weights into ``layer`` (same order) and returns its ``(params, state)``."""
    layer.set_weights(keras_layer.get_weights())
    return current_trees(layer)


def to_numpy(tree):
    return jax.tree.map(np.asarray, tree)
