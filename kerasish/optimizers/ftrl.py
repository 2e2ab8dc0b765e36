"""`Ftrl`: Follow The Regularized Leader (McMahan et al., 2013)."""

from kerasish.optimizers import transforms
from kerasish.optimizers.base_optimizer import Optimizer
from kerasish.saving.serialization import keras_export


@keras_export("keras.optimizers")
class Ftrl(Optimizer):
    """FTRL-Proximal with L1/L2 and shrinkage regularization, as `keras.optimizers.Ftrl`.

    Example:
    >>> Ftrl(l1_regularization_strength=0.01).get_config()["learning_rate_power"]
    -0.5

    Arguments:
        learning_rate: float, `LearningRateSchedule` or callable. Defaults to 0.001.
        learning_rate_power: how the step shrinks with accumulated gradients (<= 0).
        initial_accumulator_value: start of the squared-gradient sums (>= 0).
        l1_regularization_strength, l2_regularization_strength,
        l2_shrinkage_regularization_strength: penalties (>= 0).
        beta: added to the L2 term as ``beta / (2 * lr)``. Defaults to 0.0.
        **kwargs: the base `Optimizer` arguments (weight_decay, clipnorm, use_ema, ...).
    """

    _slot_groups = (("accumulator", "linear"),)

    def __init__(
        self,
        learning_rate=0.001,
        learning_rate_power=-0.5,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0,
        beta=0.0,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if initial_accumulator_value < 0.0:
            raise ValueError(
                "`initial_accumulator_value` needs to be positive or zero. Received: "
                f"initial_accumulator_value={initial_accumulator_value}."
            )
        if learning_rate_power > 0.0:
            raise ValueError(
                "`learning_rate_power` needs to be negative or zero. Received: "
                f"learning_rate_power={learning_rate_power}."
            )
        penalties = {
            "l1_regularization_strength": l1_regularization_strength,
            "l2_regularization_strength": l2_regularization_strength,
            "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength,
        }
        for argument, value in penalties.items():
            if value < 0.0:
                raise ValueError(
                    f"`{argument}` needs to be positive or zero. Received: {argument}={value}."
                )
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def _rule(self):
        return transforms.scale_by_keras_ftrl(
            learning_rate_power=self.learning_rate_power,
            initial_accumulator_value=self.initial_accumulator_value,
            l1_regularization_strength=self.l1_regularization_strength,
            l2_regularization_strength=self.l2_regularization_strength,
            l2_shrinkage_regularization_strength=self.l2_shrinkage_regularization_strength,
            beta=self.beta,
        )

    def get_config(self):
        return {
            **super().get_config(),
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        }
