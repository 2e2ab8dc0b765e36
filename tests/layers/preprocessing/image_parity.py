"""Shared checks for the image preprocessing tests: the layer contract plus Keras's config,
and the deterministic half of an augmentation layer checked against Keras given Keras's own
random transformation."""

import jax
import jax.numpy as jnp
import keras
import numpy as np

from kerasish import layers
from kerasish.testing import run_layer_test


def without_name(config):
    return {key: value for key, value in config.items() if key != "name"}


def check_image_layer(cls_name, init_kwargs, input_shape, training=False, **contract_kwargs):
    """`run_layer_test`, then the config's values equal to Keras's. Keras's outputs are random
    in training, so the contract compares them (and Keras's config keys) only at inference;
    the transform itself is compared by `assert_transform_matches_keras`."""
    layer = run_layer_test(
        getattr(layers, cls_name),
        init_kwargs,
        input_shape=input_shape,
        training=training,
        keras_parity=not training,
        **contract_kwargs,
    )
    theirs = getattr(keras.layers, cls_name)(**init_kwargs)
    assert without_name(layer.get_config()) == without_name(theirs.get_config())
    return layer


def images(shape, seed=0, scale=1.0):
    return (np.random.default_rng(seed).random(shape) * scale).astype("float32")


def as_jax(transformation):
    """Keras's transformation (numpy or JAX arrays, ints, tuples) as JAX arrays."""
    return jax.tree.map(
        lambda value: jnp.asarray(value) if hasattr(value, "shape") else value, transformation
    )


def assert_transform_matches_keras(cls_name, init_kwargs, x, tolerance=1e-5):
    """Our ``transform_images`` given Keras's random transformation equals Keras's output."""
    theirs = getattr(keras.layers, cls_name)(**init_kwargs)
    transformation = theirs.get_random_transformation(x, training=True)
    expected = np.asarray(theirs.transform_images(x, transformation, training=True))
    ours = getattr(layers, cls_name)(**init_kwargs)
    got = np.asarray(ours.transform_images(jnp.asarray(x), as_jax(transformation)))
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=tolerance, atol=tolerance)
    return transformation


def draw(layer, x, **kwargs):
    """A transformation drawn by ``layer`` for ``x``, as numpy."""
    return jax.tree.map(np.asarray, layer.get_random_transformation(jnp.asarray(x), **kwargs))


def raised(function):
    """``(type, message)`` of the exception ``function()`` raises."""
    try:
        function()
    except Exception as error:  # noqa: BLE001 - any error type is compared by the caller
        return type(error), str(error)
    raise AssertionError("no exception raised")


# One batch shape per layout, used throughout: XLA compiles each primitive once per shape,
# and Keras's eager image ops compile many primitives, so shared shapes keep the tests fast.
NHWC = (2, 6, 5, 2)
NCHW = (2, 2, 6, 5)


def batch_shape(kwargs):
    return NCHW if kwargs.get("data_format") == "channels_first" else NHWC
