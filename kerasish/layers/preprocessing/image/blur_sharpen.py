"""`RandomSharpness` and `RandomGaussianBlur`: random blends with a smoothed image, or a
Gaussian blur applied to some images."""

import jax.numpy as jnp

from kerasish import ops, random
from kerasish.layers.preprocessing.image._pixels import draw_coins, per_image, sorted_value_range
from kerasish.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from kerasish.saving.serialization import keras_export

_RANK_ERROR = "Expected the input image to be rank 3 or 4. Received: inputs.shape={shape}"


@keras_export("keras.layers")
class RandomSharpness(BaseImagePreprocessingLayer):
    """Sharpens or softens each image by a random amount in training.

    With ``s = 2 * f`` for ``f`` drawn from the ``factor`` range, an image becomes
    ``x + (1 - s) * (smooth(x) - x)``, where ``smooth`` is a 3x3 filter (centre weight 5/13,
    the others 1/13, zero padding): ``f = 0.5`` leaves it unchanged, ``f = 0`` gives the
    smoothed image and larger ``f`` sharpens. Results are clipped to ``value_range``. Images
    are cast to the compute dtype in training and at inference.

    Example:
    >>> layer = kerasish.layers.RandomSharpness((0.5, 0.5), value_range=(0, 1))
    >>> images = jnp.full((1, 3, 3, 1), 0.5)
    >>> bool(jnp.allclose(layer(images), images))
    True

    Arguments:
        factor: a number ``f`` (``[0, f]``) or a pair, in ``[0, 1]``.
        value_range: ``(low, high)`` of the pixel values.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: int seed of the layer's `SeedGenerator`.

    Transformation: ``{"factor": (batch,)}``.
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)
    _RANK_ERROR = _RANK_ERROR

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
            (jnp.shape(data)[0],),
            minval=self.factor[0],
            maxval=self.factor[1],
            seed=self._seed(seed),
        )
        return {"factor": factor}

    def transform_images(self, images, transformation, training=True):
        dtype = self.compute_dtype
        images = jnp.asarray(images).astype(dtype)
        if not training:
            return images
        if self.data_format == "channels_first":
            images = jnp.swapaxes(images, -3, -1)
        strength = per_image(transformation["factor"] * 2).astype(dtype)
        side, centre = 1.0 / 13.0, 5.0 / 13.0
        kernel = jnp.full((3, 3), side, dtype).at[1, 1].set(centre)
        kernel = jnp.broadcast_to(kernel[:, :, None, None], (3, 3, images.shape[-1], 1))
        smoothed = ops.depthwise_conv(images, kernel, padding="same", data_format="channels_last")
        images = images + (1.0 - strength) * (smoothed.astype(dtype) - images)
        images = jnp.clip(images, self.value_range[0], self.value_range[1])
        if self.data_format == "channels_first":
            images = jnp.swapaxes(images, -3, -1)
        return images

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


def _kernel_size(value, name):
    message = f"{name} must be an odd number. Received: {name}={value}"
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"The `{name}` argument should be a number (or a list of two numbers) "
                f"Received: {name}={value}"
            )
        if value[0] % 2 == 0 or value[1] % 2 == 0:
            raise ValueError(message)
        return tuple(value)
    if isinstance(value, (int, float)):
        if value % 2 == 0:
            raise ValueError(message)
        return value, value
    raise ValueError(message)


def named_unit_range(value, name):
    """``(lower, upper)`` in ``[0, 1]`` from a number ``f`` (``(0, f)``) or a pair, with Keras's
    message naming the argument (used for ``sigma`` and ``scale`` arguments)."""
    message = (
        f"The `{name}` argument should be a number (or a list of two numbers) in the range "
        f"[0, 1]. Received: factor={value}"
    )
    if isinstance(value, (tuple, list)):
        if len(value) != 2 or value[0] > 1 or value[1] < 0:
            raise ValueError(message)
        return tuple(sorted(value))
    if isinstance(value, (int, float)):
        if value < 0 or value > 1:
            raise ValueError(message)
        return max(-abs(value), 0), abs(value)
    raise ValueError(message)


@keras_export("keras.layers")
class RandomGaussianBlur(BaseImagePreprocessingLayer):
    """Blurs some images with a Gaussian kernel in training.

    Each image is blurred with a probability drawn from the ``factor`` range; the kernel's
    (x, y) standard deviations are drawn once per batch from ``sigma``. Outputs are clipped to
    ``value_range``; images are cast to the compute dtype in training and at inference.

    Example:
    >>> layer = kerasish.layers.RandomGaussianBlur(factor=(1.0, 1.0), kernel_size=3, seed=0)
    >>> layer(jnp.ones((1, 4, 4, 1)) * 100.0).shape
    (1, 4, 4, 1)

    Arguments:
        factor: a number ``p`` (probabilities in ``[0, p]``) or a pair, in ``[0, 1]``.
        kernel_size: an odd int or a pair of odd ints ``(x, y)``.
        sigma: a number ``s`` (``[0, s]``) or a pair, in ``[0, 1]``.
        value_range: ``(low, high)`` of the pixel values.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: int seed of the layer's `SeedGenerator`.

    Transformation: ``{"should_apply_blur": bool (batch,), "blur_factor": (2,)}``.
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)
    _RANK_ERROR = "Expected the input image to be rank 3 or 4. Received inputs.shape={shape}"

    def __init__(
        self,
        factor=1.0,
        kernel_size=3,
        sigma=1.0,
        value_range=(0, 255),
        data_format=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.kernel_size = _kernel_size(kernel_size, "kernel_size")
        self.sigma = named_unit_range(sigma, "sigma")
        self.value_range = value_range
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        seed = self._seed(seed)
        apply = draw_coins(jnp.shape(data)[0], self.factor, seed)
        sigma = random.uniform(
            (2,), minval=self.sigma[0], maxval=self.sigma[1], dtype=self.compute_dtype, seed=seed
        )
        return {"should_apply_blur": apply, "blur_factor": sigma + 1e-6}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        if not training or transformation is None:
            return images
        blurred = ops.image.gaussian_blur(
            images,
            kernel_size=self.kernel_size,
            sigma=transformation["blur_factor"],
            data_format=self.data_format,
        )
        images = jnp.where(per_image(transformation["should_apply_blur"]), blurred, images)
        return jnp.clip(images, self.value_range[0], self.value_range[1]).astype(self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "factor": self.factor,
                "kernel_size": self.kernel_size,
                "sigma": self.sigma,
                "value_range": self.value_range,
                "seed": self.seed,
            }
        )
        return config
