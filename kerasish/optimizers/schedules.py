"""`keras.optimizers.schedules`: learning rates as pure functions of the step.

A schedule is evaluated at the optimizer's iteration count inside each step, so it
traces into a jitted train step and costs nothing to change between runs. Arguments,
configs and float32 numerics are Keras 3's.

Example:
>>> schedule = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
>>> float(schedule(10))
0.05000000074505806
"""

import math

import jax.numpy as jnp

from kerasish.backend.config import floatx
from kerasish.saving import serialization

_MODULE = "keras.optimizers.schedules"


def _as_float(value):
    """Keras's ``ops.convert_to_tensor`` of a Python number: floats become ``floatx``."""
    if isinstance(value, float):
        return jnp.asarray(value, floatx())
    return jnp.asarray(value)


def _check_decay_steps(name, value):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


@serialization.keras_export(_MODULE)
class LearningRateSchedule:
    """Base class: subclasses implement ``__call__(step) -> learning rate`` and ``get_config``."""

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override `__call__(self, step)`."
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override `get_config()` "
            "in order to be serializable."
        )

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _StepDecay(LearningRateSchedule):
    """Shared arguments, config and ``step / decay_steps`` progress of the two step decays."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name or type(self).__name__
        _check_decay_steps("decay_steps", decay_steps)

    def _progress(self, step):
        """``(initial, decay_rate, progress)`` as arrays of the initial rate's dtype."""
        initial = _as_float(self.initial_learning_rate)
        dtype = initial.dtype
        progress = jnp.asarray(step).astype(dtype) / jnp.asarray(self.decay_steps).astype(dtype)
        if self.staircase:
            progress = jnp.floor(progress)
        return initial, jnp.asarray(self.decay_rate).astype(dtype), progress

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


@serialization.keras_export(_MODULE)
class ExponentialDecay(_StepDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floored with ``staircase``).

    Example:
    >>> float(ExponentialDecay(1.0, 2, 0.5, staircase=True)(3))
    0.5
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="ExponentialDecay",
    ):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        initial, decay_rate, progress = self._progress(step)
        return initial * jnp.power(decay_rate, progress)


@serialization.keras_export(_MODULE)
class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` on ``(boundaries[i-1], boundaries[i]]``: a step function of the step.

    Example:
    >>> schedule = PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    >>> [float(schedule(s)) for s in (10, 11, 21)]
    [1.0, 0.5, 0.10000000149011612]
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = jnp.asarray(step)
        boundaries = [jnp.asarray(b).astype(step.dtype) for b in self.boundaries]
        values = [_as_float(v) for v in self.values]
        dtype = values[0].dtype
        result = (step <= boundaries[0]).astype(dtype) * values[0]
        result = result + (step > boundaries[-1]).astype(dtype) * values[-1]
        for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
            result = result + ((step > low) & (step <= high)).astype(dtype) * value
        return result

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


@serialization.keras_export(_MODULE)
class PolynomialDecay(LearningRateSchedule):
    """From ``initial_learning_rate`` to ``end_learning_rate`` along ``(1 - step/decay_steps) ** power``.

    With ``cycle=True`` the decay restarts over ever longer multiples of ``decay_steps``.
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _check_decay_steps("decay_steps", decay_steps)

    def __call__(self, step):
        initial = _as_float(self.initial_learning_rate)
        dtype = initial.dtype
        end = jnp.asarray(self.end_learning_rate).astype(dtype)
        power = jnp.asarray(self.power).astype(dtype)
        step = jnp.asarray(step).astype(dtype)
        decay_steps = jnp.asarray(self.decay_steps).astype(dtype)
        if self.cycle:
            multiplier = jnp.where(step == 0, 1.0, jnp.ceil(step / self.decay_steps))
            decay_steps = decay_steps * multiplier
        else:
            step = jnp.minimum(step, decay_steps)
        p = step / decay_steps
        return (initial - end) * jnp.power(1 - p, power) + end

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


@serialization.keras_export(_MODULE)
class InverseTimeDecay(_StepDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (floored with ``staircase``)."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="InverseTimeDecay",
    ):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        initial, decay_rate, progress = self._progress(step)
        return initial / (jnp.asarray(1).astype(initial.dtype) + decay_rate * progress)


@serialization.keras_export(_MODULE)
class CosineDecay(LearningRateSchedule):
    """Half a cosine from the start rate down to ``alpha`` times it, after an optional linear warmup.

    Without ``warmup_target`` the cosine starts at ``initial_learning_rate``; with it, the
    rate climbs linearly from ``initial_learning_rate`` to ``warmup_target`` over
    ``warmup_steps`` and the cosine starts from ``warmup_target``.

    Example:
    >>> schedule = CosineDecay(0.0, 100, warmup_target=1.0, warmup_steps=10)
    >>> [round(float(schedule(s)), 3) for s in (5, 10, 110)]
    [0.5, 1.0, 0.0]
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _check_decay_steps("decay_steps", decay_steps)

    def _decay(self, step, decay_steps, decay_from, dtype):
        completed_fraction = step / decay_steps
        cosine_decayed = 0.5 * (1.0 + jnp.cos(jnp.asarray(math.pi, dtype) * completed_fraction))
        decayed = (1 - self.alpha) * cosine_decayed + self.alpha
        return decay_from * decayed

    def __call__(self, step):
        initial = _as_float(self.initial_learning_rate)
        dtype = initial.dtype
        decay_steps = jnp.asarray(self.decay_steps).astype(dtype)
        step = jnp.asarray(step).astype(dtype)
        if self.warmup_target is None:
            return self._decay(jnp.minimum(step, decay_steps), decay_steps, initial, dtype)
        target = jnp.asarray(self.warmup_target).astype(dtype)
        warmup_steps = jnp.asarray(self.warmup_steps).astype(dtype)
        step = jnp.minimum(step, decay_steps + warmup_steps)

        warmup = (target - initial) * (step / warmup_steps) + initial
        decay = self._decay(step - warmup_steps, decay_steps, target, dtype)
        # A select rather than Keras's cond: the same value, and no retrace per eager call.
        return jnp.where(step < warmup_steps, warmup, decay)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


@serialization.keras_export(_MODULE)
class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): period ``first_decay_steps * t_mul**i``, peak ``m_mul**i``."""

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name="SGDRDecay",
    ):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _check_decay_steps("first_decay_steps", first_decay_steps)

    def __call__(self, step):
        initial = _as_float(self.initial_learning_rate)
        dtype = initial.dtype
        first_decay_steps = jnp.asarray(self.first_decay_steps).astype(dtype)
        alpha = jnp.asarray(self.alpha).astype(dtype)
        t_mul = jnp.asarray(self._t_mul).astype(dtype)
        m_mul = jnp.asarray(self._m_mul).astype(dtype)
        completed_fraction = jnp.asarray(step).astype(dtype) / first_decay_steps

        def restart(geometric, fraction):
            if geometric:
                i_restart = jnp.floor(
                    jnp.log((1.0 - fraction * (1.0 - t_mul)).astype(dtype)) / jnp.log(t_mul)
                )
                sum_r = (1.0 - jnp.power(t_mul, i_restart)) / (1.0 - t_mul)
                return i_restart, (fraction - sum_r) / jnp.power(t_mul, i_restart)
            i_restart = jnp.floor(fraction)
            return i_restart, fraction - i_restart

        linear, geometric = restart(False, completed_fraction), restart(True, completed_fraction)
        i_restart, completed_fraction = (
            jnp.where(t_mul == 1.0, a, b) for a, b in zip(linear, geometric)
        )
        m_fac = jnp.power(m_mul, i_restart)
        cosine_decayed = (
            0.5 * m_fac * (1.0 + jnp.cos(jnp.asarray(math.pi, dtype) * completed_fraction))
        )
        decayed = (1 - alpha) * cosine_decayed + alpha
        return initial * decayed

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


def serialize(learning_rate_schedule):
    """The Keras 3 config dict of a schedule."""
    return serialization.serialize_keras_object(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    """A schedule from its config dict (built-ins, registered classes or ``custom_objects``)."""
    return serialization.deserialize_keras_object(
        config,
        custom_objects=custom_objects,
        module_objects=serialization.builtin_objects(_MODULE),
    )


__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "serialize",
    "deserialize",
]
