"""`Wrapper`: the base of layers that wrap another layer (`TimeDistributed`)."""

from kerasish.engine.layer import Layer
from kerasish.saving.serialization import (
    deserialize_keras_object,
    keras_export,
    serialize_keras_object,
)


@keras_export("keras.layers")
class Wrapper(Layer):
    """Abstract base of layers that augment another layer; not a usable layer by itself.

    Example:
    >>> class Twice(kerasish.layers.Wrapper):
    ...     def call(self, inputs):
    ...         return self.layer(self.layer(inputs))
    >>> Twice(kerasish.layers.Dense(3))(jnp.ones((2, 3))).shape
    (2, 3)

    Arguments:
        layer: the wrapped `Layer`; its config is stored under ``"layer"``.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Layer {layer} supplied to Wrapper isn't a supported layer type. Please "
                "ensure wrapped layer is a valid Keras layer."
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)

    def get_config(self):
        config = super().get_config()
        config["layer"] = serialize_keras_object(self.layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        layer = deserialize_keras_object(config["layer"], custom_objects)
        return super().from_config({**config, "layer": layer})
