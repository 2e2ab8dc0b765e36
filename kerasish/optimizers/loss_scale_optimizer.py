"""`LossScaleOptimizer`: dynamic loss scaling around another optimizer (float16 training)."""

from kerasish.engine import naming
from kerasish.engine.variables import Variable
from kerasish.optimizers import pipeline
from kerasish.optimizers.base_optimizer import Optimizer, _overwrites
from kerasish.saving import serialization

_BASE_DEFAULTS = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


@serialization.keras_export("keras.optimizers")
class LossScaleOptimizer(Optimizer):
    """Scales the loss up so float16 gradients do not underflow, as `keras.optimizers.LossScaleOptimizer`.

    Multiply the loss by ``scale_loss(loss)`` before differentiating; the step divides the
    gradients back. When any gradient is not finite the step is skipped and the scale
    halves; after ``dynamic_growth_steps`` finite steps in a row it doubles.

    Example:
    >>> optimizer = LossScaleOptimizer(kerasish.optimizers.SGD(), initial_scale=8.0)
    >>> float(optimizer.scale_loss(1.5))
    12.0

    Arguments:
        inner_optimizer: the optimizer that takes the unscaled steps.
        initial_scale: the starting loss scale. Defaults to ``2**15``.
        dynamic_growth_steps: finite steps between doublings. Defaults to 2000.
        name: the optimizer's name.
    """

    def __init__(
        self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs
    ):
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                "`loss_scale_factor` directly on the `inner_optimizer`."
            )
        for argument, default in _BASE_DEFAULTS.items():
            if argument not in kwargs:
                continue
            value = kwargs.pop(argument)
            if (default is None and value is not None) or value != default:
                raise ValueError(
                    f"LossScaleOptimizer does not support `{argument}`. Instead, set "
                    f"`{argument}` on the `inner_optimizer`."
                )
        if kwargs:
            raise ValueError(
                f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs.keys())}`."
            )
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        # The inner optimizer must not unscale the gradients a second time.
        self.inner_optimizer.loss_scale_factor = None
        if self.inner_optimizer.built:
            self.inner_optimizer._build_state()
        self.step_counter = None
        self.dynamic_scale = None

    def build(self, variables):
        if self.built:
            return
        with naming.name_scope(self.name):
            self.step_counter = Variable(0, dtype="int32", trainable=False, name="step_counter")
            self.dynamic_scale = Variable(
                self.initial_scale, dtype="float32", trainable=False, name="dynamic_scale"
            )
        self.inner_optimizer.build(variables)
        super().build(variables)

    def _make_transformation(self):
        inner = self.inner_optimizer
        # Looked up at each call: the inner step is rebuilt if its learning rate becomes a schedule.
        inner_step = pipeline.KerasTransformation(
            init=lambda params: inner._transformation.init(params),
            step=lambda grads, state, params: inner._transformation.step(grads, state, params),
        )
        return pipeline.dynamic_loss_scale(
            inner_step,
            initial_scale=self.initial_scale,
            dynamic_growth_steps=self.dynamic_growth_steps,
            overwrite_with_gradient=[_overwrites(v) for v in self._trainable_variables],
        )

    def _build_state(self):
        self._transformation = self._make_transformation()
        self._own_variables = [
            self._iterations,
            self._learning_rate,
            self.step_counter,
            self.dynamic_scale,
        ]

    def _state_from_values(self, values):
        iteration, learning_rate, step_counter, dynamic_scale = values[:4]
        return pipeline.LossScaleState(
            iteration,
            learning_rate,
            step_counter,
            dynamic_scale,
            inner=self.inner_optimizer._state_from_values(values[4:]),
        )

    def _values_from_state(self, state):
        own = [state.iteration, state.learning_rate, state.step_counter, state.dynamic_scale]
        return own + self.inner_optimizer._values_from_state(state.inner)

    @property
    def variables(self):
        own = self._own_variables if self.built else [self._iterations, self._learning_rate]
        return own + self.inner_optimizer.variables

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self.inner_optimizer.learning_rate = learning_rate

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    def scale_loss(self, loss):
        scale = self.dynamic_scale.value if self.built else self.initial_scale
        return loss * scale

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        return {
            "name": self.name,
            "inner_optimizer": serialization.serialize_keras_object(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        inner = serialization.deserialize_keras_object(
            config.pop("inner_optimizer"), custom_objects=custom_objects
        )
        return cls(inner, **config)
