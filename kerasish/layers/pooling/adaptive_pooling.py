"""`AdaptiveMaxPooling1D/2D/3D` and `AdaptiveAveragePooling1D/2D/3D`: pool to a fixed size."""

from kerasish import ops
from kerasish.backend import image_data_format
from kerasish.engine.layer import Layer
from kerasish.saving.serialization import keras_export

# What Keras's error message expects of ``output_size``, by rank.
_EXPECTED_OUTPUT_SIZE = {
    1: "tuple of 1 integer",
    2: "(height, width) tuple",
    3: "(depth, height, width) tuple",
}


class BaseAdaptivePooling(Layer):
    """Pools each spatial axis into ``output_size`` windows whose bounds follow PyTorch:
    window ``i`` of an axis of length ``n`` pooled to ``m`` spans
    ``[floor(i * n / m), ceil((i + 1) * n / m))``.

    Arguments:
        output_size: an int or ``rank`` ints, the pooled length of each spatial axis.
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to
            ``keras.config.image_data_format()``.

    Shapes: ``(batch, *spatial, channels)`` (channels_last) -> ``(batch, *output_size,
    channels)``.
    """

    rank = None
    pool = None

    def __init__(self, output_size, data_format=None, **kwargs):
        output_size = self._standardize_output_size(output_size)
        super().__init__(**kwargs)
        self.output_size = output_size
        self.data_format = data_format or image_data_format()
        if self.data_format not in {"channels_first", "channels_last"}:
            raise ValueError(
                f"Invalid data_format: {self.data_format}. "
                "Expected 'channels_first' or 'channels_last'."
            )
        self.built = True

    def _standardize_output_size(self, output_size):
        if isinstance(output_size, int):
            return (output_size,) * self.rank
        if isinstance(output_size, (tuple, list)) and self.rank == 1:
            if len(output_size) != 1:
                raise ValueError(
                    f"For 1D input, `output_size` tuple must have length 1. Received: {output_size}"
                )
            return tuple(output_size)
        if isinstance(output_size, (tuple, list)) and len(output_size) == self.rank:
            return tuple(output_size)
        raise TypeError(
            f"`output_size` must be an integer or {_EXPECTED_OUTPUT_SIZE[self.rank]}. "
            f"Received: {output_size} of type {type(output_size)}"
        )

    def call(self, inputs):
        return self.pool(inputs, output_size=self.output_size, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        if self.data_format == "channels_last":
            return (input_shape[0], *self.output_size, input_shape[-1])
        return (input_shape[0], input_shape[1], *self.output_size)

    def get_config(self):
        config = super().get_config()
        config.update({"output_size": self.output_size, "data_format": self.data_format})
        return config


class AdaptiveAveragePooling(BaseAdaptivePooling):
    """The mean of each adaptive window (see `BaseAdaptivePooling`)."""

    pool = staticmethod(ops.adaptive_average_pool)


class AdaptiveMaxPooling(BaseAdaptivePooling):
    """The maximum of each adaptive window (see `BaseAdaptivePooling`)."""

    pool = staticmethod(ops.adaptive_max_pool)


@keras_export("keras.layers")
class AdaptiveAveragePooling1D(AdaptiveAveragePooling):
    """Adaptive average pooling of ``(batch, steps, features)`` to ``output_size`` steps.

    Example:
    >>> kerasish.layers.AdaptiveAveragePooling1D(4)(jnp.ones((1, 8, 3))).shape
    (1, 4, 3)
    """

    rank = 1


@keras_export("keras.layers")
class AdaptiveAveragePooling2D(AdaptiveAveragePooling):
    """Adaptive average pooling of ``(batch, height, width, channels)`` images.

    Example:
    >>> kerasish.layers.AdaptiveAveragePooling2D((4, 3))(jnp.ones((1, 9, 10, 3))).shape
    (1, 4, 3, 3)
    """

    rank = 2


@keras_export("keras.layers")
class AdaptiveAveragePooling3D(AdaptiveAveragePooling):
    """Adaptive average pooling of ``(batch, d1, d2, d3, channels)`` volumes.

    Example:
    >>> kerasish.layers.AdaptiveAveragePooling3D(2)(jnp.ones((1, 5, 6, 7, 3))).shape
    (1, 2, 2, 2, 3)
    """

    rank = 3


@keras_export("keras.layers")
class AdaptiveMaxPooling1D(AdaptiveMaxPooling):
    """Adaptive max pooling of ``(batch, steps, features)`` to ``output_size`` steps.

    Example:
    >>> kerasish.layers.AdaptiveMaxPooling1D(4)(jnp.ones((1, 8, 3))).shape
    (1, 4, 3)
    """

    rank = 1


@keras_export("keras.layers")
class AdaptiveMaxPooling2D(AdaptiveMaxPooling):
    """Adaptive max pooling of ``(batch, height, width, channels)`` images.

    Example:
    >>> kerasish.layers.AdaptiveMaxPooling2D((4, 3))(jnp.ones((1, 9, 10, 3))).shape
    (1, 4, 3, 3)
    """

    rank = 2


@keras_export("keras.layers")
class AdaptiveMaxPooling3D(AdaptiveMaxPooling):
    """Adaptive max pooling of ``(batch, d1, d2, d3, channels)`` volumes.

    Example:
    >>> kerasish.layers.AdaptiveMaxPooling3D(2)(jnp.ones((1, 5, 6, 7, 3))).shape
    (1, 2, 2, 2, 3)
    """

    rank = 3
