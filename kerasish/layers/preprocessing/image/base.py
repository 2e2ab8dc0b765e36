"""`BaseImagePreprocessingLayer`: what every image preprocessing layer shares.

A call is two steps, as in Keras 3: ``get_random_transformation(images, training)`` draws
the parameters of the augmentation (angles, flips, zooms...) from the layer's seed
generator, and ``transform_images(images, transformation, training)`` applies them
deterministically. The second step is a pure function of its arguments, so it can be
checked against Keras given the same transformation.

Images are a batch ``(batch, height, width, channels)`` or one image ``(height, width,
channels)`` (channels first: ``(batch, channels, height, width)``); one image is
transformed as a batch of one.
"""

import jax.numpy as jnp

from kerasish.backend import standardize_data_format
from kerasish.engine.layer import Layer


def factor_range(factor, name, message, lower_open):
    """``(lower, upper)`` from a number ``f`` (``(-f, f)``) or a pair, checked in
    ``[-1, 1]`` (``(-1, 1]`` when ``lower_open``), with Keras's messages."""

    def check(number):
        if number > 1.0 or number < -1.0 or (lower_open and number == -1.0):
            raise ValueError(message + f"Received: input_number={number}")

    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(message + f"Received: {name}={factor}")
        check(factor[0])
        check(factor[1])
        return tuple(sorted(factor))
    if isinstance(factor, (int, float)):
        check(factor)
        return -abs(factor), abs(factor)
    raise ValueError(message + f"Received: {name}={factor}")


PER_IMAGE_RANK_ERROR = "Expected the input image to be rank 3 or 4. Received inputs.shape={shape}"


def per_image_shape(shape):
    """The shape of one random value per image, broadcastable to images of ``shape``."""
    if len(shape) == 3:
        return (1, 1, 1)
    if len(shape) == 4:
        return (shape[0], 1, 1, 1)
    raise ValueError(PER_IMAGE_RANK_ERROR.format(shape=shape))


class BaseImagePreprocessingLayer(Layer):
    """Base of the image layers: ``call`` = ``get_random_transformation`` + ``transform_images``.

    Subclasses set ``_USE_BASE_FACTOR = False`` when they take no ``factor`` argument, and
    ``_FACTOR_BOUNDS`` to the range a ``factor`` may span.

    Arguments:
        factor: a number ``f`` (the range ``[-f, f]``, clipped to the bounds) or two numbers.
        data_format: ``"channels_last"`` (default from `keras.config.image_data_format()`) or
            ``"channels_first"``.
    """

    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS = (-1, 1)

    def __init__(self, factor=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        if self._USE_BASE_FACTOR:
            self._set_factor(factor or 0.0)
        elif factor is not None:
            raise ValueError(
                f"Layer {type(self).__name__} does not take a `factor` argument. "
                f"Received: factor={factor}"
            )

    def _set_factor(self, factor):
        low, high = self._FACTOR_BOUNDS
        message = (
            "The `factor` argument should be a number (or a list of two numbers) in the range "
            f"[{low}, {high}]. Received: factor={factor}"
        )
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or factor[0] > high or factor[1] < low:
                raise ValueError(message)
            self.factor = tuple(sorted(factor))
        elif isinstance(factor, (int, float)):
            if not low <= factor <= high:
                raise ValueError(message)
            self.factor = (max(-abs(factor), low), abs(factor))
        else:
            raise ValueError(message)

    # -- the two steps ---------------------------------------------------------------------
    def get_random_transformation(self, data, training=True, seed=None):
        """The random parameters for a batch ``data``; None when nothing is random."""
        return None

    def transform_images(self, images, transformation, training=True):
        """``images`` (a batch) cast to the compute dtype, transformed when ``training``."""
        images = jnp.asarray(images).astype(self.compute_dtype)
        if training:
            images = self._transform_images(images, transformation)
        return images

    def _transform_images(self, images, transformation):
        raise NotImplementedError(
            f"{type(self).__name__} overrides `transform_images` or `_transform_images`."
        )

    # -- calling ---------------------------------------------------------------------------
    _RANK_ERROR = (
        "Expected image tensor to have rank 3 (single image) or 4 (batch of images). "
        "Received: data.shape={shape}"
    )

    def call(self, data, training=True):
        if isinstance(data, dict):
            raise ValueError(
                f"{type(self).__name__} takes a tensor of images; dict inputs (images with "
                "labels, bounding boxes or segmentation masks) are not supported. "
                f"Received a dict with keys {sorted(data)}."
            )
        images = jnp.asarray(data)
        if images.ndim not in (3, 4):
            raise ValueError(self._RANK_ERROR.format(shape=images.shape))
        unbatched = images.ndim == 3
        if unbatched:
            images = images[None]
        transformation = self.get_random_transformation(images, training=training)
        outputs = self.transform_images(images, transformation, training=training)
        return outputs[0] if unbatched else outputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    # -- helpers for subclasses ------------------------------------------------------------
    def _height_width_axes(self):
        """The height and width axes of a batch of images."""
        return (2, 3) if self.data_format == "channels_first" else (1, 2)

    def _batch_height_width(self, shape):
        """``(batch_size, height, width)`` of a batch, or of one image (a batch of one)."""
        shape = (1, *shape) if len(shape) == 3 else tuple(shape)
        height_axis, width_axis = self._height_width_axes()
        return shape[0], shape[height_axis], shape[width_axis]

    def _seed(self, seed):
        return self.generator if seed is None else seed

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
