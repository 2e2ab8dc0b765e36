"""Image preprocessing layers: `Rescaling`, `Resizing`, `CenterCrop`, and the augmentation
layers `RandomFlip`, `RandomRotation`, `RandomZoom`, `RandomTranslation`, `RandomContrast`,
`RandomBrightness`, `RandomCrop` (active when called with ``training=True``), and `AutoContrast`."""

from kerasish.layers.preprocessing.image.auto_contrast import AutoContrast
from kerasish.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from kerasish.layers.preprocessing.image.blur_sharpen import RandomGaussianBlur, RandomSharpness
from kerasish.layers.preprocessing.image.center_crop import CenterCrop
from kerasish.layers.preprocessing.image.clahe import ContrastLimitedAdaptiveHistogramEqualization
from kerasish.layers.preprocessing.image.color_mix import (
    RandomColorDegeneration,
    RandomGrayscale,
    RandomInvert,
)
from kerasish.layers.preprocessing.image.equalization import Equalization
from kerasish.layers.preprocessing.image.random_brightness import RandomBrightness
from kerasish.layers.preprocessing.image.random_color_jitter import RandomColorJitter
from kerasish.layers.preprocessing.image.random_contrast import RandomContrast
from kerasish.layers.preprocessing.image.random_crop import RandomCrop
from kerasish.layers.preprocessing.image.random_flip import RandomFlip
from kerasish.layers.preprocessing.image.random_hsv import RandomHue, RandomSaturation
from kerasish.layers.preprocessing.image.random_rotation import RandomRotation
from kerasish.layers.preprocessing.image.random_translation import RandomTranslation
from kerasish.layers.preprocessing.image.random_zoom import RandomZoom
from kerasish.layers.preprocessing.image.rescaling import Rescaling
from kerasish.layers.preprocessing.image.resizing import Resizing
from kerasish.layers.preprocessing.image.tone import RandomPosterization, Solarization

__all__ = [
    "AutoContrast",
    "BaseImagePreprocessingLayer",
    "CenterCrop",
    "ContrastLimitedAdaptiveHistogramEqualization",
    "Equalization",
    "RandomBrightness",
    "RandomColorDegeneration",
    "RandomColorJitter",
    "RandomContrast",
    "RandomCrop",
    "RandomFlip",
    "RandomGaussianBlur",
    "RandomGrayscale",
    "RandomHue",
    "RandomInvert",
    "RandomPosterization",
    "RandomRotation",
    "RandomSaturation",
    "RandomSharpness",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
    "Solarization",
]
