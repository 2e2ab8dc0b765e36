"""Helpers of the pixel-value image layers: value ranges, Keras's ``[low, high]`` rescaling
and the per-image coin ("apply with probability p") several layers draw.

Example:
>>> rescale(jnp.array([0.0, 127.5, 255.0]), (0, 255), (0, 1)).tolist()
[0.0, 0.5, 1.0]
"""

import jax.numpy as jnp

from kerasish import random

VALUE_RANGE_ERROR = "The `value_range` argument should be a list of two numbers. "


def sorted_value_range(value_range):
    """``value_range`` as a sorted list, with Keras's error for anything but two numbers."""
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(VALUE_RANGE_ERROR + f"Received: value_range={value_range}")
    return sorted(value_range)


def rescale(images, source, target, dtype="float32"):
    """``images`` mapped linearly from the range ``source`` onto ``target`` (unchanged, not
    even cast, when the two are equal), as Keras's ``_transform_value_range``."""
    if source[0] == target[0] and source[1] == target[1]:
        return images
    images = jnp.asarray(images).astype(dtype)
    low, high = (jnp.asarray(v, dtype) for v in source)
    new_low, new_high = (jnp.asarray(v, dtype) for v in target)
    return (images - low) / (high - low) * (new_high - new_low) + new_low


def draw_coins(batch_size, probability_range, seed):
    """One bool per image, true with a probability drawn from ``probability_range``: Keras draws
    the probability, then a threshold, from the same generator."""
    probability = random.uniform(
        (batch_size,), minval=probability_range[0], maxval=probability_range[1], seed=seed
    )
    threshold = random.uniform((batch_size,), minval=0.0, maxval=1.0, seed=seed)
    return threshold < probability


def per_image(values):
    """``(batch,)`` values broadcastable against a batch of images."""
    return jnp.reshape(values, (-1, 1, 1, 1))
