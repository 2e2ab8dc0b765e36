"""`Activation`: an activation function as a layer."""

from kerasish import activations
from kerasish.engine.layer import Layer
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class Activation(Layer):
    """Applies an activation function elementwise; masks pass through.

    Example:
    >>> kerasish.layers.Activation("relu")(jnp.array([-3.0, -1.0, 0.0, 2.0])).tolist()
    [0.0, 0.0, 0.0, 2.0]

    Arguments:
        activation: a name from `keras.activations` or a callable.

    Shapes: any -> the same.
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)
        self.built = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
