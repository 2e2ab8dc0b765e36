"""`OptaxOptimizer`: any optax `GradientTransformation` behind the Keras optimizer surface."""

import re
from typing import Any, NamedTuple

import jax
import optax

from kerasish.engine.variables import Variable
from kerasish.optimizers import pipeline
from kerasish.optimizers.base_optimizer import Optimizer, _path_parts


class OptaxOptimizerState(NamedTuple):
    iteration: Any
    inner: Any


class OptaxOptimizer(Optimizer):
    """Wraps an optax transformation so ``model.compile(optimizer=optax.adamw(1e-3))`` works.

    Every leaf of the optax state becomes an optimizer variable (after ``iteration``),
    so checkpoints hold the whole state. The learning rate is readable and settable when
    the transformation was built with ``optax.inject_hyperparams``.

    Example:
    >>> optimizer = OptaxOptimizer(optax.sgd(0.1))
    >>> w = kerasish.Variable(jnp.ones(2), name="w")
    >>> optimizer.apply([jnp.ones(2)], [w])
    >>> [round(float(x), 4) for x in w.numpy()]
    [0.9, 0.9]

    Arguments:
        transform: an `optax.GradientTransformation`.
        name: the optimizer's name. Defaults to ``optax_optimizer``.
    """

    def __init__(self, transform, name=None):
        if not isinstance(transform, optax.GradientTransformation):
            raise TypeError(
                f"`transform` must be an optax GradientTransformation. Received: transform={transform}"
            )
        self.optax_transform = transform
        super().__init__(learning_rate=None, name=name)

    def _checked_learning_rate(self, learning_rate):
        return None

    def _make_transformation(self):
        transform = self.optax_transform

        def init(params):
            return OptaxOptimizerState(jax.numpy.zeros((), "int32"), transform.init(params))

        def step(grads, state, params):
            if any(g is None for g in jax.tree.leaves(grads, is_leaf=lambda x: x is None)):
                raise ValueError(
                    "OptaxOptimizer needs a gradient for every variable; received None."
                )
            updates, inner = transform.update(grads, state.inner, params)
            return optax.apply_updates(params, updates), OptaxOptimizerState(
                state.iteration + 1, inner
            )

        return pipeline.KerasTransformation(init, step)

    def _keras_order(self, paths):
        return list(range(len(paths)))

    def _new_state_variable(self, path, value):
        slot, index = _path_parts(path)
        if index is not None and slot is not None:
            name = self._slot_variable_name(slot, self._trainable_variables[index])
        else:
            name = (
                re.sub(r"[^0-9A-Za-z]+", "_", jax.tree_util.keystr(path[1:])).strip("_") or "state"
            )
        taken = {v.name for v in self._variables}
        unique, count = name, 1
        while unique in taken:
            unique, count = f"{name}_{count}", count + 1
        return super()._new_state_variable_named(unique, value)

    @property
    def learning_rate(self):
        """The ``learning_rate`` of ``optax.inject_hyperparams``, when the transform has one."""
        for key, variable in getattr(self, "_variables_by_key", {}).items():
            if key.endswith("hyperparams['learning_rate']"):
                return variable
        return None

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        variable = self.learning_rate
        if not isinstance(variable, Variable):
            raise ValueError(
                "This optax transformation has no settable learning rate: build it with "
                "`optax.inject_hyperparams(optax.adam)(learning_rate=...)` (and build the "
                "optimizer) to change the learning rate during training."
            )
        variable.assign(learning_rate)

    def get_config(self):
        raise NotImplementedError(
            "An OptaxOptimizer cannot be serialized: its optax transformation has no config. "
            "Save weights or checkpoints instead, and rebuild the optimizer in code."
        )
