"""`BasePooling`: a window reduction (max or average) slid over the spatial axes."""

import numpy as np

from kerasish.backend import standardize_data_format
from kerasish.engine.input_spec import InputSpec
from kerasish.engine.layer import Layer
from kerasish.layers.convolution.arguments import standardize_tuple, with_channels


class BasePooling(Layer):
    """Reduces each ``pool_size`` window, moved by ``strides``, to one value per channel.

    Subclasses set ``rank`` (the number of spatial axes) and ``reduce_window`` (`ops.max_pool`
    or `ops.average_pool`).

    Arguments:
        pool_size: an int or ``rank`` ints, the window size.
        strides: an int or ``rank`` ints; None means ``pool_size``.
        padding: ``"valid"`` (windows inside the input) or ``"same"`` (padded so that each axis
            keeps ``ceil(length / stride)`` positions); stored as given, as in Keras.
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to
            ``keras.config.image_data_format()``.

    Shapes: ``(batch, *spatial, channels)`` (channels_last) -> ``(batch, *pooled, channels)``.
    """

    rank = None
    reduce_window = None

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = standardize_tuple(pool_size, self.rank, "pool_size")
        self.strides = standardize_tuple(
            pool_size if strides is None else strides, self.rank, "strides", allow_zero=True
        )
        self.padding = padding
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def call(self, inputs):
        return self.reduce_window(
            inputs,
            pool_size=self.pool_size,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
        )

    def compute_output_spec(self, inputs):
        # As in Keras, symbolic outputs come from `compute_output_shape` (not from tracing
        # `call`), so a window larger than the input is refused instead of giving an empty axis.
        return super().compute_output_spec(inputs)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        channels_last = self.data_format == "channels_last"
        spatial = input_shape[1:-1] if channels_last else input_shape[2:]
        padding = self.padding.lower()
        if padding not in ("valid", "same"):
            raise ValueError(
                "Argument `padding` must be either 'valid' or 'same'. Received: "
                f"padding={self.padding}"
            )
        pooled = []
        for size, window, stride in zip(spatial, self.pool_size, self.strides):
            if size is None:
                pooled.append(None)
            elif padding == "valid":
                pooled.append((size - window) // stride + 1)
            else:
                pooled.append((size - 1) // stride + 1)
        if padding == "valid" and any(size is not None and size <= 0 for size in pooled):
            raise ValueError(
                "Computed output size would be zero or negative. Received: "
                f"`inputs.shape={np.array(input_shape)}`, `pool_size={np.array(self.pool_size)}`, "
                f"`strides={self.strides}`, `padding={self.padding}`."
            )
        channels = input_shape[-1] if channels_last else input_shape[1]
        return with_channels(input_shape[0], pooled, channels, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "pool_size": self.pool_size,
                "padding": self.padding,
                "strides": self.strides,
                "data_format": self.data_format,
            }
        )
        return config
