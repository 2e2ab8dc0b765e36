"""`RandomPosterization` and `Solarization`: per-pixel tone curves (fewer intensity levels;
inverting the pixels above a threshold)."""

import jax.numpy as jnp

from kerasish import random
from kerasish.layers.preprocessing.image._pixels import per_image, rescale, sorted_value_range
from kerasish.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class RandomPosterization(BaseImagePreprocessingLayer):
    """Keeps only the ``bits`` highest bits of each 8-bit pixel value in training, with
    ``bits`` drawn per image from ``[factor[0], factor[1])`` (or equal to it when the two
    are equal). Values are read in ``value_range``, quantized in ``[0, 255]`` and mapped back.
    At inference the images are returned unchanged.

    Example:
    >>> layer = kerasish.layers.RandomPosterization(factor=(2, 2))
    >>> layer(jnp.array([[[100.0], [200.0]]])).tolist()  # two bits: multiples of 64
    [[[64.0], [192.0]]]

    Arguments:
        factor: an int ``b`` (bits in ``[1, b)``) or a pair, in ``[1, 8]``.
        value_range: ``(low, high)`` of the pixel values.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: int seed of the layer's `SeedGenerator`.

    Transformation: ``{"shift_factor": uint8 (batch,)}``, the number of low bits cleared.
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (1, 8)
    _MAX_BITS = 8

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = sorted_value_range(value_range)
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        batch_size = jnp.shape(data)[0]
        low, high = self.factor
        if low != high:
            bits = random.randint(
                (batch_size,), minval=low, maxval=high, dtype="uint8", seed=self._seed(seed)
            )
        else:
            bits = jnp.full((batch_size,), low, dtype="uint8")
        return {"shift_factor": self._MAX_BITS - bits}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images)
        if not training:
            return images
        shift = per_image(transformation["shift_factor"]).astype("uint8")
        images = rescale(images, self.value_range, (0, 255), dtype=self.compute_dtype)
        levels = jnp.left_shift(jnp.right_shift(images.astype("uint8"), shift), shift)
        levels = levels.astype(self.compute_dtype)
        return rescale(levels, (0, 255), self.value_range, dtype=self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


_SOLARIZATION_FACTOR_ERROR = (
    "The `addition_factor` and `threshold_factor` arguments should be a number (or a list of "
    "two numbers) in the range [0, 1]. "
)


def _solarization_factor(factor, name):
    """``(0, f)`` for a number ``f``, a sorted pair for a pair; each in ``[0, 1]``."""

    def check(number):
        if number > 1.0 or number < 0:
            raise ValueError(_SOLARIZATION_FACTOR_ERROR + f"Received: input_number={number}")

    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(_SOLARIZATION_FACTOR_ERROR + f"Received: {name}={factor}")
        check(factor[0])
        check(factor[1])
        return tuple(sorted(factor))
    if isinstance(factor, (int, float)):
        check(factor)
        return 0, factor
    raise ValueError(_SOLARIZATION_FACTOR_ERROR + f"Received: {name}={factor}")


@keras_export("keras.layers")
class Solarization(BaseImagePreprocessingLayer):
    """Adds a random amount to each image and inverts the pixels at or above a random
    threshold, in training (values are handled in ``[0, 255]``).

    An image becomes ``y = clip(x + addition, 0, 255)`` where ``y < threshold`` and
    ``255 - y`` elsewhere, mapped back to ``value_range``. As in Keras, ``addition`` is drawn
    from ``[a0, a1 * 255]`` for ``addition_factor=(a0, a1)`` and the threshold likewise. At
    inference the images are only cast to the compute dtype.

    Example:
    >>> layer = kerasish.layers.Solarization(value_range=(0, 255))
    >>> transformation = {"additions": jnp.zeros((1, 1, 1, 1)),
    ...                   "thresholds": jnp.full((1, 1, 1, 1), 128.0)}
    >>> layer.transform_images(jnp.array([[[[10.0], [200.0]]]]), transformation).tolist()
    [[[[10.0], [55.0]]]]

    Arguments:
        addition_factor: a number ``f`` (``(0, f)``) or a pair, in ``[0, 1]``.
        threshold_factor: a number ``f`` (``(0, f)``) or a pair, in ``[0, 1]``.
        value_range: ``(low, high)`` of the pixel values.
        seed: int seed of the layer's `SeedGenerator`.

    Transformation: ``{"additions": (batch, 1, 1, 1), "thresholds": (batch, 1, 1, 1)}``.
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs
    ):
        super().__init__(**kwargs)
        self.seed = seed
        self.generator = random.SeedGenerator(seed)
        self.addition_factor = _solarization_factor(addition_factor, "addition_factor")
        self.threshold_factor = _solarization_factor(threshold_factor, "threshold_factor")
        self.value_range = sorted_value_range(value_range)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = (jnp.shape(data)[0], 1, 1, 1)
        seed = self._seed(seed)
        draws = {}
        for key, (low, high) in (
            ("additions", self.addition_factor),
            ("thresholds", self.threshold_factor),
        ):
            draws[key] = random.uniform(
                shape, minval=low, maxval=high * 255, dtype=self.compute_dtype, seed=seed
            )
        return draws

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        if not training or transformation is None:
            return images
        dtype = self.compute_dtype
        images = rescale(images, self.value_range, (0, 255), dtype=dtype)
        results = jnp.clip(images + transformation["additions"], 0, 255)
        results = jnp.where(results < transformation["thresholds"], results, 255 - results)
        return rescale(results, (0, 255), self.value_range, dtype=dtype).astype(dtype)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "value_range": self.value_range,
                "addition_factor": self.addition_factor,
                "threshold_factor": self.threshold_factor,
                "seed": self.seed,
            }
        )
        return config
