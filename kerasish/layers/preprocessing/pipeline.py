"""`Pipeline`: preprocessing layers applied one after the other, as one layer."""

import jax

from kerasish.engine.layer import Layer
from kerasish.engine.masking import get_keras_mask
from kerasish.saving import serialization
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class Pipeline(Layer):
    """Applies ``layers`` in order, passing ``training`` and masks on (Keras's `Pipeline`, for
    chains of preprocessing and augmentation layers).

    Example:
    >>> augment = kerasish.layers.Pipeline(
    ...     [kerasish.layers.RandomFlip(), kerasish.layers.RandomRotation(0.1)])
    >>> augment(jnp.ones((2, 8, 8, 3)), training=True).shape
    (2, 8, 8, 3)
    """

    def __init__(self, layers, name=None):
        super().__init__(name=name)
        self._pipeline_layers = list(layers)

    @property
    def layers(self):
        return self._pipeline_layers

    def call(self, inputs, training=True, mask=None):
        outputs = inputs
        for layer in self._pipeline_layers:
            kwargs = {}
            if layer._call_has_mask_arg:
                kwargs["mask"] = mask
            if layer._call_has_training_arg and training is not None:
                kwargs["training"] = training
            outputs = layer(inputs, **kwargs)
            mask = jax.tree.map(get_keras_mask, outputs)
            inputs = outputs
        return outputs

    def get_config(self):
        return {
            "layers": serialization.serialize_keras_object(self._pipeline_layers),
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config):
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(
                "`Pipeline` config must contain a `layers` key mapping to a list of serialized "
                f"layers. Received config with layers={layers}."
            )
        layers = [serialization.deserialize_keras_object(layer) for layer in layers]
        return cls(**{**config, "layers": layers})
