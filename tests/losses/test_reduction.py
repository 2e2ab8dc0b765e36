"""`Loss`'s weighting and reduction against Keras 3: sample weights of any shape (drawn by
Hypothesis), masks, every reduction, and masks set by a loss on its own values."""

import jax.numpy as jnp
import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras.src.backend import set_keras_mask as keras_set_mask
from keras.src.losses import loss as keras_loss
from loss_cases import REDUCTIONS, assert_close, assert_same_outcome

from kerasish import ops
from kerasish.engine.masking import set_keras_mask
from kerasish.losses import loss as our_loss

DIMS = st.sampled_from([1, 2, 3])
SHAPES = st.lists(DIMS, min_size=0, max_size=3).map(tuple)


@st.composite
def weighting_problems(draw):
    """Per-sample losses with a sample weight and a mask of related (or unrelated) shapes."""
    values_shape = draw(SHAPES)
    related = [values_shape, values_shape[:-1], (*values_shape, 1), ()]
    related += [tuple(1 if draw(st.booleans()) else d for d in values_shape)]
    weight_shape = draw(st.one_of(st.none(), st.sampled_from(related), SHAPES))
    mask_shape = draw(st.one_of(st.none(), st.sampled_from(related[:3]), SHAPES))
    reduction = draw(st.sampled_from(REDUCTIONS))
    seed = draw(st.integers(0, 2**16))
    return values_shape, weight_shape, mask_shape, reduction, seed


@settings(max_examples=40, deadline=None)
@given(weighting_problems())
def test_reduce_weighted_values_matches_keras(problem):
    values_shape, weight_shape, mask_shape, reduction, seed = problem
    rng = np.random.default_rng(seed)
    values = rng.normal(size=values_shape).astype("float32")
    weight = None if weight_shape is None else rng.uniform(size=weight_shape).astype("float32")
    mask = None if mask_shape is None else rng.uniform(size=mask_shape) > 0.3
    arguments = dict(sample_weight=weight, mask=mask, reduction=reduction, dtype="float32")
    assert_same_outcome(
        lambda: our_loss.reduce_weighted_values(values, **arguments),
        lambda: keras_loss.reduce_weighted_values(values, **arguments),
    )


@pytest.mark.parametrize(
    "x1_shape, x2_shape",
    [((4,), (4, 1)), ((4, 1), (4,)), ((4, 3), (4, 3, 1)), ((4, 3, 1), (4, 3)), ((4, 2), (4,))],
)
@pytest.mark.parametrize("expand_rank_1", [True, False])
def test_squeeze_or_expand_to_same_rank_matches_keras(x1_shape, x2_shape, expand_rank_1):
    x1, x2 = np.zeros(x1_shape), np.zeros(x2_shape)
    ours = our_loss.squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1)
    theirs = keras_loss.squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1)
    assert [np.shape(x) for x in ours] == [np.shape(x) for x in theirs]


class _OurAbsoluteError(our_loss.Loss):
    """Element-wise losses that mask out their own negative targets."""

    def call(self, y_true, y_pred):
        values = ops.abs(y_true - y_pred)
        set_keras_mask(values, y_true >= 0)
        return values


class _KerasAbsoluteError(keras.losses.Loss):
    def call(self, y_true, y_pred):
        values = keras.ops.abs(y_true - y_pred)
        keras_set_mask(values, y_true >= 0)
        return values


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_custom_loss_mask_combines_with_input_mask_as_in_keras(reduction):
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 3, 4))
    input_mask = rng.uniform(size=(2, 3, 4)) > 0.3
    weight = rng.uniform(size=(2, 3, 1))
    ours = jnp.asarray(y_pred, "float32")
    set_keras_mask(ours, input_mask)
    theirs = keras.ops.convert_to_tensor(y_pred, "float32")
    keras_set_mask(theirs, input_mask)
    assert_close(
        _OurAbsoluteError(reduction=reduction)(y_true, ours, sample_weight=weight),
        _KerasAbsoluteError(reduction=reduction)(y_true, theirs, sample_weight=weight),
    )


def test_integer_inputs_are_cast_to_the_loss_dtype():
    y_true, y_pred = np.array([[1, 2]]), np.array([[2, 2]])
    ours = _OurAbsoluteError(dtype="bfloat16")(y_true, y_pred, sample_weight=[2])
    theirs = _KerasAbsoluteError(dtype="bfloat16")(y_true, y_pred, sample_weight=[2])
    assert_close(ours, theirs)


@pytest.mark.parametrize(
    "reduction, expected",
    [
        ("sum", 3.0),
        ("sum_over_batch_size", 0.75),  # divided by the 4 values, not by the weights' sum
        ("mean", 0.75),
        ("mean_with_sample_weight", 1.5),
        (None, [1.0, 2.0, 0.0, 0.0]),
        ("none", [1.0, 2.0, 0.0, 0.0]),
    ],
)
def test_reductions_by_hand(reduction, expected):
    values, weights = jnp.array([1.0, 2.0, 3.0, 4.0]), jnp.array([1.0, 1.0, 0.0, 0.0])
    reduced = our_loss.reduce_weighted_values(values, sample_weight=weights, reduction=reduction)
    np.testing.assert_allclose(reduced, expected)


def test_masked_mean_averages_over_kept_entries():
    values, mask = jnp.array([1.0, 2.0, 3.0, 4.0]), jnp.array([True, True, False, False])
    assert float(our_loss.reduce_weighted_values(values, mask=mask)) == 1.5
    assert float(our_loss.reduce_weighted_values(values, mask=mask, reduction="sum")) == 3.0
