"""`keras.random`: random ops over `jax.random` with Keras's arguments.

``seed`` is an int (same values every call), a `SeedGenerator` (new values each call) or
None (the rng of the enclosing ``apply``/``init`` call, else the global generator).
"""

import jax
import jax.numpy as jnp

from kerasish.engine.variables import standardize_dtype
from kerasish.random.seed_generator import draw_seed


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = standardize_dtype(dtype)
    return jax.random.normal(draw_seed(seed), shape, dtype) * stddev + mean


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype = standardize_dtype(dtype)
    return jax.random.uniform(draw_seed(seed), shape, dtype, minval=minval, maxval=maxval)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values redrawn outside two standard deviations (as Keras: bounds at -2, 2)."""
    dtype = standardize_dtype(dtype)
    sample = jax.random.truncated_normal(draw_seed(seed), -2.0, 2.0, shape, dtype)
    return sample * stddev + mean


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return jax.random.randint(
        draw_seed(seed), shape, minval, maxval, dtype=standardize_dtype(dtype)
    )


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = jnp.asarray(logits)
    samples = jax.random.categorical(
        draw_seed(seed), logits[..., None, :], axis=-1, shape=(*logits.shape[:-1], num_samples)
    )
    return samples.astype(standardize_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zeroes entries with probability ``rate`` and scales the rest by ``1 / (1 - rate)``."""
    inputs = jnp.asarray(inputs)
    keep = 1.0 - rate
    noise_shape = (
        inputs.shape if noise_shape is None else _fill_noise_shape(noise_shape, inputs.shape)
    )
    mask = jax.random.bernoulli(draw_seed(seed), keep, noise_shape)
    mask = jnp.broadcast_to(mask, inputs.shape)
    return jnp.where(mask, inputs / keep, jnp.zeros_like(inputs))


def _fill_noise_shape(noise_shape, shape):
    return tuple(dim if n is None else n for n, dim in zip(noise_shape, shape))


def shuffle(x, axis=0, seed=None):
    return jax.random.permutation(draw_seed(seed), x, axis=axis, independent=False)


def gamma(shape, alpha, dtype=None, seed=None):
    return jax.random.gamma(draw_seed(seed), alpha, shape, standardize_dtype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    sample = jax.random.binomial(draw_seed(seed), counts, probabilities, shape)
    return sample.astype(standardize_dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    return jax.random.beta(draw_seed(seed), alpha, beta, shape, standardize_dtype(dtype))
