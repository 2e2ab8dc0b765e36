"""Every loss class under `jax.jit` and `jax.grad`, against Keras 3: values and gradients
with per-element sample weights and a Keras mask set on the traced predictions."""

import jax
import numpy as np
import pytest
from keras.src.backend import set_keras_mask as keras_set_mask
from loss_cases import CASES, both_losses, case_id, losses_shape, mask_like, sample_weight_for

from kerasish.engine.masking import set_keras_mask


def _one_case_per_class():
    chosen = {}
    for case in CASES:
        if case.init_kwargs or case.class_name not in chosen:
            chosen[case.class_name] = case
    return list(chosen.values())


@pytest.mark.parametrize("case", _one_case_per_class(), ids=case_id)
def test_jit_and_grad_match_keras(case):
    y_true, y_pred = case.arrays()
    rng = np.random.default_rng(3)
    shape = losses_shape(case, y_true, y_pred)
    sample_weight = sample_weight_for("per_element", shape, rng)
    mask = mask_like(shape, y_pred, rng) if shape else None
    ours, theirs = both_losses(case)

    def value_and_grad(loss, set_mask):
        def total(y_pred):
            if mask is not None:
                set_mask(y_pred, mask)
            return loss(y_true, y_pred, sample_weight=sample_weight)

        return jax.jit(jax.value_and_grad(total))(y_pred)

    our_value, our_grad = value_and_grad(ours, set_keras_mask)
    their_value, their_grad = value_and_grad(theirs, keras_set_mask)
    np.testing.assert_allclose(our_value, their_value, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(our_grad, their_grad, rtol=1e-4, atol=1e-6)
