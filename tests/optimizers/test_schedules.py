"""Learning-rate schedules against Keras 3: values at many steps, configs, errors."""

import contextlib

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

from kerasish.optimizers import schedules

CASES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.6}),
    (
        "ExponentialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.6, "staircase": True},
    ),
    ("PiecewiseConstantDecay", {"boundaries": [10, 25, 40], "values": [1.0, 0.5, 0.1, 0.01]}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 30}),
    (
        "PolynomialDecay",
        {
            "initial_learning_rate": 0.1,
            "decay_steps": 13,
            "end_learning_rate": 0.01,
            "power": 0.5,
            "cycle": True,
        },
    ),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 9, "decay_rate": 0.5}),
    (
        "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 9, "decay_rate": 0.5, "staircase": True},
    ),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 40}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 30, "alpha": 0.2}),
    (
        "CosineDecay",
        {"initial_learning_rate": 0.0, "decay_steps": 30, "warmup_target": 0.5, "warmup_steps": 12},
    ),
    (
        "CosineDecay",
        {
            "initial_learning_rate": 0.05,
            "decay_steps": 20,
            "alpha": 0.1,
            "warmup_target": 0.2,
            "warmup_steps": 5,
        },
    ),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 6}),
    (
        "CosineDecayRestarts",
        {
            "initial_learning_rate": 0.1,
            "first_decay_steps": 5,
            "t_mul": 1.0,
            "m_mul": 0.7,
            "alpha": 0.1,
        },
    ),
    (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 4, "t_mul": 1.5, "m_mul": 0.9},
    ),
]
STEPS = [*range(42), 99, 100, 101, 1000, 12345]


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_values_and_config_match_keras(name, kwargs):
    ours, theirs = (
        getattr(schedules, name)(**kwargs),
        getattr(keras.optimizers.schedules, name)(**kwargs),
    )
    # Keras's cosine schedules would recompile their cond on every eager call.
    with jax.disable_jit() if "Cosine" in name else contextlib.nullcontext():
        expected = np.array([float(theirs(step)) for step in STEPS], "float32")
    # At int32 scalar steps, as the optimizer's `iteration` variable feeds them.
    values = np.array([float(ours(jnp.int32(step))) for step in STEPS], "float32")
    np.testing.assert_allclose(values, expected, rtol=1e-6, atol=1e-9)
    # Vectorised, XLA's SIMD cos/pow may round differently in the last bits.
    np.testing.assert_allclose(ours(jnp.asarray(STEPS, "int32")), expected, rtol=1e-5, atol=1e-8)
    assert ours.get_config() == theirs.get_config()
    assert schedules.serialize(ours) == keras.optimizers.schedules.serialize(theirs)
    restored = schedules.deserialize(keras.optimizers.schedules.serialize(theirs))
    assert type(restored) is type(ours) and restored.get_config() == ours.get_config()


def test_schedules_trace_into_jit():
    schedule = schedules.CosineDecay(0.1, 10, warmup_target=0.2, warmup_steps=3)
    np.testing.assert_allclose(jax.jit(schedule)(jnp.int32(2)), schedule(2))


def raised(function):
    with pytest.raises(Exception) as info:
        function()
    return type(info.value), str(info.value)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 0, "decay_rate": 0.5}),
        ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": -1}),
        ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 0, "decay_rate": 0.5}),
        ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 0}),
        ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 0}),
        ("PiecewiseConstantDecay", {"boundaries": [1, 2], "values": [0.1, 0.2]}),
    ],
)
def test_invalid_arguments_raise_like_keras(name, kwargs):
    assert raised(lambda: getattr(schedules, name)(**kwargs)) == raised(
        lambda: getattr(keras.optimizers.schedules, name)(**kwargs)
    )


def test_base_class_requires_overrides():
    assert raised(lambda: schedules.LearningRateSchedule()(1)) == raised(
        lambda: keras.optimizers.schedules.LearningRateSchedule()(1)
    )
