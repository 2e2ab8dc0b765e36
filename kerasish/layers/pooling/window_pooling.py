"""`MaxPooling1D/2D/3D` and `AveragePooling1D/2D/3D` (aliases `MaxPool*D`, `AvgPool*D`)."""

from kerasish import ops
from kerasish.layers.pooling.base_pooling import BasePooling
from kerasish.saving.serialization import keras_export


class MaxPooling(BasePooling):
    """The maximum of each window (see `BasePooling`); ``pool_size`` defaults to 2."""

    reduce_window = staticmethod(ops.max_pool)

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling(BasePooling):
    """The mean of each window (see `BasePooling`).

    With ``padding="same"``, a window that overlaps the padding averages only its entries
    inside the input (the padding is not counted), as in Keras.
    """

    reduce_window = staticmethod(ops.average_pool)

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


@keras_export("keras.layers")
class MaxPooling1D(MaxPooling):
    """Max pooling over the steps of ``(batch, steps, features)``.

    Example:
    >>> x = jnp.array([1.0, 2.0, 3.0, 4.0, 5.0]).reshape(1, 5, 1)
    >>> kerasish.layers.MaxPooling1D(2, strides=1)(x)[0, :, 0].tolist()
    [2.0, 3.0, 4.0, 5.0]

    Arguments as in `BasePooling`.
    """

    rank = 1


@keras_export("keras.layers")
class MaxPooling2D(MaxPooling):
    """Max pooling over the height and width of ``(batch, height, width, channels)``.

    Example:
    >>> kerasish.layers.MaxPooling2D()(jnp.ones((2, 6, 5, 3))).shape
    (2, 3, 2, 3)

    Arguments as in `BasePooling`.
    """

    rank = 2


@keras_export("keras.layers")
class MaxPooling3D(MaxPooling):
    """Max pooling over the three spatial axes of ``(batch, d1, d2, d3, channels)``.

    Example:
    >>> kerasish.layers.MaxPooling3D(3)(jnp.ones((2, 6, 6, 6, 3))).shape
    (2, 2, 2, 2, 3)

    Arguments as in `BasePooling`.
    """

    rank = 3


@keras_export("keras.layers")
class AveragePooling1D(AveragePooling):
    """Average pooling over the steps of ``(batch, steps, features)``.

    Example:
    >>> x = jnp.array([1.0, 2.0, 3.0, 4.0, 5.0]).reshape(1, 5, 1)
    >>> kerasish.layers.AveragePooling1D(2, strides=1, padding="same")(x)[0, :, 0].tolist()
    [1.5, 2.5, 3.5, 4.5, 5.0]

    Arguments as in `AveragePooling`.
    """

    rank = 1


@keras_export("keras.layers")
class AveragePooling2D(AveragePooling):
    """Average pooling over the height and width of ``(batch, height, width, channels)``.

    Example:
    >>> kerasish.layers.AveragePooling2D((2, 2))(jnp.ones((2, 6, 5, 3))).shape
    (2, 3, 2, 3)

    Arguments as in `AveragePooling`.
    """

    rank = 2


@keras_export("keras.layers")
class AveragePooling3D(AveragePooling):
    """Average pooling over the three spatial axes of ``(batch, d1, d2, d3, channels)``.

    Example:
    >>> kerasish.layers.AveragePooling3D(3)(jnp.ones((2, 6, 6, 6, 3))).shape
    (2, 2, 2, 2, 3)

    Arguments as in `AveragePooling`.
    """

    rank = 3


MaxPool1D = keras_export("keras.layers", "MaxPool1D")(MaxPooling1D)
MaxPool2D = keras_export("keras.layers", "MaxPool2D")(MaxPooling2D)
MaxPool3D = keras_export("keras.layers", "MaxPool3D")(MaxPooling3D)
AvgPool1D = keras_export("keras.layers", "AvgPool1D")(AveragePooling1D)
AvgPool2D = keras_export("keras.layers", "AvgPool2D")(AveragePooling2D)
AvgPool3D = keras_export("keras.layers", "AvgPool3D")(AveragePooling3D)
