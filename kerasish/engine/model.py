"""`Model`: a layer with model-level API (layers, summary); ``Model(inputs, outputs)`` is functional."""

from kerasish.engine.layer import Layer
from kerasish.saving.serialization import keras_export
from kerasish.training.trainer import Trainer


@keras_export("keras")
class Model(Trainer, Layer):
    """A trainable graph of layers, in any of Keras's three styles.

    Example:
    >>> inputs = kerasish.Input((784,))
    >>> outputs = kerasish.layers.Dense(10)(inputs)
    >>> model = kerasish.Model(inputs, outputs)          # functional
    >>> class MLP(kerasish.Model):                       # subclassed
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.dense = kerasish.layers.Dense(10)
    ...     def call(self, x):
    ...         return self.dense(x)
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and _functional_arguments(args, kwargs):
            from kerasish.engine.functional import Functional

            return Functional.__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        if _functional_arguments(args, kwargs):
            # `class Custom(keras.Model)` built as `Custom(inputs, outputs)`: a functional
            # model with the subclass's overrides (e.g. `train_step`), as in Keras.
            from kerasish.engine.functional import Functional

            _inject_functional(type(self))
            Functional.__init__(self, *args, **kwargs)
            return
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        if args or kwargs:
            raise TypeError(
                f"Unrecognized arguments passed to {type(self).__name__}.__init__: {args} {kwargs}"
            )
        super().__init__(trainable=trainable, name=name, dtype=dtype)
        self._init_trainer()

    @property
    def layers(self):
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        """The sublayer with ``name`` (or at ``index`` in ``layers``)."""
        if index is not None and name is not None:
            raise ValueError(
                "Provide only a layer name or a layer index. Received: "
                f"index={index}, name={name}."
            )
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(self.layers)} layers."
                )
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}."
            )
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Prints Keras's table of layers, output shapes and parameter counts."""
        from kerasish.utils.summary_utils import print_summary

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable, layer_range=layer_range)

    def get_config(self):
        return Layer.get_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=True):
        from kerasish.engine.functional import Functional, functional_from_config

        if "layers" in config and "input_layers" in config and "output_layers" in config:
            return functional_from_config(Functional if cls is Model else cls, config, custom_objects, safe_mode)
        return cls(**config)


def _functional_arguments(args, kwargs):
    return len(args) >= 2 or ("inputs" in kwargs and "outputs" in kwargs) or (len(args) == 1 and "outputs" in kwargs)


def _inject_functional(cls):
    """Rebases ``cls`` so that `Functional` stands where `Model` was among its ancestors."""
    from kerasish.engine.functional import Functional

    if cls is Model:
        return Functional
    if cls is object or issubclass(cls, Functional):
        return cls
    cls.__bases__ = tuple(_inject_functional(base) for base in cls.__bases__)
    return cls
