"""The Adam family: `Adam`, `AdamW`, `Adamax`, `Nadam` and `Lamb`."""

from kerasish.engine import naming
from kerasish.optimizers import transforms
from kerasish.optimizers.base_optimizer import Optimizer
from kerasish.saving.serialization import keras_export


@keras_export("keras.optimizers")
class Adam(Optimizer):
    """Adam, as `keras.optimizers.Adam` (Kingma & Ba, 2014).

    ``alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)`` and
    ``w -= alpha * m / (sqrt(v) + epsilon)``: Keras's epsilon sits outside the bias
    correction, unlike ``optax.adam``'s.

    Example:
    >>> optimizer = Adam(learning_rate=0.1)
    >>> w = kerasish.Variable(jnp.zeros(2), name="w")
    >>> optimizer.apply([jnp.array([1.0, -1.0])], [w])
    >>> [round(float(x), 4) for x in w.numpy()]
    [-0.1, 0.1]

    Arguments:
        learning_rate: float, `LearningRateSchedule` or callable. Defaults to 0.001.
        beta_1, beta_2: decay rates of the first and second moment estimates.
        epsilon: added to ``sqrt(v)``. Defaults to 1e-7.
        amsgrad: use the maximum of past second moments (AMSGrad). Defaults to False.
        **kwargs: the base `Optimizer` arguments (weight_decay, clipnorm, use_ema, ...).
    """

    _slot_groups = (("momentum", "velocity"), ("velocity_hat",))

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def _rule(self):
        return transforms.scale_by_keras_adam(self.beta_1, self.beta_2, self.epsilon, self.amsgrad)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }


@keras_export("keras.optimizers")
class AdamW(Adam):
    """Adam with decoupled weight decay, as `keras.optimizers.AdamW` (Loshchilov & Hutter, 2019).

    Each step first decays ``w -= w * weight_decay * lr``, then takes the Adam step.

    Example:
    >>> AdamW(weight_decay=0.01).get_config()["weight_decay"]
    0.01
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        **kwargs,
    ):
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            weight_decay=weight_decay,
            **kwargs,
        )
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")


@keras_export("keras.optimizers")
class Adamax(Optimizer):
    """Adamax, Adam with the infinity norm, as `keras.optimizers.Adamax`.

    ``u = max(beta_2 * u, |g|)`` and ``w -= lr * m / ((1 - beta_1**t) * (u + epsilon))``.

    Example:
    >>> Adamax().get_config()["beta_2"]
    0.999
    """

    _slot_groups = (("momentum", "norm"),)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _rule(self):
        return transforms.scale_by_keras_adamax(self.beta_1, self.beta_2, self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }


@keras_export("keras.optimizers")
class Nadam(Optimizer):
    """Adam with Nesterov momentum, as `keras.optimizers.Nadam` (Dozat, 2015).

    Keras keeps the product of the momentum schedule in one extra scalar variable after
    the per-variable slots, with a default name (``variable``, ``variable_1``, ...).

    Example:
    >>> Nadam().get_config()["epsilon"]
    1e-07
    """

    _slot_groups = (("momentum", "velocity"), ("u_product",))

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _rule(self):
        return transforms.scale_by_keras_nadam(self.beta_1, self.beta_2, self.epsilon)

    def _slot_variable_name(self, slot, reference):
        if slot == "u_product":
            return naming.auto_name(
                "variable"
            )  # Keras leaves it unnamed: variable, variable_1, ...
        return super()._slot_variable_name(slot, reference)

    def _in_own_scope(self, slot, reference):
        return slot != "u_product"

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }


@keras_export("keras.optimizers")
class Lamb(Optimizer):
    """LAMB, Adam with a per-variable trust ratio, as `keras.optimizers.Lamb` (You et al., 2019).

    Example:
    >>> Lamb().get_config()["beta_1"]
    0.9
    """

    _slot_groups = (("momentum", "velocity"),)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _rule(self):
        return transforms.scale_by_keras_lamb(self.beta_1, self.beta_2, self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
