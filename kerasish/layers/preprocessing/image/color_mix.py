"""`RandomColorDegeneration`, `RandomGrayscale` and `RandomInvert`: each image blended with,
or replaced by, its gray or inverted version."""

import jax.numpy as jnp

from kerasish import ops, random
from kerasish.backend import standardize_data_format
from kerasish.layers.preprocessing.image._pixels import (
    draw_coins,
    per_image,
    sorted_value_range,
)
from kerasish.layers.preprocessing.image.base import (
    PER_IMAGE_RANK_ERROR,
    BaseImagePreprocessingLayer,
)
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class RandomColorDegeneration(BaseImagePreprocessingLayer):
    """Moves each RGB image towards its grayscale version by a random amount in training.

    An image becomes ``x + f * (gray(x) - x)`` with ``f`` drawn from the ``factor`` range
    (0: unchanged, 1: gray), clipped to ``value_range``. At inference the images are returned
    unchanged.

    Example:
    >>> layer = kerasish.layers.RandomColorDegeneration((1.0, 1.0), value_range=(0, 1))
    >>> [round(v, 4) for v in layer(jnp.array([[[1.0, 0.0, 0.0]]]))[0, 0].tolist()]
    [0.2989, 0.2989, 0.2989]

    Arguments:
        factor: a pair in ``[0, 1]``; a single number ``f`` gives Keras's range ``[-f, f]``.
        value_range: ``(low, high)`` of the pixel values.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: int seed of the layer's `SeedGenerator`.

    Transformation: ``{"factor": (batch, 1, 1, 1)}``.
    """

    _RANK_ERROR = PER_IMAGE_RANK_ERROR

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = sorted_value_range(value_range)
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        factor = random.uniform(
            (jnp.shape(data)[0], 1, 1, 1),
            minval=self.factor[0],
            maxval=self.factor[1],
            seed=self._seed(seed),
        )
        return {"factor": factor}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images)
        if not training:
            return images
        images = images.astype(self.compute_dtype)
        factor = transformation["factor"].astype(self.compute_dtype)
        gray = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        images = images + factor * (gray - images)
        return jnp.clip(images, self.value_range[0], self.value_range[1])

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise ValueError(
                "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of "
                f"images). Received: input_shape={input_shape}"
            )
        channels = input_shape[-1 if self.data_format == "channels_last" else -3]
        if channels is not None and channels != 3:
            raise ValueError(
                f"Input images must have 3 channels, but received images with {channels} channels."
            )
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


@keras_export("keras.layers")
class RandomGrayscale(BaseImagePreprocessingLayer):
    """Turns each RGB image gray (on all three channels) with probability ``factor`` in
    training; at inference the images are returned unchanged. Images keep their dtype.

    Example:
    >>> layer = kerasish.layers.RandomGrayscale(factor=1.0)
    >>> [round(v, 4) for v in layer(jnp.array([[[0.0, 1.0, 0.0]]]))[0, 0].tolist()]
    [0.587, 0.587, 0.587]

    Arguments:
        factor: the probability, in ``[0, 1]``, that an image is turned gray.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: int seed of the layer's `SeedGenerator`.

    Transformation: a bool array ``(batch, 1, 1, 1)``, true for the images turned gray.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if factor < 0 or factor > 1:
            raise ValueError(f"`factor` should be between 0 and 1. Received: factor={factor}")
        self.factor = factor
        self.data_format = standardize_data_format(data_format)
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        draws = random.uniform((jnp.shape(data)[0],), seed=self._seed(seed))
        return per_image(draws < self.factor)

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images)
        if not training:
            return images
        gray = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        return jnp.where(transformation, gray, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@keras_export("keras.layers")
class RandomInvert(BaseImagePreprocessingLayer):
    """Inverts each image (``value_range[1] - x``) with a random probability in training.

    The probability of each image is drawn from the ``factor`` range. At inference the
    images are returned unchanged.

    Example:
    >>> layer = kerasish.layers.RandomInvert(factor=(1.0, 1.0), value_range=(0, 1))
    >>> layer(jnp.array([[[0.25]]])).tolist()
    [[[0.75]]]

    Arguments:
        factor: a number ``p`` (probabilities in ``[0, p]``) or a pair, in ``[0, 1]``.
        value_range: ``(low, high)`` of the pixel values.
        seed: int seed of the layer's `SeedGenerator`.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Transformation: ``{"apply_inversion": bool (batch,)}``.
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)
    _RANK_ERROR = PER_IMAGE_RANK_ERROR

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        coins = draw_coins(jnp.shape(data)[0], self.factor, self._seed(seed))
        return {"apply_inversion": coins}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images)
        if not training:
            return images
        images = images.astype(self.compute_dtype)
        flips = per_image(transformation["apply_inversion"])
        return jnp.where(flips, self.value_range[1] - images, images)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
