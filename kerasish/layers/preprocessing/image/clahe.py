"""`ContrastLimitedAdaptiveHistogramEqualization` (CLAHE): histogram equalization per tile,
with clipped histograms, blended bilinearly between neighbouring tiles."""

import functools

import jax
import jax.numpy as jnp

from kerasish.layers.preprocessing.image._pixels import rescale
from kerasish.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from kerasish.saving.serialization import keras_export

_LEVELS = 256


def _tile_tables(tiles, clip_limit, tile_pixels):
    """Equalization lookup tables ``(..., 256)`` of integer pixel tiles ``(..., tile_pixels)``."""
    counts = jax.vmap(lambda t: jnp.bincount(t, length=_LEVELS))(tiles.reshape(-1, tile_pixels))
    histograms = counts.reshape(*tiles.shape[:-1], _LEVELS).astype("float32")
    if clip_limit > 0:
        limit = jnp.asarray(clip_limit * tile_pixels / float(_LEVELS), "float32")
        clipped = jnp.clip(histograms, 0, limit)
        excess = jnp.sum(histograms - clipped, axis=-1, keepdims=True)
        histograms = clipped + excess / float(_LEVELS)
    cdf = jnp.cumsum(histograms, axis=-1)
    cdf_min = jnp.min(cdf, axis=-1, keepdims=True)
    denominator = jnp.asarray(tile_pixels, "float32") - cdf_min
    denominator = jnp.where(denominator == 0, jnp.ones_like(denominator), denominator)
    return jnp.clip((cdf - cdf_min) * 255.0 / denominator, 0, 255)


def _neighbours(length, tile, grid):
    """For each padded pixel row (or column): the two neighbouring tile indices (in the table
    grid with one replicated tile on each side) and the weight of the second."""
    centres = (jnp.arange(length, dtype="float32") - tile / 2.0) / tile + 1.0
    low = jnp.floor(centres)
    weight = centres - low
    low_index = jnp.clip(low, 0, grid + 1).astype("int32")
    high_index = jnp.clip(low + 1.0, 0, grid + 1).astype("int32")
    return low_index, high_index, weight


# Jitted as one program so that an eager call compiles once per image shape, not once per
# primitive; under an outer `jax.jit` it is inlined.
@functools.partial(jax.jit, static_argnames=("clip_limit", "tile_grid_size"))
def clahe(images, clip_limit, tile_grid_size):
    """CLAHE of a channels-last batch with values in ``[0, 255]``; float32 results."""
    batch, height, width, channels = images.shape
    grid_h, grid_w = tile_grid_size
    tile_h, tile_w = -(-height // grid_h), -(-width // grid_w)
    pad_h, pad_w = tile_h * grid_h - height, tile_w * grid_w - width
    padded = images
    if pad_h or pad_w:
        padded = jnp.pad(images, [(0, 0), (0, pad_h), (0, pad_w), (0, 0)], mode="symmetric")
    tiles = padded.reshape(batch, grid_h, tile_h, grid_w, tile_w, channels)
    tiles = tiles.transpose(0, 1, 3, 5, 2, 4).reshape(
        batch, grid_h, grid_w, channels, tile_h * tile_w
    )
    tiles = jnp.clip(tiles.astype("int32"), 0, _LEVELS - 1)
    tables = _tile_tables(tiles, clip_limit, tile_h * tile_w)
    # One replicated tile on each side, so border pixels blend with themselves.
    tables = jnp.pad(tables, [(0, 0), (1, 1), (1, 1), (0, 0), (0, 0)], mode="edge")

    y0, y1, wy = _neighbours(tile_h * grid_h, tile_h, grid_h)
    x0, x1, wx = _neighbours(tile_w * grid_w, tile_w, grid_w)
    pixels = jnp.clip(padded, 0, 255).astype("int32")
    b = jnp.arange(batch)[:, None, None, None]
    c = jnp.arange(channels)[None, None, None, :]
    y0, y1, wy = y0[None, :, None, None], y1[None, :, None, None], wy[None, :, None, None]
    x0, x1, wx = x0[None, None, :, None], x1[None, None, :, None], wx[None, None, :, None]
    top = tables[b, y0, x0, c, pixels] * (1.0 - wx) + tables[b, y0, x1, c, pixels] * wx
    bottom = tables[b, y1, x0, c, pixels] * (1.0 - wx) + tables[b, y1, x1, c, pixels] * wx
    result = top * (1.0 - wy) + bottom * wy
    return result[:, :height, :width, :]


@keras_export("keras.layers")
class ContrastLimitedAdaptiveHistogramEqualization(BaseImagePreprocessingLayer):
    """Contrast-limited adaptive histogram equalization (CLAHE) of each channel.

    Images are split into a ``tile_grid_size`` grid of tiles (padded by reflection when the
    size does not divide); each tile's 256-bin histogram is clipped at
    ``clip_limit * tile_pixels / 256`` (the excess spread over all bins; no clipping when
    ``clip_limit <= 0``) and equalized, and each pixel blends the tables of its four nearest
    tiles bilinearly. As in Keras it applies in training and at inference, and outputs keep
    the input dtype.

    Example:
    >>> layer = kerasish.layers.ContrastLimitedAdaptiveHistogramEqualization(
    ...     clip_limit=0, tile_grid_size=(1, 1))
    >>> layer(jnp.array([[[10.0], [20.0]], [[30.0], [40.0]]])).ravel().tolist()
    [63.75, 127.5, 191.25, 255.0]

    Arguments:
        value_range: ``(low, high)`` of the pixel values.
        clip_limit: the histogram clip level, relative to a flat histogram.
        tile_grid_size: ``(rows, columns)`` of tiles.
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        value_range=(0, 255),
        clip_limit=4.0,
        tile_grid_size=(8, 8),
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.clip_limit = clip_limit
        self.tile_grid_size = tile_grid_size

    def transform_images(self, images, transformation=None, training=True):
        images = jnp.asarray(images)
        channels_first = self.data_format == "channels_first"
        if channels_first:
            images = jnp.moveaxis(images, -3, -1)
        dtype = images.dtype
        images = rescale(images, self.value_range, (0, 255))
        images = clahe(images, self.clip_limit, tuple(self.tile_grid_size))
        images = rescale(images, (0, 255), self.value_range).astype(dtype)
        return jnp.moveaxis(images, -1, -3) if channels_first else images

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "value_range": self.value_range,
                "clip_limit": self.clip_limit,
                "tile_grid_size": self.tile_grid_size,
            }
        )
        return config
