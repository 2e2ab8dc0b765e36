"""Checks shared by the ``test_image_extra_*`` files. Our random ops draw the same values as
Keras's JAX backend for the same seed, so a seeded random layer is compared with Keras call
for call, in training as well as at inference."""

import doctest
import importlib

import jax
import jax.numpy as jnp
import keras
import numpy as np

import kerasish
from kerasish import layers
from kerasish.engine import pure


def without_name(config):
    return {key: value for key, value in config.items() if key != "name"}


def assert_call_matches_keras(cls_name, kwargs, x, training=True, tolerance=1e-5):
    """Seeded layers built from ``kwargs`` give Keras's outputs (values and dtype) and config."""
    theirs = getattr(keras.layers, cls_name)(**kwargs)
    ours = getattr(layers, cls_name)(**kwargs)
    expected = np.asarray(theirs(x, training=training))
    got = np.asarray(ours(x, training=training))
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    np.testing.assert_allclose(got, expected, rtol=tolerance, atol=tolerance)
    assert without_name(ours.get_config()) == without_name(theirs.get_config())
    return got


def assert_random_properties(layer_factory, x, value_range=None):
    """Seeded layers: the output keeps the shape; same seed -> same output, another seed ->
    another output; values stay in ``value_range``; the jitted pure apply equals the eager
    call of a twin layer and returns the advanced seed state."""
    first = np.asarray(layer_factory(1)(x, training=True))
    assert first.shape == np.shape(x)
    np.testing.assert_array_equal(first, np.asarray(layer_factory(1)(x, training=True)))
    assert not np.array_equal(first, np.asarray(layer_factory(2)(x, training=True)))
    if value_range is not None:
        assert value_range[0] - 1e-5 <= first.min() and first.max() <= value_range[1] + 1e-5
    layer = layer_factory(1)
    layer.build(np.shape(x))
    params, state = pure.split_values(layer, {id(v): v.value for v in layer.variables})
    apply = jax.jit(lambda p, s, images: layer.apply(p, s, images, training=True))
    outputs, new_state = apply(params, state, jnp.asarray(x))
    np.testing.assert_allclose(np.asarray(outputs), first, rtol=1e-5, atol=1e-5)
    assert any(
        not np.array_equal(a, b) for a, b in zip(jax.tree.leaves(state), jax.tree.leaves(new_state))
    )
    return first


def raised(function):
    """``(type, message)`` of the exception ``function()`` raises."""
    try:
        function()
    except Exception as error:  # noqa: BLE001 - any error type is compared by the caller
        return type(error), str(error)
    raise AssertionError("no exception raised")


def assert_same_error(cls_name, kwargs):
    ours = raised(lambda: getattr(layers, cls_name)(**kwargs))
    assert ours == raised(lambda: getattr(keras.layers, cls_name)(**kwargs))


def run_docstring_examples(module_name):
    module = importlib.import_module(f"kerasish.layers.preprocessing.{module_name}")
    globs = {"kerasish": kerasish, "jax": jax, "jnp": jnp, "np": np}
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = [t for t in doctest.DocTestFinder().find(module, globs=globs) if t.examples]
    assert tests
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def images(shape, seed=0, scale=1.0):
    return (np.random.default_rng(seed).random(shape) * scale).astype("float32")
