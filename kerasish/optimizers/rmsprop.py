"""Optimizers that scale by running squared gradients: `RMSprop`, `Adagrad`, `Adadelta`."""

from kerasish.optimizers import transforms
from kerasish.optimizers.base_optimizer import Optimizer
from kerasish.saving.serialization import keras_export


@keras_export("keras.optimizers")
class RMSprop(Optimizer):
    """RMSprop, as `keras.optimizers.RMSprop` (Hinton, 2012).

    ``v = rho * v + (1 - rho) * g**2`` and ``w -= lr * g / sqrt(v + epsilon)``;
    ``centered`` subtracts the squared mean gradient from ``v``, ``momentum`` accumulates
    the steps.

    Example:
    >>> optimizer = RMSprop(learning_rate=0.1)
    >>> w = kerasish.Variable(jnp.array([10.0]), name="w")
    >>> optimizer.apply([w.value], [w])
    >>> round(float(w[0]), 4)
    9.6838

    Arguments:
        learning_rate: float, `LearningRateSchedule` or callable. Defaults to 0.001.
        rho: discount of the squared-gradient average. Defaults to 0.9.
        momentum: momentum of the steps; 0 disables it. Defaults to 0.0.
        epsilon: added inside the square root. Defaults to 1e-7.
        centered: normalise by the estimated variance instead. Defaults to False.
        **kwargs: the base `Optimizer` arguments (weight_decay, clipnorm, use_ema, ...).
    """

    _slot_groups = (("velocity",), ("momentum",), ("average_gradient",))

    def __init__(
        self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def _rule(self):
        return transforms.scale_by_keras_rmsprop(
            self.rho, self.momentum, self.epsilon, self.centered
        )

    def get_config(self):
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }


@keras_export("keras.optimizers")
class Adagrad(Optimizer):
    """Adagrad, as `keras.optimizers.Adagrad`: ``acc += g**2; w -= lr * g / sqrt(acc + epsilon)``.

    Example:
    >>> Adagrad().get_config()["initial_accumulator_value"]
    0.1
    """

    _slot_groups = (("accumulator",),)

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _rule(self):
        return transforms.scale_by_keras_adagrad(self.initial_accumulator_value, self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }


@keras_export("keras.optimizers")
class Adadelta(Optimizer):
    """Adadelta, as `keras.optimizers.Adadelta` (Zeiler, 2012).

    Example:
    >>> Adadelta().get_config()["rho"]
    0.95
    """

    _slot_groups = (("accumulated_grad", "accumulated_delta_var"),)

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def _rule(self):
        return transforms.scale_by_keras_adadelta(self.rho, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
