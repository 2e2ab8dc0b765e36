"""Every loss class and function against Keras 3 on the same inputs (eager): each reduction,
with and without sample weights of every usual shape, with a Keras mask on ``y_pred``, and
in half precision. `test_transforms` runs them under `jax.jit` and `jax.grad`."""

import keras
import numpy as np
import pytest
from keras.src.backend import get_keras_mask as keras_get_mask
from loss_cases import (
    CASES,
    REDUCTIONS,
    WEIGHTINGS,
    assert_close,
    assert_same_outcome,
    both_losses,
    case_id,
    losses_shape,
    mask_like,
    pick,
    positive,
    sample_weight_for,
    with_mask,
)

import kerasish.losses as losses
from kerasish.engine.masking import get_keras_mask


# CTC's eager scan recompiles on every call (in Keras too); its class is checked under jit.
@pytest.mark.parametrize("case", [case for case in CASES if case.class_name != "CTC"], ids=case_id)
def test_class_matches_keras(case):
    y_true, y_pred = case.arrays()
    ours, theirs = both_losses(case, reduction=None)
    their_losses = theirs(y_true, y_pred)
    assert_close(ours(y_true, y_pred), their_losses)
    sample_weight = sample_weight_for(
        "per_element", np.shape(their_losses), np.random.default_rng(1)
    )
    ours, theirs = both_losses(case)
    assert_close(
        ours(y_true, y_pred, sample_weight=sample_weight),
        theirs(y_true, y_pred, sample_weight=sample_weight),
    )


# Weighting and reduction live in `Loss`; these cover its paths: per-element losses,
# per-sample losses, a scalar loss, and losses that carry their own mask (ignore_class).
REDUCTION_CASES = [
    pick("MeanSquaredError"),
    pick("CategoricalCrossentropy"),
    pick("SparseCategoricalCrossentropy"),
    pick("SparseCategoricalCrossentropy", ignore_class=-1),
    pick("Dice"),
]


@pytest.mark.parametrize(
    "weighting, masked",
    [(weighting, False) for weighting in WEIGHTINGS] + [("none", True), ("per_element", True)],
    ids=lambda value: {False: "unmasked", True: "masked"}.get(value, value),
)
@pytest.mark.parametrize("case", REDUCTION_CASES, ids=case_id)
def test_every_reduction_and_weighting_matches_keras(case, weighting, masked):
    y_true, y_pred = case.arrays()
    rng = np.random.default_rng(2)
    shape = losses_shape(case, y_true, y_pred)
    sample_weight = sample_weight_for(weighting, shape, rng)
    mask = mask_like(shape, y_pred, rng) if masked else None

    def predictions(ours):
        return y_pred if mask is None else with_mask(y_pred, mask, ours=ours)

    for reduction in REDUCTIONS:
        ours, theirs = both_losses(case, reduction=reduction)
        assert_same_outcome(
            lambda ours=ours: ours(y_true, predictions(True), sample_weight=sample_weight),
            lambda theirs=theirs: theirs(y_true, predictions(False), sample_weight=sample_weight),
        )


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_function_matches_keras(case):
    y_true, y_pred = case.arrays()
    ours = getattr(losses, case.function_name)(y_true, y_pred, **case.function_kwargs)
    theirs = getattr(keras.losses, case.function_name)(y_true, y_pred, **case.function_kwargs)
    assert_close(ours, theirs)
    our_mask, their_mask = get_keras_mask(ours), keras_get_mask(theirs)
    assert (our_mask is None) == (their_mask is None)
    if our_mask is not None:
        np.testing.assert_array_equal(our_mask, their_mask)


@pytest.mark.parametrize(
    "case, dtype",
    [
        (pick("MeanSquaredLogarithmicError", inputs=positive), "float16"),
        (pick("CategoricalFocalCrossentropy"), "bfloat16"),
        (pick("SparseCategoricalCrossentropy", ignore_class=-1), "float16"),
    ],
    ids=lambda value: value if isinstance(value, str) else case_id(value),
)
def test_loss_dtype_matches_keras(case, dtype):
    y_true, y_pred = case.arrays()
    ours, theirs = both_losses(case, dtype=dtype)
    our_value, their_value = ours(y_true, y_pred), theirs(y_true, y_pred)
    assert our_value.dtype == their_value.dtype
    np.testing.assert_allclose(
        np.asarray(our_value, "float32"), np.asarray(their_value, "float32"), rtol=1e-6
    )
