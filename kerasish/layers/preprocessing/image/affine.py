"""Affine transforms shared by `RandomRotation`, `RandomZoom` and `RandomTranslation`.

A transform is Keras's 8-vector ``[a0, a1, a2, b0, b1, b2, c0, c1]``: output pixel
``(x, y)`` reads the input at ``(a0 x + a1 y + a2, b0 x + b1 y + b2)`` (``c0 = c1 = 0``
here), one vector per image. `warp` resamples a batch with `keras.ops.image.affine_transform`.
"""

import functools
import math

import jax
import jax.numpy as jnp

from kerasish import ops

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


def check_fill_mode_and_interpolation(fill_mode, interpolation):
    """Keras's `NotImplementedError` for the values its geometric layers do not take."""
    if fill_mode not in FILL_MODES:
        raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one {FILL_MODES}.")
    if interpolation not in INTERPOLATIONS:
        raise NotImplementedError(
            f"Unknown `interpolation` {interpolation}. Expected of one {INTERPOLATIONS}."
        )


def _projective_vector(a0, a1, a2, b0, b1, b2):
    columns = jnp.broadcast_arrays(a0, a1, a2, b0, b1, b2)
    zeros = jnp.zeros_like(columns[0])
    return jnp.stack([*columns, zeros, zeros], axis=-1)


def rotation_matrix(angle_degrees, height, width):
    """Transforms rotating each image by ``angle_degrees`` (shape ``(batch,)``) about its centre.

    Example:
    >>> rotation_matrix(jnp.array([180.0]), 5, 5).round(4).tolist()
    [[-1.0, 0.0, 4.0, 0.0, -1.0, 4.0, 0.0, 0.0]]
    """
    angle = angle_degrees * (math.pi / 180.0)
    center_x = 0.5 * (width - 1)
    center_y = 0.5 * (height - 1)
    cos, sin = jnp.cos(angle), jnp.sin(angle)
    return _projective_vector(
        cos,
        -sin,
        center_x - center_x * cos + center_y * sin,
        sin,
        cos,
        center_y - center_x * sin - center_y * cos,
    )


def zoom_matrix(zooms, height, width):
    """Transforms scaling by ``zooms[:, 0]`` horizontally and ``zooms[:, 1]`` vertically about
    the image centre (a zoom above 1 reads a larger area: the content shrinks)."""
    zoom_x, zoom_y = zooms[:, 0], zooms[:, 1]
    offset_x = (width - 1.0) / 2.0 * (1.0 - zoom_x)
    offset_y = (height - 1.0) / 2.0 * (1.0 - zoom_y)
    return _projective_vector(zoom_x, 0.0, offset_x, 0.0, zoom_y, offset_y)


def translation_matrix(translations):
    """Transforms shifting the content by ``translations[:, 0]`` pixels right and
    ``translations[:, 1]`` pixels down."""
    return _projective_vector(1.0, 0.0, -translations[:, 0], 0.0, 1.0, -translations[:, 1])


# Jitted as one program so that an eager call compiles once per image shape, not once per
# primitive of the resampling; under an outer `jax.jit` it is inlined.
@functools.partial(
    jax.jit, static_argnames=("interpolation", "fill_mode", "fill_value", "data_format")
)
def warp(images, transforms, interpolation, fill_mode, fill_value, data_format):
    """A batch of images resampled by one transform per image."""
    return ops.image.affine_transform(
        images,
        transforms,
        interpolation=interpolation,
        fill_mode=fill_mode,
        fill_value=fill_value,
        data_format=data_format,
    )
