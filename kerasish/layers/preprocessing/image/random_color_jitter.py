"""`RandomColorJitter`: random brightness, contrast, saturation and hue, in that order."""

import jax.numpy as jnp

from kerasish import random
from kerasish.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from kerasish.layers.preprocessing.image.random_brightness import RandomBrightness
from kerasish.layers.preprocessing.image.random_contrast import RandomContrast
from kerasish.layers.preprocessing.image.random_hsv import RandomHue, RandomSaturation
from kerasish.saving.serialization import keras_export

# (argument, attribute holding the sub-layer, sub-layer class), in the order they apply.
_STEPS = (
    ("brightness_factor", "random_brightness", RandomBrightness),
    ("contrast_factor", "random_contrast", RandomContrast),
    ("saturation_factor", "random_saturation", RandomSaturation),
    ("hue_factor", "random_hue", RandomHue),
)


@keras_export("keras.layers")
class RandomColorJitter(BaseImagePreprocessingLayer):
    """Applies `RandomBrightness`, `RandomContrast`, `RandomSaturation` and `RandomHue` (those
    whose factor is given) one after the other in training; at inference the images are
    returned unchanged.

    Each step's random values come from this layer's seed generator, drawn in the order of
    the steps, as in Keras. As in Keras, the steps use the default data format.

    Example:
    >>> layer = kerasish.layers.RandomColorJitter(
    ...     value_range=(0, 1), brightness_factor=0.2, hue_factor=0.1, seed=0)
    >>> layer(jnp.full((1, 2, 2, 3), 0.5)).shape
    (1, 2, 2, 3)

    Arguments:
        value_range: ``(low, high)`` of the pixel values.
        brightness_factor, contrast_factor, saturation_factor, hue_factor: the ``factor`` of
            each step, or None to skip it.
        seed: int seed of the layer's `SeedGenerator` (and of the steps').
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Transformation: a dict from step attribute name to that step's transformation.
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        value_range=(0, 255),
        brightness_factor=None,
        contrast_factor=None,
        saturation_factor=None,
        hue_factor=None,
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        self.seed = seed
        self.generator = random.SeedGenerator(seed)
        for argument, attribute, cls in _STEPS:
            factor = getattr(self, argument)
            step = (
                None if factor is None else cls(factor=factor, value_range=value_range, seed=seed)
            )
            setattr(self, attribute, step)

    def _steps(self):
        return [(name, getattr(self, name)) for _, name, _ in _STEPS if getattr(self, name)]

    def build(self, input_shape):
        for _, step in self._steps():
            step.build(input_shape)
        super().build(input_shape)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        seed = self._seed(seed)
        return {
            name: step.get_random_transformation(data, training=True, seed=seed)
            for name, step in self._steps()
        }

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images)
        if not training:
            return images
        images = images.astype(self.compute_dtype)
        for name, step in self._steps():
            images = step.transform_images(images, transformation[name], training=True)
        return images.astype(self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "value_range": self.value_range,
                "brightness_factor": self.brightness_factor,
                "contrast_factor": self.contrast_factor,
                "saturation_factor": self.saturation_factor,
                "hue_factor": self.hue_factor,
                "seed": self.seed,
            }
        )
        return config
