"""`Metric`: Keras's stateful metric, whose state updates also run as pure functions.

A metric keeps its accumulators in non-trainable `Variable`s. ``update_state`` and
``result`` are written against those variables; the ``stateless_*`` methods run the very
same code inside a `StateScope`, which substitutes the values passed in and captures the
assignments, so a training step can carry metric state as a plain list of arrays through
`jax.jit` and `jax.lax.scan`.
"""

import jax
import jax.numpy as jnp

from kerasish import dtype_policies, initializers
from kerasish.backend.config import floatx
from kerasish.engine import naming
from kerasish.engine.scope import StateScope, SymbolicScope
from kerasish.engine.variables import Variable
from kerasish.saving.serialization import keras_export


@keras_export("keras.metrics")
class Metric:
    """Encapsulates metric logic and state, as `keras.metrics.Metric`.

    Example:
    >>> m = kerasish.metrics.Mean()
    >>> m.update_state([1.0, 3.0])
    >>> float(m.result())
    2.0
    >>> state = m.stateless_reset_state()
    >>> state = m.stateless_update_state(state, [5.0, 7.0])
    >>> float(m.stateless_result(state))
    6.0

    Subclasses create their variables in ``__init__`` with `add_variable`, accumulate in
    ``update_state`` with ``variable.assign(...)`` and compute ``result`` from the variables.
    Everything in ``update_state`` must be traceable: no Python branching on array values.

    Arguments:
        dtype: the dtype of the metric's computations and variables (a name or a
            `DTypePolicy`, whose compute dtype is used); defaults to ``keras.config.floatx()``.
        name: the metric's name; defaults to the snake-cased class name, made unique.
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or naming.auto_name(self.__class__.__name__)
        self._dtype_policy = dtype_policies.get(dtype or floatx())
        self._dtype = self._dtype_policy.compute_dtype
        self._metrics = []
        self._variables = []

    # -- the stateful API ------------------------------------------------------------------
    def update_state(self, *args, **kwargs):
        """Accumulates statistics for the metric."""
        raise NotImplementedError

    def result(self):
        """The current metric value: a scalar, an array, or a dict of them."""
        raise NotImplementedError

    def reset_state(self):
        """Sets every state variable back to zeros (called between epochs)."""
        for variable in self.variables:
            variable.assign(jnp.zeros(variable.shape, dtype=variable.dtype))

    def __call__(self, *args, **kwargs):
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    # -- the pure API ----------------------------------------------------------------------
    def stateless_update_state(self, metric_variables, *args, **kwargs):
        """``update_state`` as a pure function: the new variable values, in `variables` order.

        Arguments:
            metric_variables: one array per entry of ``self.variables``.
            *args, **kwargs: what ``update_state`` takes.

        Returns:
            The list of updated values; the metric's own variables are left untouched.
        """
        variables = self._checked_variables(metric_variables)
        if not getattr(self, "_built", True):
            raise ValueError(
                f"{self.__class__.__name__} '{self.name}' creates its variables from the shape "
                "of its first batch and has none yet. Call `metric.symbolic_build(y_true, "
                "y_pred)` (shapes or arrays) or `update_state` once, then take the initial "
                "values from `stateless_reset_state()`."
            )
        values = {id(v): value for v, value in zip(variables, metric_variables)}
        with StateScope(values) as scope:
            self.update_state(*args, **kwargs)
        if len(self.variables) != len(variables):
            raise ValueError(
                f"`{self.__class__.__name__}.update_state` created variables inside "
                "`stateless_update_state`. Build the metric first with `symbolic_build`."
            )
        return [scope.values[id(v)] for v in variables]

    def stateless_result(self, metric_variables):
        """``result`` computed from ``metric_variables`` instead of the variables' values."""
        variables = self._checked_variables(metric_variables)
        with StateScope({id(v): value for v, value in zip(variables, metric_variables)}):
            return self.result()

    def stateless_reset_state(self):
        """The values ``reset_state`` would assign, as a list in `variables` order."""
        with StateScope() as scope:
            self.reset_state()
        return [scope.values.get(id(v), v.value) for v in self.variables]

    def symbolic_build(self, *args, **kwargs):
        """Creates the variables of a metric that sizes them from its first batch.

        ``args`` and ``kwargs`` are what ``update_state`` takes, as arrays or
        `jax.ShapeDtypeStruct`s; only their shapes and dtypes are used, nothing is
        accumulated and nothing is computed on a device. Harmless on built metrics.
        """

        def trace(*args, **kwargs):
            with StateScope():
                self.update_state(*args, **kwargs)

        with SymbolicScope():
            jax.eval_shape(trace, *args, **kwargs)

    def _checked_variables(self, metric_variables):
        variables = self.variables
        if len(metric_variables) != len(variables):
            raise ValueError(
                "Argument `metric_variables` must be a list of tensors corresponding 1:1 to "
                f"{self.__class__.__name__}().variables. Received list with length "
                f"{len(metric_variables)}, but expected {len(variables)} variables."
            )
        return variables

    # -- variables -------------------------------------------------------------------------
    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """Creates a non-trainable state variable, with path ``<metric name>/<name>``."""
        self._check_super_called()
        with naming.name_scope(self.name.replace("/", ">")):
            variable = Variable(
                initializer=initializers.get(initializer),
                shape=tuple(shape),
                dtype=dtype,
                trainable=False,
                autocast=False,
                aggregation=aggregation,
                synchronization="on_read",
                name=name,
            )
        self._track_variable(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Alias of `add_variable`, kept for compatibility."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """This metric's variables, then those of the metrics it holds as attributes."""
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    def _track_variable(self, variable):
        if not any(variable is known for known in self._variables):
            self._variables.append(variable)

    def __setattr__(self, name, value):
        # Variables and metrics set as attributes are tracked, as Keras does.
        if "_variables" in self.__dict__:
            if isinstance(value, Variable):
                self._track_variable(value)
            elif isinstance(value, Metric) and not any(value is m for m in self._metrics):
                self._metrics.append(value)
        super().__setattr__(name, value)

    def _check_super_called(self):
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                "You forgot to call `super().__init__()` in the `__init__()` method. Go add it!"
            )

    # -- configuration ---------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    def get_config(self):
        """The serializable config of the metric."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{self.__class__.__name__} name={self.name}>"

    def __str__(self):
        return self.__repr__()
