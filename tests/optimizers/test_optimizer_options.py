"""The base optimizer's options against Keras 3: weight decay, clipping, EMA, gradient
accumulation, loss scaling, per-variable flags, missing gradients and subsets."""

import warnings

import keras
import numpy as np
import pytest
from optimizer_parity import make_optimizer, paired_variables, random_problem, run_parity

import kerasish
from kerasish import constraints

CASES = [
    ("Adam", {"weight_decay": 0.05}),
    ("Lamb", {"weight_decay": 0.1}),
    ("Adafactor", {"weight_decay": 0.1}),
    ("SGD", {"momentum": 0.9, "clipnorm": 1.0}),
    ("Adam", {"clipvalue": 0.5}),
    ("RMSprop", {"global_clipnorm": 1.0}),
    ("Adam", {"use_ema": True, "ema_momentum": 0.9}),
    ("SGD", {"momentum": 0.5, "use_ema": True, "ema_overwrite_frequency": 3}),
    ("Adam", {"gradient_accumulation_steps": 2}),
    ("Nadam", {"gradient_accumulation_steps": 2, "weight_decay": 0.01}),
    ("SGD", {"momentum": 0.9, "gradient_accumulation_steps": 3, "use_ema": True, "clipnorm": 0.5}),
    ("Adam", {"loss_scale_factor": 3.0}),
]


@pytest.mark.parametrize("class_name, kwargs", CASES, ids=[f"{c}-{k}" for c, k in CASES])
def test_options_match_keras(class_name, kwargs):
    run_parity(
        make_optimizer(kerasish, class_name, kwargs), make_optimizer(keras, class_name, kwargs)
    )


def test_exclude_from_weight_decay_matches_keras():
    ours, theirs = (
        kerasish.optimizers.AdamW(weight_decay=0.1),
        keras.optimizers.AdamW(weight_decay=0.1),
    )
    ours.exclude_from_weight_decay(var_names=["v1"])
    theirs.exclude_from_weight_decay(var_names=["v1"])
    run_parity(ours, theirs)


def test_finalize_variable_values_writes_the_averages():
    kwargs = {"momentum": 0.9, "use_ema": True}
    ours, theirs = make_optimizer(kerasish, "SGD", kwargs), make_optimizer(keras, "SGD", kwargs)
    our_vars, keras_vars = run_parity(ours, theirs, steps=5)
    ours.finalize_variable_values(our_vars)
    theirs.finalize_variable_values(keras_vars)
    for mine, reference in zip(our_vars, keras_vars):
        np.testing.assert_array_equal(mine.numpy(), np.asarray(reference.value))


@pytest.mark.parametrize("accumulate", [None, 2])
def test_overwrite_with_gradient_matches_keras(accumulate):
    def variables(initial):
        ours, theirs = paired_variables(initial)
        ours[1].overwrite_with_gradient = True
        theirs[1].overwrite_with_gradient = True
        return ours, theirs

    kwargs = {"gradient_accumulation_steps": accumulate, "use_ema": True}
    ours, theirs = make_optimizer(kerasish, "Adam", kwargs), make_optimizer(keras, "Adam", kwargs)
    run_parity(ours, theirs, steps=6, variables=variables)
    # Keras creates no slots for such a variable.
    assert not any("v1_" in v.name for v in ours.variables if "accumulator" not in v.name)


def test_constraints_apply_after_the_update():
    def variables(initial):
        ours, theirs = paired_variables(initial)
        ours[0].constraint = constraints.NonNeg()
        theirs[0].constraint = keras.constraints.NonNeg()
        return ours, theirs

    run_parity(
        kerasish.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), steps=5, variables=variables
    )


def test_missing_gradients_warn_and_leave_variables_alone():
    def edit(step, grads, our_vars, keras_vars):
        grads = list(grads)
        if step % 2:
            grads[0] = None
        return grads, grads

    kwargs = {"use_ema": True, "global_clipnorm": 1.0}
    ours, theirs = make_optimizer(kerasish, "Adam", kwargs), make_optimizer(keras, "Adam", kwargs)
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables \['v0'\]"):
        run_parity(ours, theirs, steps=6, edit=edit)
    with pytest.raises(ValueError, match="No gradients provided for any variable."):
        ours.apply([None, None])


def test_apply_to_a_subset_of_the_built_variables():
    initial, grads = random_problem(steps=4)
    ours, theirs = kerasish.optimizers.Adam(0.1), keras.optimizers.Adam(0.1)
    our_vars, keras_vars = paired_variables(initial)
    ours.build(our_vars)
    theirs.build(keras_vars)
    for grad in grads:
        ours.apply(grad[1:], our_vars[1:])
        theirs.apply(grad[1:], keras_vars[1:])
    for mine, reference in zip(our_vars + ours.variables, keras_vars + theirs.variables):
        np.testing.assert_array_equal(mine.numpy(), np.asarray(reference.value))
    with pytest.raises(ValueError, match="Unknown variable"):
        ours.apply(grads[0][:1], [kerasish.Variable(np.zeros((2, 3), "float32"))])


def test_setting_the_learning_rate_between_steps_matches_keras():
    def edit(step, grads, our_vars, keras_vars):
        if step == 10:
            ours.learning_rate = 0.05
            theirs.learning_rate = 0.05
        return grads, grads

    ours, theirs = (
        kerasish.optimizers.SGD(0.01, momentum=0.9),
        keras.optimizers.SGD(0.01, momentum=0.9),
    )
    run_parity(ours, theirs, edit=edit)
    assert float(ours.learning_rate) == pytest.approx(0.05)


def test_loss_scale_optimizer_matches_keras():
    scale = 64.0

    def edit(step, grads, our_vars, keras_vars):
        grads = [g * scale for g in grads]
        if step in (4, 5):
            grads[step % 2] = np.full_like(grads[step % 2], np.inf if step == 4 else np.nan)
        return grads, grads

    ours = kerasish.optimizers.LossScaleOptimizer(
        kerasish.optimizers.SGD(momentum=0.9), initial_scale=scale, dynamic_growth_steps=3
    )
    theirs = keras.optimizers.LossScaleOptimizer(
        keras.optimizers.SGD(momentum=0.9), initial_scale=scale, dynamic_growth_steps=3
    )
    run_parity(ours, theirs, steps=12, edit=edit)
    assert [v.name for v in ours.variables] == [v.name for v in theirs.variables]
    assert float(ours.scale_loss(2.0)) == float(theirs.scale_loss(2.0))
    assert ours.inner_optimizer.loss_scale_factor is None


def test_loss_scale_factor_scales_the_loss():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kerasish.optimizers.SGD(loss_scale_factor=4.0).scale_loss(2.0) == 8.0
        assert kerasish.optimizers.SGD().scale_loss(2.0) == 2.0
