"""`Rescaling`: ``inputs * scale + offset``, in training and inference alike."""

import jax.numpy as jnp

from kerasish.backend import image_data_format
from kerasish.engine.layer import Layer
from kerasish.saving.serialization import (
    deserialize_keras_object,
    keras_export,
    serialize_keras_object,
)


@keras_export("keras.layers")
class Rescaling(Layer):
    """Multiplies the inputs by ``scale`` and adds ``offset``; outputs have the compute dtype.

    ``scale=1/255`` maps ``[0, 255]`` to ``[0, 1]``; ``scale=1/127.5, offset=-1`` maps it to
    ``[-1, 1]``.

    Example:
    >>> kerasish.layers.Rescaling(1 / 127.5, offset=-1)(jnp.array([0, 255])).tolist()
    [-1.0, 1.0]

    Arguments:
        scale: a float, or an array (e.g. one scale per channel) broadcast to the inputs.
            With ``keras.config.image_data_format() == "channels_first"``, an array scale
            gets trailing axes so that it applies per channel of ``(channels, height, width)``.
        offset: a float or an array, added after scaling.

    Masks pass through. Shapes: any -> the same.
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True

    def call(self, inputs):
        dtype = self.compute_dtype
        scale = jnp.asarray(self.scale, dtype)
        offset = jnp.asarray(self.offset, dtype)
        if scale.ndim > 0 and image_data_format() == "channels_first":
            scale = jnp.reshape(scale, scale.shape + (1,) * (3 - scale.ndim))
        return jnp.asarray(inputs).astype(dtype) * scale + offset

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "scale": serialize_keras_object(self.scale),
                "offset": serialize_keras_object(self.offset),
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["scale"] = deserialize_keras_object(config["scale"])
        config["offset"] = deserialize_keras_object(config["offset"])
        return super().from_config(config)
