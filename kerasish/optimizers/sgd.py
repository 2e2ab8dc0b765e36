"""`SGD`: gradient descent with optional (Nesterov) momentum."""

from kerasish.optimizers import transforms
from kerasish.optimizers.base_optimizer import Optimizer
from kerasish.saving.serialization import keras_export


@keras_export("keras.optimizers")
class SGD(Optimizer):
    """Gradient descent with momentum, as `keras.optimizers.SGD`.

    ``velocity = momentum * velocity - learning_rate * g``, then ``w += velocity``
    (nesterov: ``w += momentum * velocity - learning_rate * g``); without momentum
    ``w -= learning_rate * g``.

    Example:
    >>> optimizer = SGD(learning_rate=0.1, momentum=0.9)
    >>> w = kerasish.Variable(jnp.ones(1), name="w")
    >>> optimizer.apply([jnp.ones(1)], [w]); optimizer.apply([jnp.ones(1)], [w])
    >>> round(float(w[0]), 4)
    0.71

    Arguments:
        learning_rate: float, `LearningRateSchedule` or callable. Defaults to 0.01.
        momentum: float in [0, 1]. Defaults to 0.0.
        nesterov: whether to use Nesterov momentum. Defaults to False.
        **kwargs: the base `Optimizer` arguments (weight_decay, clipnorm, use_ema, ...).
    """

    _slot_groups = (("momentum",),)

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not isinstance(momentum, float) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = momentum
        self.nesterov = nesterov

    def _rule(self):
        return transforms.scale_by_keras_sgd(self.momentum, self.nesterov)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
