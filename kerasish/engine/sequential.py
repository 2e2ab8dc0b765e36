"""`Sequential`: a plain stack of single-input, single-output layers."""

from kerasish.engine import naming, structure
from kerasish.engine.input_layer import Input, InputLayer
from kerasish.engine.layer import Layer
from kerasish.engine.model import Model
from kerasish.saving import serialization
from kerasish.saving.serialization import keras_export


@keras_export("keras")
class Sequential(Model):
    """Layers applied one after another.

    With an `Input` first (or ``input_shape=`` on the first layer) it is built at once as a
    functional graph; otherwise it builds on its first call.

    Example:
    >>> model = kerasish.Sequential([
    ...     kerasish.Input((784,)),
    ...     kerasish.layers.Dense(64, activation="relu"),
    ...     kerasish.layers.Dense(10),
    ... ])
    """

    jit_call = True

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name)
        self._stack = []
        self._functional = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer, rebuild=True):
        """Appends ``layer`` (a `keras.Input` tensor becomes the input layer)."""
        if hasattr(layer, "_keras_history") and isinstance(
            layer._keras_history.operation, InputLayer
        ):
            layer = layer._keras_history.operation
        if not isinstance(layer, Layer):
            raise ValueError(
                "Only instances of `keras.Layer` can be added to a Sequential model. "
                f"Received: {layer} (of type {type(layer)})"
            )
        if isinstance(layer, InputLayer) and self._stack and isinstance(self._stack[0], InputLayer):
            raise ValueError(
                f"Sequential model '{self.name}' has already been configured to use input "
                f"shape {self._stack[0].batch_shape}. You cannot add a different Input layer to it."
            )
        if (
            not self._stack
            and not isinstance(layer, InputLayer)
            and layer._batch_input_shape is not None
        ):
            self._stack.append(InputLayer(batch_shape=layer._batch_input_shape))
        self._stack.append(layer)
        structure.changed()
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False

    def pop(self, rebuild=True):
        """Removes and returns the last layer."""
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        structure.changed()
        self.built = False
        self._functional = None
        if rebuild:
            self._maybe_rebuild()
        return layer

    @property
    def _layers(self):
        return list(self._stack)

    @property
    def layers(self):
        return [layer for layer in self._stack if not isinstance(layer, InputLayer)]

    def _maybe_rebuild(self):
        self.built = False
        self._functional = None
        if self._stack and isinstance(self._stack[0], InputLayer) and len(self._stack) > 1:
            self.build(self._stack[0].batch_shape)

    def build(self, input_shape=None):
        if not self._stack:
            raise ValueError(
                f"Sequential model {self.name} cannot be built because it has no layers. "
                "Call `model.add(layer)`."
            )
        if isinstance(self._stack[0], InputLayer):
            inputs = self._stack[0].output
        else:
            if input_shape is None:
                raise ValueError(
                    f"You must provide an `input_shape` argument to build {self.name}."
                )
            input_layer = InputLayer(batch_shape=(None, *tuple(input_shape)[1:]))
            self._stack.insert(0, input_layer)
            structure.changed()
            inputs = input_layer.output
        from kerasish.engine.functional import Functional

        x = inputs
        with naming.name_scope(self.name):
            for layer in self._stack[1:]:
                x = layer(x)
        self._functional = Functional(inputs=inputs, outputs=x, name=f"{self.name}_graph")
        self.built = True
        self._build_shapes = {"input_shape": tuple(inputs.shape)}

    def call(self, inputs, training=None, mask=None):
        if self._functional is not None:
            return self._functional.call(inputs, training=training, mask=mask)
        x = inputs
        for layer in self.layers:
            x = layer(x)
        return x

    @property
    def _host_stage(self):
        return self._functional._host_stage if self._functional is not None else None

    @property
    def inputs(self):
        return self._functional.inputs if self._functional else None

    @property
    def outputs(self):
        return self._functional.outputs if self._functional else None

    @property
    def input(self):
        return self._functional.input if self._functional else super().input

    @property
    def output(self):
        return self._functional.output if self._functional else super().output

    @property
    def input_shape(self):
        return tuple(self.inputs[0].shape) if self._functional else None

    @property
    def output_shape(self):
        return tuple(self.outputs[0].shape) if self._functional else None

    def compute_output_spec(self, inputs, training=None, mask=None):
        if self._functional is not None:
            return self._functional.compute_output_spec(inputs, training=training, mask=mask)
        return super().compute_output_spec(inputs, training=training, mask=mask)

    def get_config(self):
        layer_configs = []
        for layer in self._stack:
            layer_configs.append(serialization.serialize_keras_object(layer))
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": serialization.serialize_keras_object(self.dtype_policy),
            "layers": layer_configs,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=True):
        layers = [
            serialization.deserialize_keras_object(
                c, custom_objects=custom_objects, safe_mode=safe_mode
            )
            for c in config["layers"]
        ]
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer in layers:
            model.add(layer, rebuild=False)
        model._maybe_rebuild()
        if not model.built and config.get("build_input_shape"):
            model.build(config["build_input_shape"])
        return model


__all__ = ["Input", "Sequential"]
