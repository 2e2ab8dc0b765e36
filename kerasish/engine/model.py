"""`Model`: a layer with model-level API (layers, summary); ``Model(inputs, outputs)`` is functional."""

import inspect

import jax
import numpy as np

from kerasish.engine import host_stage, pure, structure
from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.layer import Layer, _is_shape, _tuplify
from kerasish.engine.masking import set_keras_mask
from kerasish.engine.scope import StateScope, in_symbolic_scope
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

    # Functional and Sequential models run `model(x)` as one compiled call (see `_jit_call`).
    jit_call = False

    def __call__(self, *args, **kwargs):
        if self.jit_call and self.built and not self.run_eagerly:
            compiled = self._jit_call(args, kwargs)
            if compiled is not _NOT_APPLICABLE:
                return compiled
        return super().__call__(*args, **kwargs)

    def _jit_call(self, args, kwargs):
        """``model(x)`` on concrete arrays as one jitted pure call, its new state written back.

        Keras runs such calls op by op; one compiled call is the same computation without the
        per-op dispatch. Falls back (returns the sentinel) inside traces, scopes, symbolic calls
        and for non-hashable keyword arguments."""
        if StateScope.current() is not None or in_symbolic_scope():
            return _NOT_APPLICABLE
        leaves = jax.tree.leaves((args, kwargs))
        if any(isinstance(leaf, (KerasTensor, jax.core.Tracer)) for leaf in leaves):
            return _NOT_APPLICABLE
        stage = self._host_stage
        if stage is not None and args and not host_stage.is_device_call(stage):
            return stage.call_compiled(self, args, kwargs)  # raw inputs: host, then this path
        array_kwargs = {k: v for k, v in kwargs.items() if _is_array_tree(v)}
        static = tuple(sorted((k, v) for k, v in kwargs.items() if k not in array_kwargs))
        try:
            hash(static)
        except TypeError:
            return _NOT_APPLICABLE
        calls = self.__dict__.setdefault("_compiled_calls", {})
        key = (static, structure.constants_version())  # retrace after a vocabulary change
        if key not in calls:
            calls[key] = pure.compiled_call(self, static)
        non_trainable = self.non_trainable_variables
        (outputs, masks), new_values, losses = calls[key](
            [v.value for v in self.trainable_variables],
            [v.value for v in non_trainable],
            args,
            array_kwargs,
        )
        for variable, value in zip(non_trainable, new_values):
            variable._value = value
        self._clear_losses()
        self._losses.extend(losses)
        for output, mask in zip(
            jax.tree.leaves(outputs), jax.tree.leaves(masks, is_leaf=lambda m: m is None)
        ):
            if mask is not None:
                set_keras_mask(output, mask)
        return outputs

    # Host layers at a Functional or Sequential graph's edges (see `engine.host_stage`).
    _host_stage = None

    def _convert_inputs(self, args, kwargs):
        if self._host_stage is not None:
            return args, kwargs  # raw inputs (strings, int64 ids) stay numpy for the host stage
        return super()._convert_inputs(args, kwargs)

    @property
    def layers(self):
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        """The sublayer with ``name`` (or at ``index`` in ``layers``)."""
        if index is not None and name is not None:
            raise ValueError(
                f"Provide only a layer name or a layer index. Received: index={index}, name={name}."
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

    def summary(
        self,
        line_length=None,
        positions=None,
        print_fn=None,
        expand_nested=False,
        show_trainable=False,
        layer_range=None,
    ):
        """Prints Keras's table of layers, output shapes and parameter counts."""
        from kerasish.utils.summary_utils import print_summary

        print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )

    # -- saving: Keras 3's .keras and .weights.h5 files (see `kerasish.saving`) -------------
    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Saves the model (config, weights, optimizer state) as a ``.keras`` file."""
        from kerasish.saving.saving_api import save_model

        return save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Saves the weights (and optimizer state) as a ``.weights.h5`` file."""
        from kerasish.saving.saving_api import save_weights

        return save_weights(self, filepath, overwrite=overwrite, max_shard_size=max_shard_size)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Loads weights from a ``.weights.h5`` or ``.keras`` file (Keras's or kerasish's)."""
        from kerasish.saving.saving_api import load_weights

        return load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def build_from_config(self, config):
        """Builds from the saved input shape; a model without its own ``build`` traces ``call``
        on symbolic inputs of that shape, as Keras does when it loads a subclassed model."""
        if not config or self.built:
            return
        if "input_shape" not in config or inspect.unwrap(type(self).build) is not Layer.build:
            return super().build_from_config(config)
        shapes = _tuplify(config["input_shape"])
        inputs = jax.tree.map(
            lambda shape: KerasTensor(shape, dtype=self.input_dtype), shapes, is_leaf=_is_shape
        )
        self._maybe_build((inputs,), {})

    def export(self, filepath, format="jax", verbose=None, input_signature=None, **kwargs):
        """Writes an artifact that `kerasish.export.load` (jax and orbax only) runs.

        ``format="jax"`` is the only format: Keras's ``"tf_saved_model"``, ``"onnx"`` and the
        others need TensorFlow or other runtimes that kerasish does not use. ``platforms``
        (keyword) chooses what to lower for; by default cpu, cuda and tpu together.
        """
        from kerasish.export.archive import DEFAULT_PLATFORMS, export_model

        if format != "jax":
            raise ValueError(
                f"Unrecognized format={format}. kerasish exports format='jax' (a jax.export "
                "artifact that runs without TensorFlow: see `kerasish.export.load`)."
            )
        platforms = kwargs.pop("platforms", DEFAULT_PLATFORMS)
        if kwargs:
            raise TypeError(f"Unexpected keyword arguments for `export`: {sorted(kwargs)}")
        if self._host_stage is not None:  # strings in: the artifact takes indices
            host_stage.export_device_part(
                self, filepath, input_signature, platforms, True if verbose is None else verbose
            )
            return
        export_model(
            self,
            filepath,
            input_signature=input_signature,
            platforms=platforms,
            verbose=True if verbose is None else verbose,
        )

    def get_config(self):
        return Layer.get_config(self)

    get_config._is_default = True

    def get_state_tree(self, value_format="backend_tensor"):
        """The model's variables as nested dicts keyed by path parts, under
        ``trainable_variables``, ``non_trainable_variables``, ``optimizer_variables`` and
        ``metrics_variables`` (Keras's layout); leaves are jax arrays, or numpy arrays with
        ``value_format="numpy_array"``."""
        if value_format not in ("backend_tensor", "numpy_array"):
            raise ValueError(
                "Invalid `value_format` argument. Expected one of {'numpy_array', "
                f"'backend_tensor'}}. Received: value_format={value_format}"
            )
        if hasattr(self, "jax_state_sync"):
            self.jax_state_sync()
        groups = {
            "trainable_variables": self.trainable_variables,
            "non_trainable_variables": self.non_trainable_variables,
            "optimizer_variables": self.optimizer.variables if self.optimizer else [],
            "metrics_variables": self.metrics_variables,
        }
        tree = {}
        for group, variables in groups.items():
            nested = tree[group] = {}
            seen = set()
            for variable in variables:
                if variable.path in seen:
                    raise ValueError(
                        "The following variable path is found twice in the model: "
                        f"'{variable.path}'. `get_state_tree()` can only be called when all "
                        "variable paths are unique. Make sure to give unique names to your "
                        "layers (and other objects)."
                    )
                seen.add(variable.path)
                *parents, leaf = variable.path.split("/")
                node = nested
                for part in parents:
                    node = node.setdefault(part, {})
                node[leaf] = variable.numpy() if value_format == "numpy_array" else variable.value
        return tree

    def set_state_tree(self, state_tree):
        """Assigns the values of a `get_state_tree`-shaped dict to the variables by path."""
        groups = {
            "trainable_variables": self.trainable_variables,
            "non_trainable_variables": self.non_trainable_variables,
            "optimizer_variables": self.optimizer.variables if self.optimizer else [],
            "metrics_variables": self.metrics_variables,
        }
        for group, nested in state_tree.items():
            if group not in groups:
                raise ValueError(f"Unknown variable name: {group}")
            by_path = {variable.path: variable for variable in groups[group]}
            for path, value in _flatten_paths(nested):
                if path in by_path:
                    by_path[path].assign(value)

    def to_json(self, **kwargs):
        """The model's serialized config as a JSON string (``kwargs`` go to `json.dumps`);
        `keras.models.model_from_json` rebuilds it."""
        import json

        from kerasish.saving.serialization import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=True):
        from kerasish.engine.functional import Functional, functional_from_config

        if "layers" in config and "input_layers" in config and "output_layers" in config:
            return functional_from_config(
                Functional if cls is Model else cls, config, custom_objects, safe_mode
            )
        return cls(**config)


_NOT_APPLICABLE = object()


def _flatten_paths(nested, prefix=""):
    """``(path, leaf)`` pairs of a dict nested by path parts."""
    for key, value in nested.items():
        if isinstance(value, dict):
            yield from _flatten_paths(value, f"{prefix}{key}/")
        else:
            yield f"{prefix}{key}", value


def _is_array_tree(value):
    leaves = jax.tree.leaves(value)
    return bool(leaves) and all(isinstance(leaf, (jax.Array, np.ndarray)) for leaf in leaves)


def _functional_arguments(args, kwargs):
    return (
        len(args) >= 2
        or ("inputs" in kwargs and "outputs" in kwargs)
        or (len(args) == 1 and "outputs" in kwargs)
    )


def _inject_functional(cls):
    """Rebases ``cls`` so that `Functional` stands where `Model` was among its ancestors."""
    from kerasish.engine.functional import Functional

    if cls is Model:
        return Functional
    if cls is object or issubclass(cls, Functional):
        return cls
    cls.__bases__ = tuple(_inject_functional(base) for base in cls.__bases__)
    return cls
