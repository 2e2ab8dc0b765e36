"""Noise layers, active only in training: `SpatialDropout1D/2D/3D`, `GaussianNoise`,
`GaussianDropout`, `AlphaDropout`.

Their randomness comes from the layer's `SeedGenerator`, or from the ``rng`` of a pure
``apply(..., training=True, rng=key)``; at inference they return the inputs unchanged.
"""

import math

from kerasish import random
from kerasish.backend import standardize_data_format
from kerasish.engine.input_spec import InputSpec
from kerasish.engine.layer import Layer
from kerasish.layers.regularization import Dropout
from kerasish.saving.serialization import keras_export

# The SELU constants: AlphaDropout keeps a SELU network's mean and variance.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _check_rate(name, value):
    if not 0 <= value <= 1:
        raise ValueError(
            f"Invalid value received for argument `{name}`. Expected a float value between 0 "
            f"and 1. Received: {name}={value}"
        )


class _SpatialDropout(Dropout):
    """`Dropout` whose mask is shared along the spatial axes: whole feature maps drop.

    Keras's signature has no ``**kwargs`` here, and its config holds only ``rate``, ``seed``,
    ``name`` and ``dtype`` (the variable dtype's name), which ours keeps.
    """

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return random.dropout(
                inputs,
                self.rate,
                noise_shape=self._noise_shape(inputs.shape),
                seed=self.seed_generator,
            )
        return inputs

    def get_config(self):
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}


@keras_export("keras.layers")
class SpatialDropout1D(_SpatialDropout):
    """Drops entire 1D feature maps (one channel across all steps) in training.

    Example:
    >>> layer = kerasish.layers.SpatialDropout1D(0.5, seed=0)
    >>> y = layer(jnp.ones((2, 5, 3)), training=True)
    >>> bool(jnp.all(y == y[:, :1]))  # the same mask at every step
    True

    Arguments:
        rate: fraction of the channels to drop, in ``[0, 1]``.
        seed: int seed of the layer's `SeedGenerator`.

    Shapes: ``(batch, steps, channels)`` -> the same.
    """

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.input_spec = InputSpec(ndim=3)

    def _noise_shape(self, shape):
        return (shape[0], 1, shape[2])


class _SpatialDropoutWithFormat(_SpatialDropout):
    """Spatial dropout of images or volumes, with a ``data_format``."""

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = standardize_data_format(data_format)

    def _noise_shape(self, shape):
        spatial = (1,) * (len(shape) - 2)
        if self.data_format == "channels_first":
            return (shape[0], shape[1], *spatial)
        return (shape[0], *spatial, shape[-1])

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


@keras_export("keras.layers")
class SpatialDropout2D(_SpatialDropoutWithFormat):
    """Drops entire 2D feature maps (one channel of an image) in training.

    Example:
    >>> layer = kerasish.layers.SpatialDropout2D(0.5, seed=0)
    >>> y = layer(jnp.ones((2, 4, 4, 3)), training=True)
    >>> bool(jnp.all(y == y[:, :1, :1]))
    True

    Arguments:
        rate: fraction of the channels to drop, in ``[0, 1]``.
        data_format: ``"channels_last"`` (default from `keras.config.image_data_format()`) or
            ``"channels_first"``.
        seed: int seed of the layer's `SeedGenerator`.

    Shapes: ``(batch, height, width, channels)`` (or channels first) -> the same.
    """

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, data_format=data_format, seed=seed, name=name, dtype=dtype)
        self.input_spec = InputSpec(ndim=4)


@keras_export("keras.layers")
class SpatialDropout3D(_SpatialDropoutWithFormat):
    """Drops entire 3D feature maps (one channel of a volume) in training.

    Example:
    >>> layer = kerasish.layers.SpatialDropout3D(0.5, seed=0)
    >>> y = layer(jnp.ones((2, 2, 3, 4, 3)), training=True)
    >>> bool(jnp.all(y == y[:, :1, :1, :1]))
    True

    Arguments:
        rate: fraction of the channels to drop, in ``[0, 1]``.
        data_format: ``"channels_last"`` (default from `keras.config.image_data_format()`) or
            ``"channels_first"``.
        seed: int seed of the layer's `SeedGenerator`.

    Shapes: ``(batch, dim1, dim2, dim3, channels)`` (or channels first) -> the same.
    """

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, data_format=data_format, seed=seed, name=name, dtype=dtype)
        self.input_spec = InputSpec(ndim=5)


class _RandomNoise(Layer):
    """A layer that changes its inputs only when ``training`` and ``amount > 0``."""

    def __init__(self, amount, seed, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        if amount > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape


@keras_export("keras.layers")
class GaussianNoise(_RandomNoise):
    """Adds zero-centred Gaussian noise of standard deviation ``stddev`` in training.

    Example:
    >>> layer = kerasish.layers.GaussianNoise(0.1, seed=0)
    >>> layer(jnp.ones((2, 3))).tolist()  # inference: unchanged
    [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    >>> layer(jnp.ones((2, 3)), training=True).shape
    (2, 3)

    Arguments:
        stddev: standard deviation of the noise, in ``[0, 1]``.
        seed: int seed of the layer's `SeedGenerator`.

    Shapes: any -> the same.
    """

    def __init__(self, stddev, seed=None, **kwargs):
        _check_rate("stddev", stddev)
        super().__init__(stddev, seed, **kwargs)
        self.stddev = stddev

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            noise = random.normal(
                inputs.shape, stddev=self.stddev, dtype=self.compute_dtype, seed=self.seed_generator
            )
            return inputs + noise
        return inputs

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config


@keras_export("keras.layers")
class GaussianDropout(_RandomNoise):
    """Multiplies the inputs by Gaussian noise of mean 1 in training.

    The noise's standard deviation is ``sqrt(rate / (1 - rate))``, as for dropout at ``rate``.

    Example:
    >>> layer = kerasish.layers.GaussianDropout(0.2, seed=0)
    >>> layer(jnp.ones((2, 3)), training=True).shape
    (2, 3)

    Arguments:
        rate: the equivalent drop probability, in ``[0, 1]``.
        seed: int seed of the layer's `SeedGenerator`.

    Shapes: any -> the same.
    """

    def __init__(self, rate, seed=None, **kwargs):
        _check_rate("rate", rate)
        super().__init__(rate, seed, **kwargs)
        self.rate = rate

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            noise = random.normal(
                inputs.shape,
                mean=1.0,
                stddev=stddev,
                dtype=self.compute_dtype,
                seed=self.seed_generator,
            )
            return inputs * noise
        return inputs

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config


@keras_export("keras.layers")
class AlphaDropout(_RandomNoise):
    """Dropout for SELU networks: dropped entries take SELU's negative saturation value, then
    an affine map restores the inputs' mean and variance.

    Example:
    >>> layer = kerasish.layers.AlphaDropout(0.2, seed=0)
    >>> layer(jnp.zeros((2, 3)), training=True).shape
    (2, 3)

    Arguments:
        rate: fraction of the inputs to drop, in ``[0, 1]``.
        noise_shape: shape of the keep/drop mask, broadcast to the inputs; None entries take
            the input's size.
        seed: int seed of the layer's `SeedGenerator`.

    Shapes: any -> the same.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        _check_rate("rate", rate)
        super().__init__(rate, seed, **kwargs)
        self.rate = rate
        self.noise_shape = noise_shape

    def call(self, inputs, training=False):
        if not (training and self.rate > 0):
            return inputs
        noise_shape = inputs.shape
        if self.noise_shape is not None:
            noise_shape = tuple(
                size if dim is None else dim for dim, size in zip(self.noise_shape, inputs.shape)
            )
        kept = random.uniform(noise_shape, seed=self.seed_generator) >= self.rate
        kept = kept.astype(inputs.dtype)
        dropped_value = -_SELU_ALPHA * _SELU_SCALE
        scale = ((1 - self.rate) * (1 + self.rate * dropped_value**2)) ** -0.5
        shift = -scale * dropped_value * self.rate
        outputs = inputs * kept + dropped_value * (1 - kept)
        return scale * outputs + shift

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config


__all__ = [
    "AlphaDropout",
    "GaussianDropout",
    "GaussianNoise",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
]
