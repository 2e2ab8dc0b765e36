"""`Optimizer`: Keras 3's optimizer surface over an optax transformation and its state.

An optimizer is a thin configuration object. ``build(trainable_variables)`` builds the
pure step (`kerasish.optimizers.pipeline`), initialises its state pytree and lays every
state leaf onto a `Variable` in Keras's order of ``optimizer.variables`` (iteration,
learning rate, EMA averages, gradient accumulators, then the rule's slots as Keras
creates them), with Keras's names. ``stateless_apply`` is that step on lists of arrays;
``apply`` reads the variables, runs it and writes them back, so it also works inside a
`StateScope` (a pure trainer) like layer code does.
"""

import re
import warnings

import jax
import numpy as np

from kerasish.backend.config import floatx
from kerasish.engine import naming
from kerasish.engine.variables import Variable
from kerasish.optimizers import pipeline
from kerasish.optimizers.host_init import initial_state
from kerasish.optimizers.schedules import LearningRateSchedule
from kerasish.saving import serialization

_TOP_LEVEL_FIELDS = pipeline.KerasOptimizerState._fields


def _is_tracer(value):
    return isinstance(value, jax.core.Tracer)


def _path_parts(path):
    """``(slot, parameter index or None)`` from a state leaf's key path."""
    slot, index = None, None
    for position, key in enumerate(path):
        if isinstance(key, jax.tree_util.GetAttrKey):
            slot, index = key.name, None
            following = path[position + 1] if position + 1 < len(path) else None
            if isinstance(following, jax.tree_util.SequenceKey):
                index = following.idx
    return slot, index


@serialization.keras_export("keras.optimizers")
class Optimizer:
    """The base class of Keras optimizers.

    Subclasses define ``_rule()`` (an optax transform from
    `kerasish.optimizers.transforms`), ``_slot_groups`` (the order Keras creates their
    slot variables in) and ``get_config``.

    Example:
    >>> optimizer = kerasish.optimizers.SGD(learning_rate=0.1)
    >>> w = kerasish.Variable(jnp.ones(2), name="w")
    >>> optimizer.apply([jnp.ones(2)], [w])
    >>> [round(float(x), 4) for x in w.numpy()], int(optimizer.iterations)
    ([0.9, 0.9], 1)

    Arguments:
        learning_rate: a float, a `LearningRateSchedule`, or a callable without arguments.
        weight_decay: decays variables by ``variable * weight_decay * lr`` before each update.
        clipnorm, clipvalue, global_clipnorm: gradient clipping, at most one of them.
        use_ema, ema_momentum, ema_overwrite_frequency: an exponential moving average of
            the variables, optionally written back into them every N steps.
        loss_scale_factor: gradients are divided by it (the loss was multiplied).
        gradient_accumulation_steps: update every N calls with the mean gradient.
        name: the optimizer's name, the parent of its variables' paths.
    """

    # Groups of slot names; Keras creates each group's slots interleaved per variable.
    _slot_groups = ()

    def __init__(
        self,
        learning_rate,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.")
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. Received: "
                f"gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema:
            if ema_momentum > 1 or ema_momentum < 0:
                raise ValueError(
                    f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}"
                )
            if ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
                    f"ema_overwrite_frequency={ema_overwrite_frequency}"
                )
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        self.name = name or naming.auto_name(type(self).__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._trainable_variables = []
        self._variable_index = {}
        self._variables = []
        self._transformation = None
        self._exclude_ids = set()
        self._exclude_pattern = None
        with naming.name_scope(self.name):
            self._iterations = Variable(0, dtype="int32", trainable=False, name="iteration")
        self._learning_rate = self._checked_learning_rate(learning_rate)

    def _checked_learning_rate(self, learning_rate):
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            return learning_rate
        if not isinstance(learning_rate, float):
            raise ValueError(
                "Argument `learning_rate` should be float, or an instance of "
                "LearningRateSchedule, or a callable (that takes in the current iteration "
                "value and returns the corresponding learning rate value). "
                f"Received instead: learning_rate={learning_rate}"
            )
        with naming.name_scope(self.name):
            return Variable(learning_rate, dtype=floatx(), trainable=False, name="learning_rate")

    # -- the pure step ---------------------------------------------------------------------
    def _rule(self):
        raise NotImplementedError(f"{type(self).__name__} must define `_rule()`.")

    def _make_transformation(self):
        """The `KerasTransformation` for the variables this optimizer is built on."""
        variables = self._trainable_variables
        return pipeline.keras_optimizer(
            self._rule(),
            learning_rate=self._learning_rate_argument(),
            weight_decay=self.weight_decay,
            weight_decay_mask=[self._use_weight_decay(v) for v in variables] if variables else None,
            clipnorm=self.clipnorm,
            clipvalue=self.clipvalue,
            global_clipnorm=self.global_clipnorm,
            use_ema=self.use_ema,
            ema_momentum=self.ema_momentum,
            ema_overwrite_frequency=self.ema_overwrite_frequency,
            loss_scale_factor=self.loss_scale_factor,
            gradient_accumulation_steps=self.gradient_accumulation_steps,
            overwrite_with_gradient=[_overwrites(v) for v in variables] if variables else None,
        )

    def _learning_rate_argument(self):
        if not isinstance(self._learning_rate, Variable):
            return self._learning_rate
        try:
            return float(self._learning_rate.numpy())
        except jax.errors.TracerArrayConversionError:
            return 0.0  # only the initial value of a plain-optax state; ours is the Variable

    @property
    def transform(self):
        """The `optax.GradientTransformation` of this optimizer's step (updates are deltas).

        Its state starts at ``iteration=0`` and the constructor's learning rate; it is
        the same computation as ``stateless_apply``, for use with plain optax.
        """
        transformation = self._transformation or self._make_transformation()
        return transformation.as_optax()

    # -- building: state leaves onto Keras-ordered variables -------------------------------
    def build(self, variables):
        """Creates the optimizer's variables for ``variables`` (the trainable variables)."""
        if self.built:
            return
        self._trainable_variables = list(variables)
        self._variable_index = {id(v): i for i, v in enumerate(self._trainable_variables)}
        self._build_state()
        self.built = True

    def _initial_parameters(self):
        values = [v.value for v in self._trainable_variables]
        if any(_is_tracer(v) for v in values):
            values = [np.zeros(v.shape, v.dtype) for v in self._trainable_variables]
        return values

    def _build_state(self):
        """(Re)builds the step and lays its state onto variables, reusing existing ones by key."""
        self._transformation = self._make_transformation()
        state = initial_state(self._transformation.init, self._initial_parameters())
        with_paths, self._treedef = jax.tree_util.tree_flatten_with_path(state)
        self._order = self._keras_order([path for path, _ in with_paths])
        existing = getattr(self, "_variables_by_key", {})
        existing[".iteration"] = self._iterations
        if isinstance(self._learning_rate, Variable):
            existing[".learning_rate"] = self._learning_rate
        self._variables_by_key = {}
        self._variables = []
        for leaf_index in self._order:
            path, value = with_paths[leaf_index]
            key = jax.tree_util.keystr(path)
            variable = existing.get(key)
            if variable is None:
                variable = self._new_state_variable(path, value)
            self._variables_by_key[key] = variable
            self._variables.append(variable)

    def _keras_order(self, paths):
        """Leaf indices in Keras's variable order: top-level fields, then grouped slots."""
        group_of = {
            slot: (g, k)
            for g, group in enumerate(self._slot_groups)
            for k, slot in enumerate(group)
        }

        def sort_key(leaf_index):
            path = paths[leaf_index]
            top = path[0].name if isinstance(path[0], jax.tree_util.GetAttrKey) else ""
            field = _TOP_LEVEL_FIELDS.index(top) if top in _TOP_LEVEL_FIELDS else 0
            if top != "inner":
                return (field, 0, 0, 0, leaf_index)
            slot, index = _path_parts(path)
            group, position = group_of.get(slot, (len(self._slot_groups), 0))
            return (field, group, -1 if index is None else index, position, leaf_index)

        return sorted(range(len(paths)), key=sort_key)

    def _new_state_variable(self, path, value):
        slot, index = _path_parts(path)
        reference = self._trainable_variables[index] if index is not None else None
        name = self._slot_variable_name(slot, reference)
        # A slot shaped like its weight lives where the weight lives (under a distribution).
        same_shape = reference is not None and tuple(value.shape) == reference.shape
        layout = reference._sharding if same_shape else None
        return self._new_state_variable_named(
            name, value, self._in_own_scope(slot, reference), layout
        )

    def _new_state_variable_named(self, name, value, in_own_scope=True, layout=None):
        if not in_own_scope:
            return Variable(value, dtype=value.dtype, trainable=False, name=name, layout=layout)
        with naming.name_scope(self.name):
            return Variable(value, dtype=value.dtype, trainable=False, name=name, layout=layout)

    def _in_own_scope(self, slot, reference):
        """Whether Keras creates this slot with ``add_variable`` (path ``<optimizer>/<name>``).

        A few slots are plain ``keras.Variable``s in Keras: their path has the optimizer's
        prefix only when built by ``apply``, which builds inside the optimizer's name scope.
        """
        return True

    def _slot_variable_name(self, slot, reference):
        """Keras's ``add_variable_from_reference`` name: ``dense_kernel_momentum``."""
        if reference is None:
            return slot
        return f"{reference.path.replace('/', '_')}_{slot}"

    def _state_from_values(self, values):
        leaves = [None] * len(self._order)
        for value, leaf_index in zip(values, self._order):
            leaves[leaf_index] = value
        return self._treedef.unflatten(leaves)

    def _values_from_state(self, state):
        leaves = jax.tree.leaves(state)
        return [leaves[leaf_index] for leaf_index in self._order]

    # -- applying gradients ----------------------------------------------------------------
    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """One step on arrays: ``(new_trainable_values, new_optimizer_values)``.

        ``optimizer_variables`` and the results follow ``optimizer.variables``;
        ``grads`` and ``trainable_variables`` the variables the optimizer was built
        with. Pure and jittable; a float learning rate is one of the optimizer values,
        so changing it does not retrace.
        """
        if not self.built:
            raise ValueError(
                f"To call `stateless_apply`, {type(self).__name__} must be built (i.e. its "
                "variables must have been created). You can build it via "
                "`optimizer.build(trainable_variables)`."
            )
        if len(optimizer_variables) != len(self.variables):
            raise ValueError(
                "Argument `optimizer_variables` must be a list of tensors corresponding 1:1 to "
                f"{type(self).__name__}().variables. Received list with length "
                f"{len(optimizer_variables)}, but expected {len(self.variables)} variables."
            )
        if len(trainable_variables) != len(self._trainable_variables):
            raise ValueError(
                "Argument `optimizer_variables` must be a list of tensors corresponding 1:1 to "
                "the trainable variables list that the optimizer was built with. Received "
                f"len(trainable_variables) == {len(trainable_variables)} whereas the optimizer "
                f"was built with {len(self._trainable_variables)} variables."
            )
        self._warn_missing_gradients(grads, self._trainable_variables)
        return self._pure_apply(list(optimizer_variables), list(grads), list(trainable_variables))

    def _pure_apply(self, optimizer_values, grads, trainable_values):
        state = self._state_from_values(optimizer_values)
        new_values, new_state = self._transformation.step(grads, state, trainable_values)
        new_values = list(new_values)
        for i, (variable, grad) in enumerate(zip(self._trainable_variables, grads)):
            if variable.constraint is not None and grad is not None and not _overwrites(variable):
                new_values[i] = variable.constraint(new_values[i])
        return new_values, self._values_from_state(new_state)

    def apply(self, grads, trainable_variables=None):
        """Updates variables in place from ``grads`` (builds on the first call with variables).

        ``trainable_variables`` may be any subset of the variables the optimizer was built
        with; the others, and variables whose gradient is None, are left as they are.
        """
        grads = list(grads)
        if len(grads) == 0:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables. Call `optimizer.build(trainable_variables)` first. "
                )
            if len(grads) != len(self._trainable_variables):
                raise ValueError(
                    "When passing `grads` as a list of gradient tensors, the gradients must match "
                    f"`optimizer.variables` one-to-on. Received a list of {len(grads)} gradients, "
                    f"but the optimizer is tracking {len(self._trainable_variables)} trainable "
                    "variables."
                )
            trainable_variables = self._trainable_variables
            full_grads = grads
        else:
            trainable_variables = list(trainable_variables)
            if not self.built:
                with naming.name_scope(self.name):
                    self.build(trainable_variables)
            full_grads = [None] * len(self._trainable_variables)
            for grad, variable in zip(grads, trainable_variables):
                if id(variable) not in self._variable_index:
                    raise ValueError(
                        f"Unknown variable: {variable}. This optimizer can only be called for the "
                        "variables it was originally built with. When working with a new set of "
                        "variables, you should recreate a new optimizer instance."
                    )
                full_grads[self._variable_index[id(variable)]] = grad
        self._warn_missing_gradients(grads, trainable_variables)
        optimizer_values = [v.value for v in self.variables]
        trainable_values = [v.value for v in self._trainable_variables]
        new_trainable, new_optimizer = self._pure_apply(
            optimizer_values, full_grads, trainable_values
        )
        for variable, value in zip(self._trainable_variables, new_trainable):
            variable.assign(value)
        for variable, value in zip(self.variables, new_optimizer):
            variable.assign(value)

    def apply_gradients(self, grads_and_vars):
        """``apply`` from ``[(grad, variable), ...]``; returns ``iterations`` like tf.keras."""
        grads, trainable_variables = zip(*grads_and_vars)
        self.apply(grads, trainable_variables)
        return self._iterations

    def _warn_missing_gradients(self, grads, variables):
        missing = [v.path for g, v in zip(grads, variables) if g is None]
        if len(missing) == len(grads):
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. "
                "If using `model.compile()`, did you forget to provide a `loss` argument?"
            )

    # -- weight decay and EMA ----------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Variables (or variables whose name contains one of ``var_names``) that are not decayed."""
        self._exclude_ids = {id(v) for v in var_list} if var_list else set()
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None
        if self.built:
            self._build_state()

    def _use_weight_decay(self, variable):
        if id(variable) in self._exclude_ids:
            return False
        if self._exclude_pattern is not None and re.search(self._exclude_pattern, variable.name):
            return False
        return True

    @property
    def _model_variables_moving_average(self):
        """Keras's EMA variables, one per trainable variable in order (built, ``use_ema`` only:
        otherwise the attribute does not exist, as in Keras)."""
        if not self.use_ema or not self.built:
            raise AttributeError(
                f"'{type(self).__name__}' has no `_model_variables_moving_average`: it exists "
                "once an optimizer with `use_ema=True` is built."
            )
        return [
            self._variables_by_key[f".average[{i}]"] for i in range(len(self._trainable_variables))
        ]

    def finalize_variable_values(self, var_list):
        """With ``use_ema``, overwrites ``var_list`` with their moving averages (end of `fit`)."""
        if not self.use_ema:
            return
        averages = self._model_variables_moving_average
        if len(var_list) != len(averages):
            raise ValueError(
                f"The length of model variables ({len(var_list)}) to override does not match the "
                f"length of model variables stored in the optimizer ({len(averages)}). Please "
                "check if the optimizer was called on your model."
            )
        for variable, average in zip(var_list, averages):
            if average is not None:
                variable.assign(average.value)

    def scale_loss(self, loss):
        """``loss * loss_scale_factor`` when one is set (gradients are divided back in the step)."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    # -- properties ----------------------------------------------------------------------------
    @property
    def variables(self):
        if self.built:
            return self._variables[:]
        return [self._iterations] + (
            [self._learning_rate] if isinstance(self._learning_rate, Variable) else []
        )

    @property
    def iterations(self):
        """Applied updates: ``apply`` calls, divided by ``gradient_accumulation_steps`` if set."""
        if self.gradient_accumulation_steps:
            return self._iterations.value // self.gradient_accumulation_steps
        return self._iterations

    @property
    def learning_rate(self):
        """The current learning rate: the float's `Variable`, or the schedule at ``iterations``."""
        learning_rate = self._learning_rate
        if isinstance(learning_rate, LearningRateSchedule):
            return learning_rate(self._iterations.value)
        if isinstance(learning_rate, Variable):
            return learning_rate
        return learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
            if self.built:
                self._build_state()
            return
        if not isinstance(self._learning_rate, Variable):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not settable. "
                "If you need the learning rate to be settable, you should instantiate the "
                "optimizer with a float `learning_rate` argument."
            )
        self._learning_rate.assign(learning_rate)

    # -- weights -----------------------------------------------------------------------------
    def set_weights(self, weights):
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. "
                "Please call `optimizer.build(trainable_variables)` to create the optimizer "
                "weights before calling `set_weights()`."
            )
        for variable, weight in zip(self.variables, weights):
            if tuple(variable.shape) != tuple(np.shape(weight)):
                raise ValueError(
                    f"Optimizer variable {variable.path} has shape {variable.shape} not "
                    f"compatible with provided weight shape {np.shape(weight)}."
                )
            variable.assign(weight)

    def get_weights(self):
        return [v.numpy() for v in self.variables]

    def save_own_variables(self, store):
        """Writes variables as ``store["0"], store["1"], ...`` (Keras's .keras layout)."""
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        if len(store.keys()) != len(self.variables):
            message = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(self.variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables. "
            )
            if len(self.variables) == 0:
                message += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(message, stacklevel=2)
            return
        for i, variable in enumerate(self.variables):
            variable.assign(store[str(i)])

    # -- config ----------------------------------------------------------------------------
    def get_config(self):
        learning_rate = self._learning_rate
        if isinstance(learning_rate, LearningRateSchedule):
            learning_rate = serialization.serialize_keras_object(learning_rate)
        elif isinstance(learning_rate, Variable):
            learning_rate = float(learning_rate.numpy())
        else:
            learning_rate = serialization.serialize_keras_object(learning_rate)
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = serialization.deserialize_keras_object(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _overwrites(variable):
    return bool(getattr(variable, "overwrite_with_gradient", False))
