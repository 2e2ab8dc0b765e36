"""`GlobalMaxPooling1D/2D/3D` and `GlobalAveragePooling1D/2D/3D` (aliases `Global*Pool*D`)."""

import jax.numpy as jnp

from kerasish import ops
from kerasish.backend import standardize_data_format
from kerasish.engine.input_spec import InputSpec
from kerasish.engine.layer import Layer
from kerasish.layers.convolution.arguments import spatial_axes
from kerasish.saving.serialization import keras_export


class BaseGlobalPooling(Layer):
    """Reduces all the spatial axes at once (``rank`` of them, set by subclasses).

    Arguments:
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to
            ``keras.config.image_data_format()``.
        keepdims: whether the spatial axes are kept, with length 1.

    Shapes: ``(batch, *spatial, channels)`` (channels_last) -> ``(batch, channels)``, or
    ``(batch, 1, ..., 1, channels)`` with ``keepdims``.
    """

    rank = None
    reduce = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def call(self, inputs):
        return self.reduce(
            inputs, axis=spatial_axes(self.data_format, self.rank), keepdims=self.keepdims
        )

    def compute_output_shape(self, input_shape):
        spatial = (1,) * self.rank if self.keepdims else ()
        if self.data_format == "channels_last":
            return (input_shape[0], *spatial, input_shape[-1])
        return (input_shape[0], input_shape[1], *spatial)

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config


@keras_export("keras.layers")
class GlobalAveragePooling1D(BaseGlobalPooling):
    """The mean over the steps of ``(batch, steps, features)``; masked steps are left out.

    Example:
    >>> x = jnp.array([[[1.0], [2.0], [6.0]]])
    >>> kerasish.layers.GlobalAveragePooling1D()(x).tolist()
    [[3.0]]
    >>> mask = jnp.array([[True, True, False]])
    >>> kerasish.layers.GlobalAveragePooling1D()(x, mask=mask).tolist()
    [[1.5]]

    Arguments as in `BaseGlobalPooling`. A ``(batch, steps)`` mask (passed, or carried by the
    inputs) restricts the mean to the unmasked steps; the output carries no mask.
    """

    rank = 1
    reduce = staticmethod(ops.mean)

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        steps_axis = 1 if self.data_format == "channels_last" else 2
        feature_axis = 2 if self.data_format == "channels_last" else 1
        mask = jnp.expand_dims(jnp.asarray(mask, bool), feature_axis)
        total = jnp.sum(jnp.where(mask, inputs, 0), axis=steps_axis, keepdims=self.keepdims)
        count = jnp.sum(mask.astype(inputs.dtype), axis=steps_axis, keepdims=self.keepdims)
        return total / count

    def compute_mask(self, inputs, previous_mask):
        return None


@keras_export("keras.layers")
class GlobalAveragePooling2D(BaseGlobalPooling):
    """The mean over the height and width of ``(batch, height, width, channels)``.

    Example:
    >>> kerasish.layers.GlobalAveragePooling2D()(jnp.ones((2, 4, 5, 3))).shape
    (2, 3)

    Arguments as in `BaseGlobalPooling`.
    """

    rank = 2
    reduce = staticmethod(ops.mean)


@keras_export("keras.layers")
class GlobalAveragePooling3D(BaseGlobalPooling):
    """The mean over the three spatial axes of ``(batch, d1, d2, d3, channels)``.

    Example:
    >>> kerasish.layers.GlobalAveragePooling3D(keepdims=True)(jnp.ones((2, 4, 5, 4, 3))).shape
    (2, 1, 1, 1, 3)

    Arguments as in `BaseGlobalPooling`.
    """

    rank = 3
    reduce = staticmethod(ops.mean)


@keras_export("keras.layers")
class GlobalMaxPooling1D(BaseGlobalPooling):
    """The maximum over the steps of ``(batch, steps, features)``.

    Example:
    >>> kerasish.layers.GlobalMaxPooling1D()(jnp.array([[[1.0], [5.0], [2.0]]])).tolist()
    [[5.0]]

    Arguments as in `BaseGlobalPooling`. As in Keras, masks are not supported (a masked input
    warns that the mask is dropped).
    """

    rank = 1
    reduce = staticmethod(ops.max)


@keras_export("keras.layers")
class GlobalMaxPooling2D(BaseGlobalPooling):
    """The maximum over the height and width of ``(batch, height, width, channels)``.

    Example:
    >>> kerasish.layers.GlobalMaxPooling2D()(jnp.ones((2, 4, 5, 3))).shape
    (2, 3)

    Arguments as in `BaseGlobalPooling`.
    """

    rank = 2
    reduce = staticmethod(ops.max)


@keras_export("keras.layers")
class GlobalMaxPooling3D(BaseGlobalPooling):
    """The maximum over the three spatial axes of ``(batch, d1, d2, d3, channels)``.

    Example:
    >>> kerasish.layers.GlobalMaxPooling3D()(jnp.ones((2, 4, 5, 4, 3))).shape
    (2, 3)

    Arguments as in `BaseGlobalPooling`.
    """

    rank = 3
    reduce = staticmethod(ops.max)


GlobalAvgPool1D = keras_export("keras.layers", "GlobalAvgPool1D")(GlobalAveragePooling1D)
GlobalAvgPool2D = keras_export("keras.layers", "GlobalAvgPool2D")(GlobalAveragePooling2D)
GlobalAvgPool3D = keras_export("keras.layers", "GlobalAvgPool3D")(GlobalAveragePooling3D)
GlobalMaxPool1D = keras_export("keras.layers", "GlobalMaxPool1D")(GlobalMaxPooling1D)
GlobalMaxPool2D = keras_export("keras.layers", "GlobalMaxPool2D")(GlobalMaxPooling2D)
GlobalMaxPool3D = keras_export("keras.layers", "GlobalMaxPool3D")(GlobalMaxPooling3D)
