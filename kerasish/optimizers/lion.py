"""`Lion`: sign momentum (Chen et al., 2023)."""

from kerasish.optimizers import transforms
from kerasish.optimizers.base_optimizer import Optimizer
from kerasish.saving.serialization import keras_export


@keras_export("keras.optimizers")
class Lion(Optimizer):
    """Lion, as `keras.optimizers.Lion`: ``w -= lr * sign(beta_1*m + (1-beta_1)*g)``.

    Example:
    >>> optimizer = Lion(learning_rate=0.1)
    >>> w = kerasish.Variable(jnp.zeros(2), name="w")
    >>> optimizer.apply([jnp.array([3.0, -0.5])], [w])
    >>> w.numpy().tolist()
    [-0.10000000149011612, 0.10000000149011612]

    Arguments:
        learning_rate: float, `LearningRateSchedule` or callable. Defaults to 0.001.
        beta_1: interpolation of momentum and gradient for the step's sign, in (0, 1].
        beta_2: decay of the momentum. Defaults to 0.99.
        **kwargs: the base `Optimizer` arguments (weight_decay, clipnorm, use_ema, ...).
    """

    _slot_groups = (("momentum",),)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer "
                f"degenerates to SignSGD. Received: beta_1={beta_1}."
            )

    def _rule(self):
        return transforms.scale_by_keras_lion(self.beta_1, self.beta_2)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
