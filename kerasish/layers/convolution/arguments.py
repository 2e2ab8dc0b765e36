"""Argument checks and output-shape arithmetic shared by the convolution and pooling layers.

Error messages are Keras 3's, so a bad argument reads the same in both libraries.
"""

import numpy as np


def standardize_tuple(value, n, name, allow_zero=False):
    """``value`` (an int, or ``n`` ints) as a tuple of ``n`` values, each positive (or >= 0).

    Example:
    >>> standardize_tuple(3, 2, "kernel_size")
    (3, 3)
    """
    message = f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}"
    if isinstance(value, int):
        values = (value,) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(message) from None
        if len(values) != n:
            raise ValueError(message)
        for element in values:
            try:
                int(element)
            except (ValueError, TypeError):
                raise ValueError(
                    message + f"including element {element} of type {type(element)}"
                ) from None
    if allow_zero:
        bad, requirement = {v for v in values if v < 0}, ">= 0"
    else:
        bad, requirement = {v for v in values if v <= 0}, "> 0"
    if bad:
        raise ValueError(
            message + f", including values {bad} that do not satisfy `value {requirement}`"
        )
    return values


def standardize_padding(value, allow_causal=False):
    """``value`` lower-cased, checked against ``valid``/``same`` (and ``causal`` if allowed)."""
    padding = value.lower()
    # The set is built in Keras's order so that its printed form matches Keras's message.
    allowed = {"valid", "same", "causal"} if allow_causal else {"valid", "same"}
    if padding not in allowed:
        raise ValueError(
            f"The `padding` argument must be a list/tuple or one of {allowed}. Received: {padding}"
        )
    return padding


def spatial_axes(data_format, rank):
    """Indices of the spatial axes of a rank-``rank + 2`` input."""
    first = 1 if data_format == "channels_last" else 2
    return tuple(range(first, first + rank))


def with_channels(batch, spatial, channels, data_format):
    """A full shape from its batch, spatial and channel parts."""
    if data_format == "channels_last":
        return (batch, *spatial, channels)
    return (batch, channels, *spatial)


def conv_output_shape(
    input_shape, filters, kernel_size, strides, padding, data_format, dilation_rate
):
    """The output shape of a (non-transposed) convolution; None dims stay None."""
    input_shape = tuple(input_shape)
    channels = input_shape[-1] if data_format == "channels_last" else input_shape[1]
    kernel_shape = (*kernel_size, channels, filters)
    if len(kernel_shape) != len(input_shape):
        raise ValueError(
            "Kernel shape must have the same length as input, but received kernel of shape "
            f"{kernel_shape} and input of shape {input_shape}."
        )
    spatial = input_shape[1:-1] if data_format == "channels_last" else input_shape[2:]
    output = []
    for size, kernel, stride, dilation in zip(spatial, kernel_size, strides, dilation_rate):
        if size is None:
            output.append(None)
        elif padding == "valid":
            output.append((size - dilation * (kernel - 1) - 1) // stride + 1)
        else:  # "same" and "causal" keep ceil(size / stride) positions
            output.append((size - 1) // stride + 1)
    if padding == "valid" and any(size is not None and size <= 0 for size in output):
        raise ValueError(
            "Computed output size would be zero or negative. Received "
            f"`inputs shape={input_shape}`, `kernel shape={kernel_shape}`, "
            f"`dilation_rate={np.array(dilation_rate)}`, `strides={strides}`, "
            f"`padding={padding}`."
        )
    return with_channels(input_shape[0], output, filters, data_format)


def transposed_length(size, kernel, stride, padding, output_padding, dilation):
    """Keras's output length of a transposed convolution along one axis."""
    if size is None:
        return None
    span = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return (size - 1) * stride + span + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + span % 2 + output_padding


def check_strictly_positive(name, value):
    """Keras's check of ``filters`` and ``depth_multiplier`` (None passes)."""
    if value is not None and value <= 0:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a strictly positive value. "
            f"Received {name}={value}."
        )
