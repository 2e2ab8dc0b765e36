"""`keras.ops.image`: resizing, geometric transforms, colour conversions, filters and patches.

Images are rank 3 (one image) or rank 4 (a batch), laid out by ``data_format``
(default `keras.config.image_data_format()`). Resampling goes through `jax.image` and
`jax.scipy.ndimage.map_coordinates`.
"""

import jax
import jax.numpy as jnp
import numpy as np

from kerasish.backend.config import standardize_data_format
from kerasish.ops import nn
from kerasish.ops._dispatch import keras_op
from kerasish.ops.core import float_dtype, saturate_cast
from kerasish.random.seed_generator import draw_seed

_RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic")
_TRANSFORM_ORDERS = {"nearest": 0, "bilinear": 1}
_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def _images(images, ranks=(3, 4)):
    images = jnp.asarray(images)
    if images.ndim not in ranks:
        raise ValueError(
            "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
            f"Received input with shape: images.shape={images.shape}"
        )
    return images


def _check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected of one {set(choices)}. "
            f"Received: {name}={value}"
        )


def _as_batched_channels_last(images, data_format):
    """``images`` as NHWC, and a function that undoes the conversion."""
    unbatched = images.ndim == 3
    channels_first = standardize_data_format(data_format) == "channels_first"
    images = images[None] if unbatched else images
    images = jnp.moveaxis(images, 1, -1) if channels_first else images

    def restore(outputs):
        outputs = jnp.moveaxis(outputs, -1, 1) if channels_first else outputs
        return outputs[0] if unbatched else outputs

    return images, restore


# -- colour --------------------------------------------------------------------------------
def _channel_axis(data_format):
    return -1 if standardize_data_format(data_format) == "channels_last" else -3


@keras_op
def rgb_to_grayscale(images, data_format=None):
    """Luma (ITU-R 601 weights) of RGB images, keeping a channel axis of size 1."""
    images = _images(images)
    axis = _channel_axis(data_format)
    if images.shape[axis] not in (1, 3):
        raise ValueError(
            "Invalid channel size: expected 3 (RGB) or 1 (Grayscale). "
            f"Received input with shape: images.shape={images.shape}"
        )
    if images.shape[axis] == 1:
        return images
    dtype = float_dtype(images.dtype)
    weights = jnp.asarray([0.2989, 0.5870, 0.1140], dtype)
    gray = jnp.tensordot(images.astype(dtype), weights, axes=([images.ndim + axis], [0]))
    return jnp.expand_dims(gray, axis).astype(images.dtype)


def _float_images(images):
    images = _images(images)
    if not jnp.issubdtype(images.dtype, jnp.floating):
        raise ValueError(
            f"Invalid images dtype: expected float dtype. Received: images.dtype={images.dtype}"
        )
    return images


@keras_op
def rgb_to_hsv(images, data_format=None):
    """RGB images in ``[0, 1]`` to HSV (hue in ``[0, 1)``)."""
    images = _float_images(images)
    axis = _channel_axis(data_format)
    images = jnp.where(jnp.abs(images) < jnp.finfo(images.dtype).eps, 0.0, images)
    red, green, blue = jnp.unstack(images, axis=axis)
    value = jnp.maximum(jnp.maximum(red, green), blue)
    spread = value - jnp.minimum(jnp.minimum(red, green), blue)
    saturation = jnp.where(value > 0, spread / jnp.where(value > 0, value, 1.0), 0.0)
    norm = 1.0 / (6.0 * jnp.where(spread > 0, spread, 1.0))
    hue = jnp.where(
        value == green, norm * (blue - red) + 2.0 / 6.0, norm * (red - green) + 4.0 / 6.0
    )
    hue = jnp.where(value == red, norm * (green - blue), hue)
    hue = jnp.where(spread > 0, hue, 0.0) + (hue < 0.0).astype(hue.dtype)
    return jnp.stack([hue, saturation, value], axis=axis)


@keras_op
def hsv_to_rgb(images, data_format=None):
    """HSV images to RGB."""
    images = _float_images(images)
    axis = _channel_axis(data_format)
    hue, saturation, value = jnp.unstack(images, axis=axis)
    sector = jnp.mod(hue, 1.0) * 6.0
    red = jnp.clip(jnp.abs(sector - 3.0) - 1.0, 0.0, 1.0)
    green = jnp.clip(2.0 - jnp.abs(sector - 2.0), 0.0, 1.0)
    blue = jnp.clip(2.0 - jnp.abs(sector - 4.0), 0.0, 1.0)
    planes = [value * (1.0 - saturation + saturation * c) for c in (red, green, blue)]
    return jnp.stack(planes, axis=axis)


# -- resizing, padding, cropping -----------------------------------------------------------
def _aspect_box(height, width, target_height, target_width, grow):
    """Height and width of the centred box with the target aspect ratio (``grow``: pad)."""
    box_height = int(float(width * target_height) / target_width)
    box_width = int(float(height * target_width) / target_height)
    if grow:
        return max(height, box_height), max(width, box_width)
    return max(min(height, box_height), 1), max(min(width, box_width), 1)


@keras_op
def resize(
    images,
    size,
    interpolation="bilinear",
    antialias=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    fill_mode="constant",
    fill_value=0.0,
    data_format=None,
):
    """Images resized to ``size = (height, width)``, optionally cropped or padded to its aspect ratio."""
    _check_choice("interpolation", interpolation, _RESIZE_INTERPOLATIONS)
    _check_choice("fill_mode", fill_mode, ("constant",))
    if len(size) != 2 or size[0] <= 0 or size[1] <= 0:
        raise ValueError(
            f"Expected `size` to be a tuple of 2 positive integers. Received: size={size}"
        )
    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError(
            "Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`."
        )
    original = _images(images)
    images, restore = _as_batched_channels_last(original, data_format)
    height, width = images.shape[1:3]
    if crop_to_aspect_ratio or pad_to_aspect_ratio:
        box_height, box_width = _aspect_box(height, width, *size, grow=pad_to_aspect_ratio)
        if pad_to_aspect_ratio:
            # Keras pads one direction only, by the same amount on both sides.
            top, left = (box_height - height) // 2, (box_width - width) // 2
            pads = ((top, top), (0, 0)) if top > 0 else ((0, 0), (left, left))
            images = jnp.pad(images, ((0, 0), *pads, (0, 0)), constant_values=fill_value)
        else:
            top, left = (height - box_height) // 2, (width - box_width) // 2
            images = images[:, top : top + box_height, left : left + box_width]
    shape = (images.shape[0], *size, images.shape[-1])
    resized = jax.image.resize(images, shape, method=interpolation, antialias=antialias)
    if resized.dtype != original.dtype:
        if jnp.issubdtype(original.dtype, jnp.integer):
            resized = jnp.round(resized)
        resized = saturate_cast(resized, original.dtype)
    return restore(resized)


def _validate_box_args(names, values):
    first, second, target = values
    if [first, second, target].count(None) != 1:
        raise ValueError(
            f"Must specify exactly two of {', '.join(names)}. Received: "
            + ", ".join(f"{n}={v}" for n, v in zip(names, values))
        )
    for name, value in zip(names, values):
        if value is not None and value < 0:
            raise ValueError(f"{name} must be >= 0. Received: {name}={value}")


def _require_non_negative(**values):
    for name, value in values.items():
        if value < 0:
            raise ValueError(f"{name} must be >= 0. Received: {name}={value}")


@keras_op
def pad_images(
    images,
    top_padding=None,
    left_padding=None,
    bottom_padding=None,
    right_padding=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    """Images zero-padded; give two of (top, bottom, target height) and likewise for width."""
    _validate_box_args(
        ("top_padding", "bottom_padding", "target_height"),
        (top_padding, bottom_padding, target_height),
    )
    _validate_box_args(
        ("left_padding", "right_padding", "target_width"),
        (left_padding, right_padding, target_width),
    )
    original = _images(images)
    images, restore = _as_batched_channels_last(original, data_format)
    height, width = images.shape[1:3]
    top = target_height - bottom_padding - height if top_padding is None else top_padding
    bottom = target_height - top - height if bottom_padding is None else bottom_padding
    left = target_width - right_padding - width if left_padding is None else left_padding
    right = target_width - left - width if right_padding is None else right_padding
    _require_non_negative(
        top_padding=top, bottom_padding=bottom, left_padding=left, right_padding=right
    )
    return restore(jnp.pad(images, ((0, 0), (top, bottom), (left, right), (0, 0))))


@keras_op
def crop_images(
    images,
    top_cropping=None,
    left_cropping=None,
    bottom_cropping=None,
    right_cropping=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    """Images cropped; give two of (top, bottom, target height) and likewise for width."""
    _validate_box_args(
        ("top_cropping", "bottom_cropping", "target_height"),
        (top_cropping, bottom_cropping, target_height),
    )
    _validate_box_args(
        ("left_cropping", "right_cropping", "target_width"),
        (left_cropping, right_cropping, target_width),
    )
    original = _images(images)
    images, restore = _as_batched_channels_last(original, data_format)
    height, width = images.shape[1:3]
    top = height - target_height - bottom_cropping if top_cropping is None else top_cropping
    target_height = height - bottom_cropping - top if target_height is None else target_height
    left = width - target_width - right_cropping if left_cropping is None else left_cropping
    target_width = width - right_cropping - left if target_width is None else target_width
    _require_non_negative(
        top_cropping=top, target_height=target_height, left_cropping=left, target_width=target_width
    )
    return restore(images[:, top : top + target_height, left : left + target_width])


# -- geometric transforms ------------------------------------------------------------------
def _sample(image, rows, cols, order, fill_mode, fill_value):
    """An HWC ``image`` sampled at ``(rows, cols)`` for every channel."""
    channels = jnp.arange(image.shape[-1], dtype=rows.dtype)
    grid = jnp.broadcast_arrays(rows[..., None], cols[..., None], channels)
    return jax.scipy.ndimage.map_coordinates(image, grid, order, mode=fill_mode, cval=fill_value)


@keras_op
def affine_transform(
    images,
    transform,
    interpolation="bilinear",
    fill_mode="constant",
    fill_value=0,
    data_format=None,
):
    """Images resampled by projective transforms ``[a0, a1, a2, b0, b1, b2, c0, c1]``.

    Each output point ``(x, y)`` reads the input at
    ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`` with ``k = c0 x + c1 y + 1``.
    """
    _check_choice("interpolation", interpolation, _TRANSFORM_ORDERS)
    _check_choice("fill_mode", fill_mode, _FILL_MODES)
    transform = jnp.asarray(transform)
    if transform.ndim not in (1, 2):
        raise ValueError(
            "Invalid transform rank: expected rank 1 (single transform) or rank 2 (batch of "
            f"transforms). Received input with shape: transform.shape={transform.shape}"
        )
    images, restore = _as_batched_channels_last(_images(images), data_format)
    transform = jnp.broadcast_to(transform, (images.shape[0], 8))
    rows, cols = jnp.meshgrid(
        *(jnp.arange(n, dtype=transform.dtype) for n in images.shape[1:3]), indexing="ij"
    )

    def warp(image, t):
        k = t[6] * cols + t[7] * rows + 1.0
        source_cols = (t[0] * cols + t[1] * rows + t[2]) / k
        source_rows = (t[3] * cols + t[4] * rows + t[5]) / k
        order = _TRANSFORM_ORDERS[interpolation]
        return _sample(image, source_rows, source_cols, order, fill_mode, fill_value)

    return restore(jax.vmap(warp)(images, transform))


def _homographies(start_points, end_points):
    """The 8 projective coefficients mapping ``end_points`` onto ``start_points``."""
    (sx, sy), (ex, ey) = jnp.moveaxis(start_points, -1, 0), jnp.moveaxis(end_points, -1, 0)
    zeros, ones = jnp.zeros_like(ex), jnp.ones_like(ex)
    x_rows = jnp.stack([ex, ey, ones, zeros, zeros, zeros, -sx * ex, -sx * ey], axis=-1)
    y_rows = jnp.stack([zeros, zeros, zeros, ex, ey, ones, -sy * ex, -sy * ey], axis=-1)
    matrix = jnp.concatenate([x_rows, y_rows], axis=-2)
    targets = jnp.concatenate([sx, sy], axis=-1)[..., None]
    return jnp.linalg.solve(matrix, targets)[..., 0]


@keras_op
def perspective_transform(
    images, start_points, end_points, interpolation="bilinear", fill_value=0, data_format=None
):
    """Images warped so that the 4 ``start_points`` land on the 4 ``end_points`` (``(x, y)``)."""
    _check_choice("interpolation", interpolation, _TRANSFORM_ORDERS)
    start_points, end_points = jnp.asarray(start_points), jnp.asarray(end_points)
    for name, points in (("start_points", start_points), ("end_points", end_points)):
        if points.shape[-2:] != (4, 2) or points.ndim not in (2, 3):
            raise ValueError(
                f"Invalid {name} shape: expected (4,2) for a single image or (N,4,2) for a "
                f"batch. Received shape: {points.shape}"
            )
    images, restore = _as_batched_channels_last(_images(images), data_format)
    batch_shape = (images.shape[0], 4, 2)
    transforms = _homographies(
        jnp.broadcast_to(start_points.astype("float32"), batch_shape),
        jnp.broadcast_to(end_points.astype("float32"), batch_shape),
    )
    rows, cols = jnp.meshgrid(
        *(jnp.arange(n, dtype="float32") for n in images.shape[1:3]), indexing="ij"
    )

    def warp(image, t):
        k = t[6] * cols + t[7] * rows + 1.0
        source_cols = (t[0] * cols + t[1] * rows + t[2]) / k
        source_rows = (t[3] * cols + t[4] * rows + t[5]) / k
        order = _TRANSFORM_ORDERS[interpolation]
        return _sample(image, source_rows, source_cols, order, "constant", fill_value)

    return restore(jax.vmap(warp)(images, transforms))


@keras_op
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """``inputs`` interpolated (``order`` 0 or 1) at ``coordinates`` (one row per input axis)."""
    inputs, coordinates = jnp.asarray(inputs), jnp.asarray(coordinates)
    if coordinates.shape[0] != inputs.ndim:
        raise ValueError(
            "First dim of `coordinates` must be the same as the rank of `inputs`. Received "
            f"inputs with shape: {inputs.shape} and coordinate leading dim of {coordinates.shape[0]}"
        )
    if coordinates.ndim < 2:
        raise ValueError(
            f"Invalid coordinates rank: expected at least rank 2. Received input with shape: {coordinates.shape}"
        )
    _check_choice("fill_mode", fill_mode, _FILL_MODES)
    _check_choice("order", order, (0, 1))
    return jax.scipy.ndimage.map_coordinates(inputs, coordinates, order, fill_mode, fill_value)


@keras_op
def scale_and_translate(
    images, output_shape, scale, translation, spatial_dims, method, antialias=True
):
    """`jax.image.scale_and_translate` of ``images``."""
    methods = (
        "linear",
        "bilinear",
        "trilinear",
        "cubic",
        "bicubic",
        "tricubic",
        "lanczos3",
        "lanczos5",
    )
    _check_choice("method", method, methods)
    return jax.image.scale_and_translate(
        jnp.asarray(images),
        output_shape,
        spatial_dims,
        jnp.asarray(scale),
        jnp.asarray(translation),
        method,
        antialias,
    )


# -- filters -------------------------------------------------------------------------------
def _gaussian(size, sigma, dtype):
    offsets = jnp.arange(size, dtype=dtype) - jnp.asarray((size - 1) / 2, dtype)
    weights = jnp.exp(-0.5 * (offsets / sigma) ** 2)
    return weights / jnp.sum(weights)


def _depthwise_same(images, kernel_2d):
    """Each channel of NHWC ``images`` correlated with ``kernel_2d``, "same" padding."""
    channels = images.shape[-1]
    kernel = jnp.broadcast_to(kernel_2d[:, :, None, None], (*kernel_2d.shape, channels, 1))
    return nn.depthwise_conv(images, kernel, padding="same", data_format="channels_last")


@keras_op
def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Images blurred by a Gaussian kernel (``kernel_size``/``sigma`` pairs are (x, y), as Keras)."""
    images = _images(images)
    sigma = jnp.asarray(sigma, images.dtype)
    # Keras builds the kernel from the outer product (y weights) x (x weights).
    kernel = jnp.outer(
        _gaussian(kernel_size[1], sigma[1], images.dtype),
        _gaussian(kernel_size[0], sigma[0], images.dtype),
    )
    images, restore = _as_batched_channels_last(images, data_format)
    return restore(_depthwise_same(images, kernel))


@keras_op
def sobel_edges(images, data_format=None):
    """Sobel gradients of a batch of images, stacked on a new last axis as ``(dy, dx)``."""
    images, restore = _as_batched_channels_last(_images(images, ranks=(4,)), data_format)
    sobel_x = jnp.asarray([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], images.dtype)
    edges = [restore(_depthwise_same(images, kernel)) for kernel in (sobel_x.T, sobel_x)]
    return jnp.stack(edges, axis=-1)


@keras_op
def elastic_transform(
    images,
    alpha=20.0,
    sigma=5.0,
    interpolation="bilinear",
    fill_mode="reflect",
    fill_value=0.0,
    seed=None,
    data_format=None,
):
    """Images displaced by a random, Gaussian-smoothed field of strength ``alpha``."""
    _check_choice("interpolation", interpolation, _TRANSFORM_ORDERS)
    _check_choice("fill_mode", fill_mode, _FILL_MODES)
    original = _images(images)
    images, restore = _as_batched_channels_last(original, data_format)
    batch, height, width, _ = images.shape
    kernel_size = int(6 * sigma) | 1  # needs a concrete sigma: it sets the kernel's shape
    sigma = jnp.asarray(sigma)
    # Keras draws both displacement fields from the same key, so they are equal.
    noise = jax.random.normal(draw_seed(seed), (batch, height, width), original.dtype) * sigma
    kernel = jnp.outer(*[_gaussian(kernel_size, sigma, noise.dtype)] * 2)
    displacement = alpha * _depthwise_same(noise[..., None], kernel)[..., 0]
    rows, cols = jnp.meshgrid(jnp.arange(height), jnp.arange(width), indexing="ij")

    def warp(image, shift):
        order = _TRANSFORM_ORDERS[interpolation]
        return _sample(image, rows + shift, cols + shift, order, fill_mode, fill_value)

    return restore(jax.vmap(warp)(images, displacement)).astype(original.dtype)


@keras_op
def ssim(
    image1,
    image2,
    max_val=1.0,
    filter_size=11,
    filter_sigma=1.5,
    k1=0.01,
    k2=0.03,
    data_format=None,
):
    """Structural similarity of two images (per image, averaged over channels)."""
    image1, image2 = _images(image1), _images(image2)
    original_dtype, unbatched = image1.dtype, image1.ndim == 3
    dtype = float_dtype(image1.dtype)
    image1, _ = _as_batched_channels_last(image1.astype(dtype), data_format)
    image2, _ = _as_batched_channels_last(image2.astype(dtype), data_format)
    offsets = jnp.arange(filter_size, dtype=dtype) - (filter_size - 1) / 2.0
    weights = jnp.exp(-(offsets**2) / (2.0 * filter_sigma**2))
    weights = weights / jnp.sum(weights)
    kernel = jnp.broadcast_to(
        jnp.outer(weights, weights)[..., None, None],
        (filter_size, filter_size, image1.shape[-1], 1),
    )

    def local_mean(x):
        return nn.depthwise_conv(x, kernel, padding="valid", data_format="channels_last")

    mu1, mu2 = local_mean(image1), local_mean(image2)
    sigma1 = local_mean(image1 * image1) - mu1 * mu1
    sigma2 = local_mean(image2 * image2) - mu2 * mu2
    sigma12 = local_mean(image1 * image2) - mu1 * mu2
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    numerator = (2.0 * mu1 * mu2 + c1) * (2.0 * sigma12 + c2)
    denominator = (mu1 * mu1 + mu2 * mu2 + c1) * (sigma1 + sigma2 + c2)
    per_image = jnp.mean(numerator / denominator, axis=(1, 2, 3))
    return (per_image[0] if unbatched else per_image).astype(original_dtype)


# -- patches ---------------------------------------------------------------------------------
def _patches(images, size, strides, dilation_rate, padding, data_format, num_spatial_dims):
    """Patches as channels, via a convolution with an identity kernel (features: spatial, C)."""
    data_format = standardize_data_format(data_format)
    size = (size,) * num_spatial_dims if isinstance(size, int) else tuple(size)
    unbatched = images.ndim == num_spatial_dims + 1
    images = images[None] if unbatched else images
    channels = images.shape[-1] if data_format == "channels_last" else images.shape[1]
    features = int(np.prod(size)) * channels
    kernel = jnp.eye(features, dtype=images.dtype).reshape(*size, channels, features)
    patches = nn.conv(images, kernel, strides or size, padding, data_format, dilation_rate)
    return patches[0] if unbatched else patches


@keras_op
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Image patches of ``size`` (2 or 3 dims), each flattened into the channel axis."""
    if not isinstance(size, int) and len(size) not in (2, 3):
        raise ValueError(
            f"Invalid `size` argument. Expected a tuple of length 2 or 3. Received: size={size}"
        )
    num_spatial_dims = 3 if not isinstance(size, int) and len(size) == 3 else 2
    return _patches(
        jnp.asarray(images), size, strides, dilation_rate, padding, data_format, num_spatial_dims
    )


@keras_op
def extract_patches_3d(
    volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None
):
    """Volume patches of ``size``, each flattened into the channel axis."""
    return _patches(jnp.asarray(volumes), size, strides, dilation_rate, padding, data_format, 3)
