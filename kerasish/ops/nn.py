"""`keras.ops.nn`: activations, convolutions, pooling, losses, normalization and attention.

Convolutions and pooling take Keras's ``data_format`` (``"channels_last"`` or
``"channels_first"``, default `keras.config.image_data_format()`) and ``padding``
(``"valid"`` or ``"same"``); kernels are laid out as Keras lays them out:
``(*spatial, in_channels, out_channels)``, and ``(*spatial, out_channels, in_channels)``
for `conv_transpose`.
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax import lax

from kerasish.backend.config import epsilon as default_epsilon
from kerasish.backend.config import floatx, standardize_data_format
from kerasish.ops._dispatch import keras_op
from kerasish.ops.core import at_least_float32, named_op, result_dtype, to_dtype_name


def _activation(name, function, doc):
    def op(x):
        return function(jnp.asarray(x))

    return named_op(op, name, doc)


# -- activations -------------------------------------------------------------------------
relu = _activation("relu", jax.nn.relu, "``max(x, 0)``.")
relu6 = _activation("relu6", jax.nn.relu6, "``min(max(x, 0), 6)``.")
sigmoid = _activation("sigmoid", jax.nn.sigmoid, "``1 / (1 + exp(-x))``.")
sparse_sigmoid = _activation("sparse_sigmoid", jax.nn.sparse_sigmoid, "Piecewise-linear sigmoid.")
softplus = _activation("softplus", jax.nn.softplus, "``log(1 + exp(x))``.")
softsign = _activation("softsign", jax.nn.soft_sign, "``x / (1 + |x|)``.")
sparse_plus = _activation("sparse_plus", jax.nn.sparse_plus, "Smooth piecewise ReLU.")
silu = _activation("silu", jax.nn.silu, "``x * sigmoid(x)``.")
swish = _activation("swish", jax.nn.silu, "``x * sigmoid(x)`` (alias of `silu`).")
log_sigmoid = _activation("log_sigmoid", jax.nn.log_sigmoid, "``log(sigmoid(x))``.")
hard_sigmoid = _activation("hard_sigmoid", jax.nn.hard_sigmoid, "``relu6(x + 3) / 6``.")
hard_silu = _activation("hard_silu", jax.nn.hard_silu, "``x * hard_sigmoid(x)``.")
hard_swish = _activation("hard_swish", jax.nn.hard_silu, "Alias of `hard_silu`.")
hard_tanh = _activation("hard_tanh", jax.nn.hard_tanh, "``clip(x, -1, 1)``.")
selu = _activation("selu", jax.nn.selu, "Scaled exponential linear unit.")
tanh_shrink = _activation("tanh_shrink", lambda x: x - jnp.tanh(x), "``x - tanh(x)``.")


@keras_op
def leaky_relu(x, negative_slope=0.2):
    """``x`` for positive values, ``negative_slope * x`` otherwise."""
    return jax.nn.leaky_relu(jnp.asarray(x), negative_slope=negative_slope)


@keras_op
def elu(x, alpha=1.0):
    """Exponential linear unit."""
    return jax.nn.elu(jnp.asarray(x), alpha=alpha)


@keras_op
def celu(x, alpha=1.0):
    """Continuously differentiable exponential linear unit."""
    return jax.nn.celu(jnp.asarray(x), alpha=alpha)


@keras_op
def gelu(x, approximate=True):
    """Gaussian error linear unit (tanh approximation by default, as Keras)."""
    return jax.nn.gelu(jnp.asarray(x), approximate)


@keras_op
def glu(x, axis=-1):
    """Gated linear unit: first half of ``axis`` times the sigmoid of the second half."""
    return jax.nn.glu(jnp.asarray(x), axis=axis)


@keras_op
def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``."""
    return jax.nn.squareplus(jnp.asarray(x), b=b)


@keras_op
def soft_shrink(x, threshold=0.5):
    """Values shrunk towards zero by ``threshold``, zero inside ``[-threshold, threshold]``."""
    x = jnp.asarray(x)
    return jnp.where(x > threshold, x - threshold, jnp.where(x < -threshold, x + threshold, 0.0))


@keras_op
def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else zero."""
    x = jnp.asarray(x)
    return jnp.where(jnp.abs(x) > threshold, x, 0.0)


@keras_op
def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    x = jnp.asarray(x)
    return jnp.where(x > threshold, x, default_value)


@keras_op
def softmax(x, axis=-1):
    """Softmax over ``axis`` (an int or a tuple of axes)."""
    return jax.nn.softmax(jnp.asarray(x), axis=axis)


@keras_op
def log_softmax(x, axis=-1):
    """Log-softmax over ``axis`` (an int or a tuple of axes)."""
    return jax.nn.log_softmax(jnp.asarray(x), axis=axis)


@keras_op
def sparsemax(x, axis=-1):
    """Euclidean projection of ``x`` onto the probability simplex along ``axis``."""
    x = jnp.asarray(x)
    descending = -jnp.sort(-x, axis=axis)
    cumulative = jnp.cumsum(descending, axis=axis)
    rank_shape = [1] * x.ndim
    rank_shape[axis] = -1
    ranks = jnp.arange(1, x.shape[axis] + 1).reshape(rank_shape)
    in_support = descending - (cumulative - 1) / ranks > 0
    support_size = jnp.sum(in_support, axis=axis, keepdims=True)
    support_sum = jnp.sum(jnp.where(in_support, cumulative, 0.0), axis=axis, keepdims=True)
    tau = (support_sum - 1) / support_size
    return jnp.maximum(x - tau, 0.0)


@keras_op
def polar(abs_, angle):
    """The complex numbers of magnitude ``abs_`` and phase ``angle``."""
    abs_, angle = jnp.asarray(abs_), jnp.asarray(angle)
    return lax.complex(abs_ * jnp.cos(angle), abs_ * jnp.sin(angle))


# -- convolution -------------------------------------------------------------------------
def _spatial(value, num_spatial_dims):
    """An int or sequence argument as one value per spatial dim."""
    return (value,) * num_spatial_dims if isinstance(value, int) else tuple(value)


def _dimension_numbers(num_spatial_dims, data_format):
    """`lax` layouts for Keras inputs and ``(*spatial, in, out)`` kernels."""
    spatial = tuple(range(num_spatial_dims))
    if data_format == "channels_last":
        inputs = (0, num_spatial_dims + 1, *range(1, num_spatial_dims + 1))
    else:
        inputs = (0, 1, *range(2, num_spatial_dims + 2))
    kernel = (num_spatial_dims + 1, num_spatial_dims, *spatial)
    return lax.ConvDimensionNumbers(lhs_spec=inputs, rhs_spec=kernel, out_spec=inputs)


def _channels(inputs, data_format):
    return inputs.shape[-1] if data_format == "channels_last" else inputs.shape[1]


def _padding(padding):
    padding = padding.lower()
    if padding not in ("valid", "same"):
        raise ValueError(f"Invalid padding '{padding}', must be 'same' or 'valid'.")
    return padding.upper()


def _convolve(inputs, kernel, strides, padding, data_format, dilation_rate, groups):
    num_spatial_dims = inputs.ndim - 2
    outputs = lax.conv_general_dilated(
        inputs,
        kernel,
        _spatial(strides, num_spatial_dims),
        _padding(padding),
        rhs_dilation=_spatial(dilation_rate, num_spatial_dims),
        dimension_numbers=_dimension_numbers(num_spatial_dims, data_format),
        feature_group_count=groups,
    )
    if outputs.size == 0 and inputs.size != 0:
        raise ValueError(
            "The convolution operation resulted in an empty output. This can happen if the "
            "input is too small for the given kernel size, strides, dilation rate, and padding "
            f"mode. Received: inputs.shape={inputs.shape}, kernel.shape={kernel.shape}"
        )
    return outputs


@keras_op
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution; more input channels than kernel in-channels means grouped conv."""
    data_format = standardize_data_format(data_format)
    kernel = jnp.asarray(kernel)
    inputs = jnp.asarray(inputs, kernel.dtype)
    channels = _channels(inputs, data_format)
    if channels % kernel.shape[-2]:
        raise ValueError(
            "The number of input channels must be evenly divisible by kernel's in_channels. "
            f"Received input channels {channels} and kernel in_channels {kernel.shape[-2]}. "
        )
    groups = channels // kernel.shape[-2]
    return _convolve(inputs, kernel, strides, padding, data_format, dilation_rate, groups)


@keras_op
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution; ``kernel`` is ``(*spatial, in_channels, multiplier)``."""
    data_format = standardize_data_format(data_format)
    inputs, kernel = jnp.asarray(inputs), jnp.asarray(kernel)
    channels = _channels(inputs, data_format)
    kernel = jnp.reshape(kernel, (*kernel.shape[:-2], 1, channels * kernel.shape[-1]))
    return _convolve(inputs, kernel, strides, padding, data_format, dilation_rate, channels)


@keras_op
def separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
    """A depthwise convolution followed by a pointwise (1x1) convolution."""
    data_format = standardize_data_format(data_format)
    depthwise = depthwise_conv(
        inputs, depthwise_kernel, strides, padding, data_format, dilation_rate
    )
    return conv(depthwise, pointwise_kernel, 1, "valid", data_format, dilation_rate)


def _transpose_padding(kernel_size, stride, dilation, padding, output_padding):
    """`lax.conv_transpose` (left, right) padding giving Keras's output length."""
    span = (kernel_size - 1) * dilation + 1
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return span - 1, span - 1 + extra
    if output_padding is None:
        total = stride + span - 2  # output length = input * stride
    else:
        total = span + span % 2 - 2 + output_padding
    left = min((total + 1) // 2, span - 1)
    return left, total - left


@keras_op
def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    """Transposed convolution; ``kernel`` is ``(*spatial, out_channels, in_channels)``."""
    data_format = standardize_data_format(data_format)
    inputs, kernel = jnp.asarray(inputs), jnp.asarray(kernel)
    num_spatial_dims = inputs.ndim - 2
    strides = _spatial(strides, num_spatial_dims)
    dilation_rate = _spatial(dilation_rate, num_spatial_dims)
    if output_padding is None or isinstance(output_padding, int):
        output_padding = (output_padding,) * num_spatial_dims
    pads = [
        _transpose_padding(size, stride, dilation, _padding(padding).lower(), extra)
        for size, stride, dilation, extra in zip(
            kernel.shape[:-2], strides, dilation_rate, output_padding
        )
    ]
    return lax.conv_transpose(
        inputs,
        kernel,
        strides,
        pads,
        rhs_dilation=dilation_rate,
        dimension_numbers=_dimension_numbers(num_spatial_dims, data_format),
        transpose_kernel=True,
    )


# -- pooling -----------------------------------------------------------------------------
def _window(inputs, pool_size, strides, data_format):
    """Full-rank window and stride tuples (1 on the batch and channel axes)."""
    num_spatial_dims = inputs.ndim - 2
    pool_size = _spatial(pool_size, num_spatial_dims)
    strides = pool_size if strides is None else _spatial(strides, num_spatial_dims)
    if data_format == "channels_last":
        return (1, *pool_size, 1), (1, *strides, 1)
    return (1, 1, *pool_size), (1, 1, *strides)


@keras_op
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over the spatial axes."""
    inputs = jnp.asarray(inputs)
    window, strides = _window(inputs, pool_size, strides, standardize_data_format(data_format))
    lowest = -jnp.inf if jnp.issubdtype(inputs.dtype, jnp.inexact) else jnp.iinfo(inputs.dtype).min
    return lax.reduce_window(inputs, lowest, lax.max, window, strides, _padding(padding))


@keras_op
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling; with ``"same"`` padding, each window averages its valid entries only."""
    inputs = jnp.asarray(inputs)
    window, strides = _window(inputs, pool_size, strides, standardize_data_format(data_format))
    padding = _padding(padding)
    sums = lax.reduce_window(inputs, 0.0, lax.add, window, strides, padding)
    if padding == "VALID":
        return sums / np.prod(window)
    ones = jnp.ones([1 if w == 1 else d for d, w in zip(inputs.shape, window)], inputs.dtype)
    return sums / lax.reduce_window(ones, 0.0, lax.add, window, strides, padding)


def _adaptive_windows(input_size, output_size):
    """``(output_size, input_size)`` membership of inputs in PyTorch-style adaptive windows."""
    starts = np.floor(np.arange(output_size) * input_size / output_size).astype(int)
    ends = np.ceil(np.arange(1, output_size + 1) * input_size / output_size).astype(int)
    positions = np.arange(input_size)
    return (positions >= starts[:, None]) & (positions < ends[:, None])


def _adaptive_pool(inputs, output_size, data_format, reduce_axis):
    data_format = standardize_data_format(data_format)
    inputs = jnp.asarray(inputs)
    num_spatial_dims = inputs.ndim - 2
    if num_spatial_dims not in (1, 2, 3):
        raise ValueError("adaptive pooling supports only 1D/2D/3D inputs")
    first = 1 if data_format == "channels_last" else 2
    for i, size in enumerate(_spatial(output_size, num_spatial_dims)):
        axis = first + i
        membership = _adaptive_windows(inputs.shape[axis], size)
        inputs = jnp.moveaxis(reduce_axis(jnp.moveaxis(inputs, axis, -1), membership), -1, axis)
    return inputs


def _windowed_mean(x, membership):
    return (x @ membership.T.astype(x.dtype)) / membership.sum(axis=1).astype(x.dtype)


def _windowed_max(x, membership):
    return jnp.max(jnp.where(membership, x[..., None, :], -jnp.inf), axis=-1)


@keras_op
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed ``output_size``, with PyTorch-style window bounds."""
    return _adaptive_pool(inputs, output_size, data_format, _windowed_mean)


@keras_op
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed ``output_size``, with PyTorch-style window bounds."""
    return _adaptive_pool(inputs, output_size, data_format, _windowed_max)


# -- patches and pixel shuffles ----------------------------------------------------------
def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


@keras_op
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding ``(N, C, H, W)`` blocks as ``(N, C * kh * kw, blocks)`` (PyTorch's Unfold)."""
    x = jnp.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"Input must be a 4D tensor. Received: input.shape={x.shape}")
    pad_h, pad_w = _pair(padding)
    x = jnp.pad(x, ((0, 0), (0, 0), (pad_h, pad_h), (pad_w, pad_w)))
    patches = lax.conv_general_dilated_patches(
        x,
        _pair(kernel_size),
        _pair(stride),
        "VALID",
        rhs_dilation=_pair(dilation),
        dimension_numbers=("NCHW", "OIHW", "NCHW"),
    )
    return jnp.reshape(patches, (*patches.shape[:2], -1))


@keras_op
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sums ``(N, C * kh * kw, blocks)`` blocks back into ``(N, C, H, W)`` (the adjoint of unfold)."""
    x = jnp.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"Input must be a 3D tensor. Received: input.shape={x.shape}")
    kernel_h, kernel_w = _pair(kernel_size)
    image_shape = (x.shape[0], x.shape[1] // (kernel_h * kernel_w), *_pair(output_size))
    image = jax.ShapeDtypeStruct(image_shape, x.dtype)
    (folded,) = jax.linear_transpose(
        lambda image: unfold(image, kernel_size, dilation, padding, stride), image
    )(x)
    return folded


def _block_layout(data_format):
    return "NHWC" if standardize_data_format(data_format) == "channels_last" else "NCHW"


@keras_op
def depth_to_space(x, block_size, data_format="channels_last"):
    """Moves channel blocks into ``block_size x block_size`` spatial blocks (pixel shuffle)."""
    if block_size < 2:
        raise ValueError(f"`block_size` must be at least 2. Received: block_size={block_size}")
    x = jnp.asarray(x)
    if _block_layout(data_format) == "NHWC":
        n, h, w, c = x.shape
        x = jnp.reshape(x, (n, h, w, block_size, block_size, c // block_size**2))
        return jnp.reshape(x.transpose(0, 1, 3, 2, 4, 5), (n, h * block_size, w * block_size, -1))
    n, c, h, w = x.shape
    x = jnp.reshape(x, (n, c // block_size**2, block_size, block_size, h, w))
    return jnp.reshape(x.transpose(0, 1, 4, 2, 5, 3), (n, -1, h * block_size, w * block_size))


@keras_op
def space_to_depth(x, block_size, data_format="channels_last"):
    """Moves ``block_size x block_size`` spatial blocks into channels (pixel unshuffle)."""
    if block_size < 2:
        raise ValueError(f"`block_size` must be at least 2. Received: block_size={block_size}")
    x = jnp.asarray(x)
    if _block_layout(data_format) == "NHWC":
        n, h, w, c = x.shape
        x = jnp.reshape(x, (n, h // block_size, block_size, w // block_size, block_size, c))
        return jnp.reshape(x.transpose(0, 1, 3, 2, 4, 5), (n, h // block_size, w // block_size, -1))
    n, c, h, w = x.shape
    x = jnp.reshape(x, (n, c, h // block_size, block_size, w // block_size, block_size))
    return jnp.reshape(x.transpose(0, 1, 3, 5, 2, 4), (n, -1, h // block_size, w // block_size))


# -- encodings ---------------------------------------------------------------------------
def _no_sparse(sparse):
    if sparse:
        raise NotImplementedError("`sparse=True` is not supported: kerasish has no sparse tensors.")


@keras_op
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encoding of integer ``x`` on a new ``axis`` (floatx by default)."""
    _no_sparse(sparse)
    dtype = to_dtype_name(dtype or floatx())
    return jax.nn.one_hot(jnp.asarray(x), num_classes, axis=axis, dtype=dtype)


@keras_op
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encoding: the one-hot encodings of each row's integers, OR-ed together."""
    _no_sparse(sparse)
    num_classes = kwargs.pop("num_tokens", None) if num_classes is None else num_classes
    if num_classes is None:
        raise ValueError("Argument `num_classes` must be specified.")
    inputs = jnp.asarray(inputs)
    reduction_axis = 1 if inputs.ndim > 1 else 0
    encoded = one_hot(inputs.astype("int32"), num_classes, axis=axis, dtype=dtype)
    return jnp.max(encoded, axis=reduction_axis)


# -- losses ------------------------------------------------------------------------------
def _log_probabilities(output, from_logits, axis):
    if from_logits:
        return jax.nn.log_softmax(output, axis=axis)
    output = output / jnp.sum(output, axis, keepdims=True)
    return jnp.log(jnp.clip(output, default_epsilon(), 1.0 - default_epsilon()))


@keras_op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between one-hot (or soft) ``target`` and ``output`` along ``axis``."""
    target, output = jnp.asarray(target), jnp.asarray(output)
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={target.shape}, output.shape={output.shape}"
        )
    if target.ndim < 1:
        raise ValueError(
            "Arguments `target` and `output` must be at least rank 1. "
            f"Received: target.shape={target.shape}, output.shape={output.shape}"
        )
    return -jnp.sum(target * _log_probabilities(output, from_logits, axis), axis=axis)


@keras_op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between integer class ``target`` and ``output`` along ``axis``."""
    target, output = jnp.asarray(target, "int32"), jnp.asarray(output)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = jnp.squeeze(target, axis=-1)
    if output.ndim < 1:
        raise ValueError(
            f"Argument `output` must be at least rank 1. Received: output.shape={output.shape}"
        )
    if target.shape != output.shape[:-1]:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up until the last "
            f"dimension: target.shape={target.shape}, output.shape={output.shape}"
        )
    log_probabilities = _log_probabilities(output, from_logits, axis)
    target = jax.nn.one_hot(target, output.shape[axis], axis=axis)
    return -jnp.sum(target * log_probabilities, axis=axis)


@keras_op
def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary cross-entropy."""
    target, output = jnp.asarray(target), jnp.asarray(output)
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={target.shape}, output.shape={output.shape}"
        )
    if from_logits:
        return -target * jax.nn.log_sigmoid(output) - (1.0 - target) * jax.nn.log_sigmoid(-output)
    output = jnp.clip(output, default_epsilon(), 1.0 - default_epsilon())
    return -(target * jnp.log(output) + (1.0 - target) * jnp.log(1.0 - output))


def _paddings(lengths, max_length, dtype):
    """1.0 at the padded steps of each row, 0.0 at the valid ones."""
    return (jnp.arange(max_length) >= jnp.asarray(lengths, "int32")[:, None]).astype(dtype)


@keras_op
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sequence CTC loss of ``output`` logits ``(batch, time, classes)``."""
    target = jnp.asarray(target, "int32")
    output = jnp.asarray(output)
    output = output.astype(at_least_float32(output.dtype))
    return optax.ctc_loss(
        output,
        _paddings(output_length, output.shape[1], output.dtype),
        target,
        _paddings(target_length, target.shape[1], output.dtype),
        blank_id=mask_index,
    )


def _ctc_greedy_decode(inputs, sequence_lengths, merge_repeated, blank):
    max_length = inputs.shape[1]
    labels, scores = jnp.argmax(inputs, axis=-1), jnp.max(inputs, axis=-1)
    beyond_end = jnp.arange(max_length) >= sequence_lengths[:, None]
    labels = jnp.where(beyond_end, blank, labels)
    scores = jnp.where(beyond_end, 0.0, scores)
    if merge_repeated:
        repeated = jnp.pad(labels[:, 1:] == labels[:, :-1], ((0, 0), (1, 0)))
        labels = jnp.where(repeated, blank, labels)
    dropped = labels == blank
    # A stable sort on "dropped" moves the kept labels to the front, in order.
    order = jnp.argsort(dropped, axis=-1, stable=True)
    labels = jnp.take_along_axis(jnp.where(dropped, -1, labels), order, axis=-1)
    return labels[None], -jnp.sum(scores, axis=1)[:, None]


def _segment_logsumexp(scores, segments, num_segments):
    peak = jax.ops.segment_max(scores, segments, num_segments)
    peak = jnp.where(jnp.isfinite(peak), peak, 0.0)
    total = jax.ops.segment_sum(jnp.exp(scores - peak[segments]), segments, num_segments)
    return jnp.log(total) + peak


def _merge_prefixes(paths, scores, ends_blank):
    """Unique label prefixes with their log-summed scores ending in a label / in a blank."""
    unique, inverse = jnp.unique(
        paths, axis=0, return_inverse=True, size=paths.shape[0], fill_value=-1
    )
    inverse = inverse.reshape(-1)
    ends_label = _segment_logsumexp(jnp.where(ends_blank, -jnp.inf, scores), inverse, len(paths))
    ends_blank = _segment_logsumexp(jnp.where(ends_blank, scores, -jnp.inf), inverse, len(paths))
    return unique, ends_label, ends_blank


def _ctc_beam_search_decode(inputs, sequence_lengths, beam_width, top_paths, blank):
    """CTC prefix beam search: each kept prefix is scored as ending in a label or a blank."""
    _, max_length, num_classes = inputs.shape
    log_probs = jax.nn.log_softmax(inputs)
    classes = jnp.arange(num_classes)
    positions = jnp.arange(max_length)

    def step(state, frame):
        paths, scores, ends_blank = state
        lengths = jnp.sum(paths >= 0, axis=1)
        tails = jnp.where(
            lengths > 0, jnp.take_along_axis(paths, lengths[:, None] - 1, 1)[:, 0], -1
        )
        # A label repeated without a blank in between merges into the previous one.
        repeats = ~ends_blank[:, None] & (tails[:, None] == classes)
        appends = (classes != blank) & ~repeats
        at_end = positions == lengths[:, None, None]
        paths = jnp.where(appends[..., None] & at_end, classes[:, None], paths[:, None, :])
        scores = scores[:, None] + frame
        ends_blank = jnp.broadcast_to(classes == blank, scores.shape)
        unique, ends_label, ends_blank = _merge_prefixes(
            paths.reshape(-1, max_length), scores.reshape(-1), ends_blank.reshape(-1)
        )
        best = jnp.argsort(jnp.logaddexp(ends_label, ends_blank))[-beam_width:]
        return (
            jnp.tile(unique[best], (2, 1)),
            jnp.concatenate([ends_label[best], ends_blank[best]]),
            jnp.repeat(jnp.array([False, True]), beam_width),
        )

    def decode(log_probs, length):
        empty = jnp.full((2 * beam_width, max_length), -1, "int32")
        scores = jnp.full((2 * beam_width,), -jnp.inf, log_probs.dtype).at[0].set(0.0)
        state = (empty, scores, jnp.ones((2 * beam_width,), bool))

        def scan_step(state, inputs):
            frame, time = inputs
            stepped = step(state, frame)
            keep = (time < length) | (time == 0)  # the first frame is always decoded
            return jax.tree.map(lambda new, old: jnp.where(keep, new, old), stepped, state), None

        state, _ = lax.scan(scan_step, state, (log_probs, positions))
        unique, ends_label, ends_blank = _merge_prefixes(*state)
        totals = jnp.logaddexp(ends_label, ends_blank)
        best = jnp.argsort(totals)[::-1][:top_paths]
        return unique[best], totals[best]

    paths, scores = jax.vmap(decode)(log_probs, sequence_lengths)
    return jnp.transpose(paths, (1, 0, 2)), scores


@keras_op
def ctc_decode(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    """Decodes CTC ``inputs`` ``(batch, time, classes)`` into ``(paths, scores)``; -1 pads paths."""
    inputs = jnp.asarray(inputs)
    inputs = inputs.astype(at_least_float32(inputs.dtype))
    sequence_lengths = jnp.asarray(sequence_lengths, "int32")
    blank = inputs.shape[-1] - 1 if mask_index is None else mask_index
    if strategy == "greedy":
        return _ctc_greedy_decode(inputs, sequence_lengths, merge_repeated, blank)
    if strategy == "beam_search":
        return _ctc_beam_search_decode(inputs, sequence_lengths, beam_width, top_paths, blank)
    raise ValueError(
        f"Invalid strategy {strategy}. Supported values are 'greedy' and 'beam_search'."
    )


# -- normalization -----------------------------------------------------------------------
def _axes(axes):
    return tuple(axes) if isinstance(axes, (list, tuple)) else axes


@keras_op
def moments(x, axes, keepdims=False, synchronized=False):
    """``(mean, variance)`` over ``axes``; half-precision inputs are reduced in float32."""
    if synchronized:
        raise NotImplementedError("Argument synchronized=True is not supported with JAX.")
    x = jnp.asarray(x)
    original_dtype = x.dtype
    if original_dtype in (jnp.float16, jnp.bfloat16):
        x = x.astype("float32")
    axes = _axes(axes)
    mean = jnp.mean(x, axes, keepdims=keepdims)
    variance = jnp.var(x, axis=axes, keepdims=keepdims)
    if x.dtype != original_dtype:
        limit = jnp.finfo(jnp.float16).max  # avoid overflow when casting back
        mean = jnp.clip(mean, -limit, limit).astype(original_dtype)
        variance = jnp.clip(variance, -limit, limit).astype(original_dtype)
    return mean, variance


@keras_op
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset``, statistics along ``axis``."""
    x, mean = jnp.asarray(x), jnp.asarray(mean)
    shape = [1] * x.ndim
    shape[axis] = mean.shape[0]
    inverse = lax.rsqrt(jnp.reshape(variance, shape) + epsilon)
    if scale is not None:
        inverse = inverse * jnp.reshape(scale, shape)
    shift = -jnp.reshape(mean, shape) * inverse
    if offset is not None:
        shift = shift + jnp.reshape(offset, shape)
    return x * inverse + shift


@keras_op
def normalize(x, axis=-1, order=2, epsilon=None):
    """``x`` divided by its ``order``-norm along ``axis`` (at least ``epsilon``)."""
    if not isinstance(order, int) or not order >= 1:
        raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
    x = jnp.asarray(x)
    if x.ndim == 0:
        x = x[None]
    epsilon = default_epsilon() if epsilon is None else epsilon
    if order == 2:
        inverse_norm = lax.rsqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=True))
        return x * jnp.minimum(inverse_norm, 1.0 / epsilon)
    norm = jnp.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / jnp.maximum(norm, epsilon)


def _normalized_axes(axis, ndim):
    return sorted(a % ndim for a in (axis if isinstance(axis, (list, tuple)) else [axis]))


@keras_op
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """Normalizes ``x`` over ``axis`` to zero mean and unit variance, then scales and shifts."""
    rms_scaling = kwargs.pop("rms_scaling", False)
    epsilon = default_epsilon() if epsilon is None else epsilon
    x = jnp.asarray(x)
    original_dtype = x.dtype
    x = x.astype(at_least_float32(x.dtype))
    axes = _normalized_axes(axis, x.ndim)
    broadcast_shape = [x.shape[a] if a in axes else 1 for a in range(x.ndim)]

    def broadcast(value):
        if value is None:
            return None
        value = jnp.asarray(value, x.dtype)
        if value.ndim != x.ndim and axes != [x.ndim - 1]:
            value = jnp.reshape(value, broadcast_shape)
        return value

    gamma, beta = broadcast(gamma), broadcast(beta)
    if rms_scaling:  # deprecated in Keras: scales by the variance, not the mean square
        outputs = x * lax.rsqrt(jnp.var(x, axis=tuple(axes), keepdims=True) + epsilon)
        return (outputs if gamma is None else outputs * gamma).astype(original_dtype)
    mean, variance = moments(x, axes, keepdims=True)
    inverse = lax.rsqrt(variance + epsilon)
    if gamma is not None:
        inverse = inverse * gamma
    shift = -mean * inverse
    if beta is not None:
        shift = shift + beta
    return (x * inverse + shift).astype(original_dtype)


@keras_op
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x`` divided by its root mean square over ``axis``, times ``scale``."""
    epsilon = default_epsilon() if epsilon is None else epsilon
    x = jnp.asarray(x)
    original_dtype = x.dtype
    x = x.astype(at_least_float32(x.dtype))
    if x.ndim == 0:
        x = x[None]
    axis = tuple(sorted(axis)) if isinstance(axis, (list, tuple)) else axis
    outputs = x * lax.rsqrt(jnp.mean(jnp.square(x), axis=axis, keepdims=True) + epsilon)
    if scale is not None:
        outputs = outputs * jnp.asarray(scale, x.dtype)
    return outputs.astype(original_dtype)


@keras_op
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio between two images, in dB."""
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    if x1.shape != x2.shape:
        raise ValueError(
            f"Input shapes {x1.shape} and {x2.shape} must match for PSNR calculation. "
        )
    max_val = jnp.asarray(max_val, x2.dtype)
    mse = jnp.mean(jnp.square(x1 - x2))
    return 20 * jnp.log10(max_val) - 10 * jnp.log10(mse)


# -- attention ---------------------------------------------------------------------------
@keras_op
def dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    scale=None,
    is_causal=False,
    flash_attention=None,
    attn_logits_soft_cap=None,
):
    """Scaled dot-product attention over ``(batch, time, heads, depth)`` tensors (XLA kernel)."""
    if attn_logits_soft_cap is not None:
        raise ValueError(
            "attn_logits_soft_cap is only supported for JAX on TPU. Set "
            "attn_logits_soft_cap=None when not using JAX on TPU."
        )
    if flash_attention:
        raise ValueError(
            "Flash attention is not supported: kerasish always uses the XLA implementation. "
            f"Received: flash_attention={flash_attention}"
        )
    query, key, value = jnp.asarray(query), jnp.asarray(key), jnp.asarray(value)
    if query.ndim != 4 or key.ndim != 4 or value.ndim != 4:
        raise ValueError(
            "`dot_product_attention` only supports 4D inputs. "
            f"Received: query.shape={query.shape}, key.shape={key.shape}, value.shape={value.shape}."
        )
    dtype = result_dtype(query.dtype, key.dtype, value.dtype)
    bias = None if bias is None else jnp.asarray(bias, dtype)
    return jax.nn.dot_product_attention(
        query.astype(dtype),
        key.astype(dtype),
        value.astype(dtype),
        bias=bias,
        mask=mask,
        scale=scale,
        is_causal=is_causal,
        implementation="xla",
    )
