"""Every optimizer and its main flags against Keras 3: 20 steps of ``apply`` on the same
variables and gradients give the same variables, slots, iterations and learning rate."""

import keras
import pytest
from optimizer_parity import make_optimizer, run_parity

import kerasish

CASES = [
    ("SGD", {}),
    ("SGD", {"momentum": 0.9}),
    ("SGD", {"momentum": 0.9, "nesterov": True}),
    ("Adam", {}),
    ("Adam", {"amsgrad": True, "learning_rate": 0.01}),
    ("AdamW", {}),
    ("AdamW", {"weight_decay": 0.1, "amsgrad": True}),
    ("Adamax", {}),
    ("Nadam", {}),
    ("RMSprop", {}),
    ("RMSprop", {"momentum": 0.9}),
    ("RMSprop", {"centered": True, "rho": 0.8}),
    ("Adagrad", {"learning_rate": 0.1}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Adafactor", {}),
    ("Adafactor", {"relative_step": False, "clip_threshold": 0.5}),
    ("Lion", {"learning_rate": 0.01}),
    ("Lamb", {}),
]


@pytest.mark.parametrize("class_name, kwargs", CASES, ids=[f"{c}-{k}" for c, k in CASES])
def test_matches_keras(class_name, kwargs):
    run_parity(
        make_optimizer(kerasish, class_name, kwargs), make_optimizer(keras, class_name, kwargs)
    )


FTRL_CASES = [
    {},
    {
        "l1_regularization_strength": 0.01,
        "l2_regularization_strength": 0.01,
        "l2_shrinkage_regularization_strength": 0.01,
        "beta": 0.1,
        "learning_rate_power": -0.3,
    },
]


@pytest.mark.parametrize("kwargs", FTRL_CASES)
def test_ftrl_matches_keras(kwargs):
    # Ftrl solves for the new variable; as an optax delta `p + (new - p)` it may round once
    # more than Keras's assignment, so it is equal within tolerance, not bit for bit.
    run_parity(
        make_optimizer(kerasish, "Ftrl", kwargs), make_optimizer(keras, "Ftrl", kwargs), exact=False
    )


SCHEDULES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5}),
    (
        "ExponentialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.7, "staircase": True},
    ),
    ("PiecewiseConstantDecay", {"boundaries": [5, 10], "values": [0.1, 0.01, 0.001]}),
    (
        "PolynomialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 8, "power": 2.0, "cycle": True},
    ),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 15, "alpha": 0.1}),
    (
        "CosineDecay",
        {"initial_learning_rate": 0.0, "decay_steps": 10, "warmup_target": 0.1, "warmup_steps": 5},
    ),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 4, "m_mul": 0.8}),
]


@pytest.mark.parametrize("index", range(len(SCHEDULES)), ids=[f"{n}-{k}" for n, k in SCHEDULES])
def test_schedules_drive_keras_steps(index):
    # SGD momentum keeps each step's learning rate in its velocity; Adam scales it by the
    # bias correction: between them they exercise both ways a schedule enters an update.
    class_name, extra = [("SGD", {"momentum": 0.9}), ("Adam", {})][index % 2]
    kwargs = {"schedule": SCHEDULES[index], **extra}
    run_parity(
        make_optimizer(kerasish, class_name, kwargs), make_optimizer(keras, class_name, kwargs)
    )


def test_adafactor_with_schedule_does_not_cap_learning_rate():
    kwargs = {"schedule": SCHEDULES[0]}
    run_parity(
        make_optimizer(kerasish, "Adafactor", kwargs), make_optimizer(keras, "Adafactor", kwargs)
    )
