"""`Layer`: Keras's layer contract over variables that a pure ``apply`` can substitute.

A layer owns variables (``add_weight``), builds them from its first input shape, and
computes in ``call``. Calling it on arrays runs ``call`` eagerly (or traced, under jit);
calling it on `KerasTensor`s adds a node to the functional graph. Either way the same
``call`` code runs, and inside a `StateScope` its variables read the values of the
pytrees handed to ``apply`` (see `kerasish.engine.pure`).
"""

import inspect
import threading
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from kerasish import dtype_policies
from kerasish.engine import auto_config, naming, structure
from kerasish.engine.input_spec import InputSpec, assert_input_compatibility
from kerasish.engine.keras_tensor import KerasTensor, any_symbolic, is_keras_tensor
from kerasish.engine.masking import get_keras_mask, set_keras_mask
from kerasish.engine.node import Node
from kerasish.engine.operation import Operation, infer_output_spec
from kerasish.engine.scope import AutocastScope, StatelessScope, StateScope, in_symbolic_scope
from kerasish.engine.variables import Variable, is_float_dtype, standardize_dtype
from kerasish.saving.serialization import keras_export, serialize_keras_object

_call_context = threading.local()


def _training_context():
    return getattr(_call_context, "training", None)


class _TrainingContext:
    """The outermost call's ``training`` value, seen by nested layers that were not passed one."""

    def __init__(self, training):
        self.training = training

    def __enter__(self):
        self.previous = _training_context()
        if self.training is not None or self.previous is None:
            _call_context.training = self.training if self.training is not None else self.previous

    def __exit__(self, *exc_info):
        _call_context.training = self.previous


class _EntryCall:
    """Marks the outermost layer call; as in Keras, it starts a fresh list of ``losses``."""

    def __init__(self, layer):
        self.layer = layer

    def __enter__(self):
        self.is_entry = getattr(_call_context, "entry_layer", None) is None
        if self.is_entry:
            _call_context.entry_layer = self.layer
            self.layer._clear_losses()

    def __exit__(self, *exc_info):
        if self.is_entry:
            _call_context.entry_layer = None


def _is_tensor(x):
    return isinstance(x, (jax.Array, np.ndarray, KerasTensor, Variable)) or (
        hasattr(x, "shape") and hasattr(x, "dtype")
    )


def _shape_of(x):
    return tuple(x.shape) if _is_tensor(x) else x


@keras_export("keras.layers")
class Layer(Operation):
    """The base class of all layers.

    Subclass it, create weights in ``build(input_shape)`` with ``add_weight``, and compute
    in ``call``.

    Example:
    >>> class Scale(kerasish.layers.Layer):
    ...     def build(self, input_shape):
    ...         self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")
    ...     def call(self, inputs):
    ...         return inputs * self.scale
    >>> Scale()(jnp.ones((2, 3))).shape
    (2, 3)

    Arguments:
        trainable: whether the layer's weights are updated by training.
        name: unique name; defaults to the snake_case class name with a suffix.
        dtype: a dtype or `DTypePolicy` name (``"mixed_bfloat16"``): compute and storage dtypes.
        activity_regularizer: a regularizer applied to the layer's outputs (adds to ``losses``).
        autocast: whether floating inputs and variables are cast to the compute dtype.
    """

    def __init__(
        self,
        *,
        activity_regularizer=None,
        trainable=True,
        dtype=None,
        autocast=True,
        name=None,
        **kwargs,
    ):
        input_dim = kwargs.pop("input_dim", None)
        input_shape = kwargs.pop("input_shape", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        kwargs.pop("input_dtype", None)
        if kwargs:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        object.__setattr__(self, "_tracking_ready", False)
        Operation.__init__(self, name=name)
        self._dtype_policy = dtype_policies.get(dtype)
        self.built = False
        self.autocast = autocast
        self.input_spec = None
        self._trainable_variables = []
        self._non_trainable_variables = []
        # State that is not a weight (a stateful RNN's carried states, as Keras leaves them
        # out of `weights`): part of `variables`, hence of the pure ``apply``'s state.
        self._state_variables = []
        self._losses = []
        self._build_shapes = None
        self._call_signature = inspect.signature(self.call)
        parameters = self._call_signature.parameters
        self._call_has_training_arg = "training" in parameters
        self._call_has_mask_arg = "mask" in parameters
        self.supports_masking = type(self).compute_mask is not Layer.compute_mask
        from kerasish import regularizers

        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._trainable = bool(trainable)
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is None and input_shape is not None:
            batch_input_shape = (batch_size, *tuple(input_shape))
        self._batch_input_shape = None if batch_input_shape is None else tuple(batch_input_shape)
        self._tracking_ready = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__:
            cls.build = _marks_built(cls.__dict__["build"])

    # -- tracking ----------------------------------------------------------------------
    def __setattr__(self, name, value):
        if getattr(self, "_tracking_ready", False) and isinstance(value, Variable):
            tracked = (
                self._trainable_variables if value.trainable else self._non_trainable_variables
            )
            if all(value is not v for v in tracked):
                tracked.append(value)
        if isinstance(value, (Layer, Variable, list, tuple, dict)) or hasattr(value, "state"):
            structure.changed()
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        value = getattr(self, name, None)
        if isinstance(value, Variable):
            for tracked in (self._trainable_variables, self._non_trainable_variables):
                tracked[:] = [v for v in tracked if v is not value]
        structure.changed()
        object.__delattr__(self, name)

    def _cached(self, key, compute):
        """``compute()``, cached until the next structural change anywhere."""
        cache = self.__dict__.get("_structure_cache")
        if cache is None or cache[0] != structure.version():
            cache = (structure.version(), {})
            object.__setattr__(self, "_structure_cache", cache)
        if key not in cache[1]:
            cache[1][key] = compute()
        return cache[1][key]

    _UNTRACKED = frozenset(
        {"_inbound_nodes", "_outbound_nodes", "_call_signature", "input_spec", "_structure_cache"}
    )

    @property
    def _layers(self):
        """Direct sublayers, in the order they were assigned (attributes, lists and dicts)."""
        return self._cached("layers", self._find_layers)

    def _find_layers(self):
        found, seen = [], {id(self)}

        def visit(value):
            if isinstance(value, Layer):
                if id(value) not in seen:
                    seen.add(id(value))
                    found.append(value)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    visit(item)
            elif isinstance(value, dict):
                for item in value.values():
                    visit(item)

        for name, value in vars(self).items():
            if name not in self._UNTRACKED:
                visit(value)
        return found

    @property
    def metrics(self):
        """Metrics held as attributes (directly or in lists, tuples and dicts) of this layer,
        then those of its sublayers, as Keras tracks them."""
        from kerasish.metrics.metric import Metric

        found = []

        def visit(value):
            if isinstance(value, Metric):
                if all(value is not known for known in found):
                    found.append(value)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    visit(item)
            elif isinstance(value, dict):
                for item in value.values():
                    visit(item)

        for name, value in vars(self).items():
            if name not in self._UNTRACKED and name not in self._UNTRACKED_METRICS:
                visit(value)
        for layer in self._layers:
            found.extend(m for m in layer._sublayer_metrics() if all(m is not k for k in found))
        return found

    def _sublayer_metrics(self):
        """What this layer adds to its parent's `metrics`."""
        return self.metrics

    @property
    def metrics_variables(self):
        return [v for metric in self.metrics for v in metric.variables]

    # The trainer's own metrics: `Trainer.metrics` places them itself.
    _UNTRACKED_METRICS = frozenset({"_loss_tracker", "_compile_metrics", "_compile_loss"})

    @property
    def _seed_generators(self):
        from kerasish.random.seed_generator import SeedGenerator

        return [v for v in vars(self).values() if isinstance(v, SeedGenerator)]

    def _flatten_layers(self, include_self=True, recursive=True):
        layers = [self] if include_self else []
        seen = {id(self)}
        queue = list(self._layers)
        while queue:
            layer = queue.pop(0)
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            layers.append(layer)
            if recursive:
                queue = [*layer._layers, *queue]
        return layers

    # -- variables ---------------------------------------------------------------------
    def _collect(self, own, children_attribute):
        collected, seen = [], set()
        for variable in own:
            if id(variable) not in seen:
                seen.add(id(variable))
                collected.append(variable)
        for layer in self._layers:
            for variable in getattr(layer, children_attribute):
                if id(variable) not in seen:
                    seen.add(id(variable))
                    collected.append(variable)
        return collected

    @property
    def variables(self):
        """All state: weights plus random seed states and state variables that are not weights."""

        def collect():
            own = self._trainable_variables + self._non_trainable_variables
            own += [generator.state for generator in self._seed_generators]
            own += self._state_variables
            return self._collect(own, "variables")

        return list(self._cached("variables", collect))

    @property
    def weights(self):
        """Weights of this layer then of its sublayers, in creation order (as Keras orders them)."""
        return list(
            self._cached(
                "weights",
                lambda: self._collect(
                    self._trainable_variables + self._non_trainable_variables, "weights"
                ),
            )
        )

    def _split(self, key, source):
        def compute():
            everything = getattr(self, source)
            if not self.trainable:
                return [], everything
            return [v for v in everything if v.trainable], [
                v for v in everything if not v.trainable
            ]

        return self._cached(key, compute)

    @property
    def trainable_weights(self):
        return list(self._split("split_weights", "weights")[0])

    @property
    def non_trainable_weights(self):
        return list(self._split("split_weights", "weights")[1])

    @property
    def trainable_variables(self):
        return list(self._split("split_variables", "variables")[0])

    @property
    def non_trainable_variables(self):
        return list(self._split("split_variables", "variables")[1])

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        structure.changed()
        self._trainable = value
        for variable in self._trainable_variables:
            variable.trainable = value
        for layer in self._layers:
            layer.trainable = value

    def add_weight(
        self,
        shape=None,
        initializer=None,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        aggregation="none",
        overwrite_with_gradient=False,
        name=None,
    ):
        """Creates a variable owned by this layer (path ``<layer>/<name>``) and tracks it."""
        from kerasish import constraints, initializers, regularizers

        shape = () if shape is None else tuple(shape)
        dtype = standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if is_float_dtype(dtype) else "zeros"
        initializer = initializers.get(initializer)
        with naming.name_scope(self.name):
            variable = Variable(
                initializer=initializer,
                shape=shape,
                dtype=dtype,
                trainable=trainable,
                autocast=autocast,
                aggregation=aggregation,
                name=name,
            )
        variable._initializer = initializer
        variable.regularizer = regularizers.get(regularizer)
        variable.constraint = constraints.get(constraint)
        variable.overwrite_with_gradient = overwrite_with_gradient
        (self._trainable_variables if trainable else self._non_trainable_variables).append(variable)
        return variable

    def add_variable(
        self,
        shape,
        initializer,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        name=None,
    ):
        return self.add_weight(
            shape=shape,
            initializer=initializer,
            dtype=dtype,
            trainable=trainable,
            autocast=autocast,
            regularizer=regularizer,
            constraint=constraint,
            name=name,
        )

    def get_weights(self):
        """The weights as numpy arrays, in ``self.weights`` order."""
        return [np.array(v.value) for v in self.weights]

    def set_weights(self, weights):
        """Assigns numpy arrays to ``self.weights`` in order; count and shapes must match."""
        variables = self.weights
        if len(weights) != len(variables):
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' with a weight list of "
                f"length {len(weights)}, but the layer was expecting {len(variables)} weights."
            )
        for variable, value in zip(variables, weights):
            if tuple(variable.shape) != tuple(np.shape(value)):
                raise ValueError(
                    f"Layer {self.name} weight shape {variable.shape} is not compatible with "
                    f"provided weight shape {np.shape(value)}."
                )
        for variable, value in zip(variables, weights):
            variable.assign(value)

    def count_params(self):
        """The number of scalars in ``self.weights``; the layer must be built."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't built. You "
                "can build it manually via: `layer.build(input_shape)`."
            )
        return int(sum(np.prod(v.shape) for v in self.weights))

    # -- saving (the positional layout of Keras's .keras and .weights.h5 files) ----------
    def save_own_variables(self, store):
        """Writes this layer's own weights as ``store["0"], store["1"], ...``: trainable ones,
        then non-trainable ones, each in creation order (sublayers save their own)."""
        for index, variable in enumerate(self._trainable_variables + self._non_trainable_variables):
            store[str(index)] = variable.numpy()

    def load_own_variables(self, store):
        """Assigns what `save_own_variables` wrote; the count and every shape must match."""
        from kerasish.saving.h5_store import check_own_variables

        variables = self._trainable_variables + self._non_trainable_variables
        values = check_own_variables(self, variables, store)
        for variable, value in zip(variables, values):
            variable.assign(value)

    # -- losses ------------------------------------------------------------------------
    def add_loss(self, loss):
        """Adds a scalar to ``losses``; inside a pure ``apply`` it is collected by the scope."""
        scope = StateScope.current()
        if in_symbolic_scope():
            return  # a shape being inferred: as in Keras, that trace records no loss
        if isinstance(scope, StatelessScope):
            scope.add_loss(loss)
        elif scope is not None and hasattr(scope, "losses"):
            scope.losses.append(loss)
        else:
            self._losses.append(loss)

    @property
    def losses(self):
        """Losses added in the last call, plus weight regularization penalties."""
        override = getattr(self, "_losses_override", None)
        if override is not None:
            return list(override)
        losses = list(self._losses)
        for layer in self._layers:
            losses.extend(layer._losses_without_weights())
        for variable in self.trainable_weights:
            if variable.regularizer is not None:
                losses.append(variable.regularizer(variable.value))
        return losses

    def _losses_without_weights(self):
        losses = list(self._losses)
        for layer in self._layers:
            losses.extend(layer._losses_without_weights())
        return losses

    def _clear_losses(self):
        for layer in self._flatten_layers():
            layer._losses.clear()

    # -- dtypes ------------------------------------------------------------------------
    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        self._dtype_policy = dtype_policies.get(value)

    @property
    def dtype(self):
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self):
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self._dtype_policy.variable_dtype

    @property
    def input_dtype(self):
        return self._dtype_policy.compute_dtype

    # -- building ----------------------------------------------------------------------
    def build(self, input_shape=None):
        """Creates the layer's weights; the default builds nothing."""
        self.built = True

    def _call_shapes(self, args, kwargs):
        """Shapes of the call arguments, keyed the way ``build`` expects them."""
        build_parameters = list(inspect.signature(inspect.unwrap(self.build)).parameters)
        build_parameters = [p for p in build_parameters if p != "self"]
        bound = self._call_signature.bind_partial(*args, **kwargs).arguments
        call_names = list(bound)
        first = bound[call_names[0]] if call_names else None
        if len(build_parameters) <= 1:
            return {
                build_parameters[0] if build_parameters else "input_shape": self._tree_shapes(first)
            }
        shapes = {}
        for parameter in build_parameters:
            argument = parameter[: -len("_shape")] if parameter.endswith("_shape") else parameter
            if argument in bound:
                shapes[parameter] = self._tree_shapes(bound[argument])
        return shapes

    @staticmethod
    def _tree_shapes(value):
        if _is_tensor(value):
            return tuple(value.shape)
        if isinstance(value, (list, tuple)):
            return [Layer._tree_shapes(v) for v in value]
        if isinstance(value, dict):
            return {k: Layer._tree_shapes(v) for k, v in value.items()}
        return value

    def _maybe_build(self, args, kwargs):
        if self.built:
            return
        shapes = self._call_shapes(args, kwargs)
        with naming.name_scope(self.name):
            if _build_is_default(type(self)) and self._layers:
                self._build_by_running(args, kwargs)
            else:
                self.build(**shapes)
        self.built = True
        self._build_shapes = shapes

    def _build_by_running(self, args, kwargs):
        """A layer without its own ``build`` builds its sublayers by tracing ``call`` once."""

        def as_symbolic(x):
            return KerasTensor(tuple(x.shape), dtype=x.dtype) if _is_tensor(x) else x

        symbolic_args, symbolic_kwargs = jax.tree.map(
            as_symbolic, (args, kwargs), is_leaf=lambda x: isinstance(x, Variable) or _is_tensor(x)
        )
        infer_output_spec(
            lambda *a, **k: self.call(*a, **self._with_default_training(k)),
            symbolic_args,
            symbolic_kwargs,
        )

    def _with_default_training(self, kwargs):
        if self._call_has_training_arg and kwargs.get("training") is None:
            return {**kwargs, "training": False}
        return kwargs

    def build_from_config(self, config):
        if config and not self.built:
            with naming.name_scope(self.name):
                if config.get("shapes_dict"):
                    shapes = {k: _tuplify(v) for k, v in config["shapes_dict"].items()}
                    self.build(**shapes)
                else:
                    # One shape is passed positionally, as Keras does, whatever `build` calls it.
                    shapes = {"input_shape": _tuplify(config.get("input_shape"))}
                    self.build(shapes["input_shape"])
            if self._build_shapes is None:
                self._build_shapes = shapes
            self.built = True

    def get_build_config(self):
        if self._build_shapes is None:
            return None
        if len(self._build_shapes) == 1:
            return {"input_shape": next(iter(self._build_shapes.values()))}
        return {"shapes_dict": self._build_shapes}

    # -- calling -----------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if not hasattr(self, "_tracking_ready"):
            raise RuntimeError(
                f"You forgot to call `super().__init__()` as the first statement in the "
                f"`__init__()` method of {type(self).__name__}. Go add it!"
            )
        if not self._call_has_training_arg and "training" in kwargs:
            # Not an argument of this call, but still the training mode of nested layers.
            kwargs = dict(kwargs)
            outer_training = kwargs.pop("training")
            with _TrainingContext(outer_training):
                return self(*args, **kwargs)
        if any_symbolic((args, kwargs)):
            return self._symbolic_call(args, kwargs)
        args, kwargs = self._convert_inputs(args, kwargs)
        with _EntryCall(self):
            if not self.built:
                assert_input_compatibility(
                    self.input_spec, self._first_argument(args, kwargs), self.name
                )
                self._maybe_build(args, kwargs)
            return self._call_built(args, kwargs)

    def _convert_inputs(self, args, kwargs):
        def convert(x):
            if isinstance(x, Variable):
                x = x.value
            elif isinstance(x, (np.ndarray, np.generic, float)) and not isinstance(x, bool):
                x = jnp.asarray(x)
            if (
                self.autocast
                and hasattr(x, "dtype")
                and jnp.issubdtype(x.dtype, jnp.floating)
                and str(x.dtype) != self.input_dtype
                and is_float_dtype(self.input_dtype)
            ):
                mask = get_keras_mask(x)
                x = x.astype(self.input_dtype)
                if mask is not None:
                    set_keras_mask(x, mask)
            return x

        return jax.tree.map(convert, (args, kwargs), is_leaf=lambda x: isinstance(x, Variable))

    def _first_argument(self, args, kwargs):
        if args:
            return args[0]
        bound = self._call_signature.bind_partial(*args, **kwargs).arguments
        return next(iter(bound.values()), None)

    def _call_built(self, args, kwargs):
        """The call once built: checks, training/mask resolution, autocast, masks out."""
        first = self._first_argument(args, kwargs)
        assert_input_compatibility(self.input_spec, first, self.name)
        kwargs = dict(kwargs)
        training = kwargs.get("training")
        if self._call_has_training_arg:
            if training is None:
                training = _training_context()
            if training is None:
                default = self._call_signature.parameters["training"].default
                training = None if default is inspect.Parameter.empty else default
            kwargs["training"] = training
        else:
            kwargs.pop("training", None)
        if (
            self._call_has_mask_arg
            and kwargs.get("mask") is None
            and "mask" not in self._bound_names(args)
        ):
            mask = jax.tree.map(get_keras_mask, first) if first is not None else None
            if mask is not None and any(m is not None for m in _leaves_with_none(mask)):
                kwargs["mask"] = mask
        previous_mask = kwargs.get("mask")
        if previous_mask is None and first is not None:
            previous_mask = jax.tree.map(get_keras_mask, first)

        with _TrainingContext(training), naming.name_scope(self.name), self._autocast_scope():
            outputs = self.call(*args, **kwargs)
        self._add_activity_regularization(outputs)
        if self.supports_masking:
            self._set_output_masks(first, outputs, previous_mask)
        elif any(m is not None for m in _leaves_with_none(previous_mask)):
            warnings.warn(
                f"Layer '{self.name}' (of type {type(self).__name__}) was passed an input with a "
                "mask attached to it. However, this layer does not support masking and will "
                "therefore destroy the mask information. Downstream layers will not see the mask."
            )
        return outputs

    def _bound_names(self, args):
        return list(self._call_signature.parameters)[: len(args)]

    def _autocast_scope(self):
        current = AutocastScope.current()
        if not self.autocast or not is_float_dtype(self.compute_dtype):
            return AutocastScope(None) if current is not None else _null_scope()
        if current is not None and current.dtype != self.compute_dtype:
            return AutocastScope(self.compute_dtype)
        if current is None and self.compute_dtype != self.variable_dtype:
            return AutocastScope(self.compute_dtype)
        return _null_scope()

    def _add_activity_regularization(self, outputs):
        if self.activity_regularizer is None:
            return
        for output in jax.tree.leaves(outputs):
            loss = self.activity_regularizer(output)
            if output.ndim > 0:
                loss = loss / output.shape[0]
            self.add_loss(loss)

    def _set_output_masks(self, inputs, outputs, previous_mask):
        flat_outputs = jax.tree.leaves(outputs)
        if flat_outputs and all(get_keras_mask(x) is not None for x in flat_outputs):
            return
        masks = self.compute_mask(inputs, previous_mask)
        if masks is None:
            return
        flat_masks = _leaves_with_none(masks)
        if len(flat_masks) != len(flat_outputs):
            flat_masks = flat_masks * len(flat_outputs) if len(flat_masks) == 1 else flat_masks
        for output, mask in zip(flat_outputs, flat_masks):
            if mask is not None:
                set_keras_mask(output, mask)

    def _symbolic_call(self, args, kwargs):
        first = self._first_argument(args, kwargs)
        assert_input_compatibility(self.input_spec, first, self.name)
        self._maybe_build(args, kwargs)
        if type(self).compute_output_spec is not Layer.compute_output_spec:
            outputs = self.compute_output_spec(*args, **kwargs)
            if self.supports_masking:
                self._attach_symbolic_masks(first, outputs, kwargs.get("mask"))
        else:
            outputs, masks = infer_output_spec(
                lambda *a, **k: self._call_built(a, k), args, kwargs, propagate_masks=True
            )
            for output, mask in zip(
                jax.tree.leaves(outputs, is_leaf=is_keras_tensor), _leaves_with_none(masks)
            ):
                if isinstance(mask, KerasTensor):
                    output._keras_mask = mask
        Node(self, args, kwargs, outputs)
        return outputs

    def _attach_symbolic_masks(self, first, outputs, mask):
        """Output masks for a layer whose outputs come from its own ``compute_output_spec``."""
        if mask is None and first is not None:
            mask = jax.tree.map(
                lambda t: getattr(t, "_keras_mask", None), first, is_leaf=is_keras_tensor
            )
        if all(m is None for m in _leaves_with_none(mask)):
            return
        masks = infer_output_spec(lambda x, m: self.compute_mask(x, m), (first, mask), {})
        for output, output_mask in zip(
            jax.tree.leaves(outputs, is_leaf=is_keras_tensor), _leaves_with_none(masks)
        ):
            if isinstance(output_mask, KerasTensor):
                output._keras_mask = output_mask

    def call(self, *args, **kwargs):
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not have a `call()` method implemented."
        )

    def compute_mask(self, inputs, previous_mask):
        """The output mask; the default drops masks (layers that support masking override it)."""
        return previous_mask if self.supports_masking else None

    def compute_output_shape(self, *args, **kwargs):
        """Output shape(s) for input shape(s), inferred by tracing ``call`` when not overridden."""

        def to_tensor(shape):
            return KerasTensor(shape, dtype=self.compute_dtype)

        symbolic_args, symbolic_kwargs = jax.tree.map(to_tensor, (args, kwargs), is_leaf=_is_shape)
        self._maybe_build(symbolic_args, symbolic_kwargs)
        outputs = infer_output_spec(
            lambda *a, **k: self._call_built(a, k), symbolic_args, symbolic_kwargs
        )
        return jax.tree.map(lambda t: t.shape, outputs, is_leaf=is_keras_tensor)

    def compute_output_spec(self, *args, **kwargs):
        """`KerasTensor` outputs for symbolic inputs; uses ``compute_output_shape`` when overridden."""
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            shapes = jax.tree.map(lambda x: tuple(x.shape), (args, kwargs), is_leaf=is_keras_tensor)
            first_args, first_kwargs = shapes
            output_shape = self.compute_output_shape(
                *first_args, **{k: v for k, v in first_kwargs.items() if isinstance(v, tuple)}
            )
            return _shapes_to_tensors(output_shape, self.compute_dtype)
        return infer_output_spec(lambda *a, **k: self._call_built(a, k), args, kwargs)

    # -- config ------------------------------------------------------------------------
    def get_config(self):
        """The layer's config. A subclass that does not override this method gets the
        arguments it was constructed with (when they are plain values), as in Keras 3."""
        config = {"name": self.name}
        if getattr(type(self).get_config, "_is_default", False):
            cls = type(self)
            if self.__dict__.get("_auto_config") is None:
                raise auto_config.missing_config_error(
                    cls, self.__dict__.get("_auto_config_positional", False)
                )
            config.update(self._auto_config)
            if not auto_config.takes_name(cls):
                del config["name"]
        config["trainable"] = self.trainable
        config["dtype"] = serialize_keras_object(self._dtype_policy)
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = serialize_keras_object(self.activity_regularizer)
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        return config

    get_config._is_default = True

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "dtype" in config and isinstance(config["dtype"], dict):
            policy = dtype_policies.get(config["dtype"])
            # As Keras: a plain policy goes back by name, which keeps the automatic config.
            plain = type(policy) is dtype_policies.DTypePolicy
            config["dtype"] = policy.name if plain else policy
        return cls(**config)

    # -- pure functions ----------------------------------------------------------------
    def init(self, rng, *input_specs, **kwargs):
        """Fresh ``(params, state)`` pytrees drawn from ``rng`` (builds the layer if needed)."""
        from kerasish.engine import pure

        return pure.init(self, rng, *input_specs, **kwargs)

    def params_and_state(self):
        """The current ``(params, state)`` pytrees (what `apply` takes), e.g. after `fit`."""
        from kerasish.engine import pure

        return pure.split_values(self, {id(v): v.value for v in self.variables})

    def apply(self, params, state, *args, training=False, rng=None, **kwargs):
        """``(outputs, new_state)``: the layer as a pure function of its pytrees."""
        from kerasish.engine import pure

        return pure.apply(self, params, state, *args, training=training, rng=rng, **kwargs)

    def stateless_call(
        self, trainable_variables, non_trainable_variables, *args, return_losses=False, **kwargs
    ):
        """Keras's pure call: values for ``trainable_variables`` and ``non_trainable_variables``
        in order; returns ``(outputs, non_trainable_variables)`` (plus ``losses`` if asked)."""
        from kerasish.engine import pure

        return pure.stateless_call(
            self,
            trainable_variables,
            non_trainable_variables,
            *args,
            return_losses=return_losses,
            **kwargs,
        )

    @property
    def path(self):
        return self.name

    @property
    def input(self):
        return self._node_tensors("input")

    @property
    def output(self):
        return self._node_tensors("output")

    def _node_tensors(self, kind):
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer {self.name} has never been called and thus has no defined {kind}."
            )
        if len(self._inbound_nodes) > 1:
            raise AttributeError(
                f'Layer {self.name} has multiple inbound nodes, hence the notion of "layer '
                f'{kind}" is ill-defined. Use `get_{kind}_at(node_index)` instead.'
            )
        node = self._inbound_nodes[0]
        tensors = node.input_tensors if kind == "input" else node.outputs
        return tensors[0] if len(tensors) == 1 else tensors

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _build_is_default(cls):
    return inspect.unwrap(cls.build) is Layer.build


def _marks_built(build):
    """Wraps a subclass's ``build`` so that calling it directly also marks the layer built
    and records the shapes (as Keras does), and variables get the layer's path prefix."""
    if getattr(build, "_marks_built", False):
        return build

    def wrapped(self, *args, **kwargs):
        with naming.name_scope(self.name):
            result = build(self, *args, **kwargs)
        self.built = True
        if self._build_shapes is None:
            parameters = [p for p in inspect.signature(build).parameters if p != "self"]
            shapes = dict(zip(parameters, args))
            shapes.update(kwargs)
            if shapes:
                self._build_shapes = {
                    k: _tuplify(v) if isinstance(v, list) else v for k, v in shapes.items()
                }
        return result

    wrapped._marks_built = True
    wrapped.__wrapped__ = build
    wrapped.__doc__ = build.__doc__
    return wrapped


class _null_scope:
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False


def _is_shape(value):
    return isinstance(value, tuple) and all(
        d is None or isinstance(d, (int, np.integer)) for d in value
    )


def _leaves_with_none(tree):
    return jax.tree.leaves(tree, is_leaf=lambda x: x is None)


def _tuplify(value):
    if isinstance(value, list) and all(v is None or isinstance(v, int) for v in value):
        return tuple(value)
    if isinstance(value, list):
        return [_tuplify(v) for v in value]
    if isinstance(value, dict):
        return {k: _tuplify(v) for k, v in value.items()}
    return value


def _shapes_to_tensors(shape, dtype):
    if _is_shape(shape):
        return KerasTensor(shape, dtype=dtype)
    if isinstance(shape, dict):
        return {k: _shapes_to_tensors(v, dtype) for k, v in shape.items()}
    return type(shape)(_shapes_to_tensors(s, dtype) for s in shape)


__all__ = ["InputSpec", "Layer"]
