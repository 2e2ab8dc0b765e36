"""`Adafactor`: Adam-like steps with factored second moments (Shazeer & Stern, 2018)."""

from kerasish.engine.variables import Variable
from kerasish.optimizers import transforms
from kerasish.optimizers.base_optimizer import Optimizer
from kerasish.saving.serialization import keras_export


@keras_export("keras.optimizers")
class Adafactor(Optimizer):
    """Adafactor, as `keras.optimizers.Adafactor`.

    For variables of rank 2 or more the second moment is stored as row and column
    statistics of the last two axes; lower-rank variables keep a full ``velocity`` (and,
    as in Keras, two int32 placeholder scalars in the place of the statistics).

    Example:
    >>> optimizer = Adafactor()
    >>> optimizer.build([kerasish.Variable(jnp.ones((3, 4)), name="kernel")])
    >>> [v.shape for v in optimizer.variables]
    [(), (), (3,), (4,), (3, 4)]

    Arguments:
        learning_rate: float, `LearningRateSchedule` or callable. Defaults to 0.001.
        beta_2_decay: exponent of the second-moment decay ``1 - t**beta_2_decay``.
        epsilon_1: added to the squared gradients. Defaults to 1e-30.
        epsilon_2: lower bound of the parameter scale. Defaults to 1e-3.
        clip_threshold: bound of the update's RMS. Defaults to 1.0.
        relative_step: cap a float learning rate at ``1/sqrt(t)``. Defaults to True.
        **kwargs: the base `Optimizer` arguments (weight_decay, clipnorm, use_ema, ...).
    """

    _slot_groups = (("r", "c", "velocity"),)

    def __init__(
        self,
        learning_rate=0.001,
        beta_2_decay=-0.8,
        epsilon_1=1e-30,
        epsilon_2=1e-3,
        clip_threshold=1.0,
        relative_step=True,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def _rule(self):
        return transforms.scale_by_keras_adafactor(
            beta_2_decay=self.beta_2_decay,
            epsilon_1=self.epsilon_1,
            epsilon_2=self.epsilon_2,
            clip_threshold=self.clip_threshold,
            # Keras caps only a float learning rate, never a schedule's.
            relative_step=self.relative_step and isinstance(self._learning_rate, Variable),
        )

    def _slot_variable_name(self, slot, reference):
        if slot in ("r", "c"):
            return reference.name
        return super()._slot_variable_name(slot, reference)

    def _in_own_scope(self, slot, reference):
        # Keras makes the placeholders of low-rank variables with a bare `keras.Variable`.
        return not (slot in ("r", "c") and len(reference.shape) < 2)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_2_decay": self.beta_2_decay,
            "epsilon_1": self.epsilon_1,
            "epsilon_2": self.epsilon_2,
            "clip_threshold": self.clip_threshold,
            "relative_step": self.relative_step,
        }
