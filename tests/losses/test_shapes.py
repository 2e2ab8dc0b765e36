"""Rank matching and bad shapes: labels meet predictions as Keras matches them, and shapes
Keras rejects raise ValueErrors that name both shapes."""

import keras
import numpy as np
import pytest
from loss_cases import assert_close

import kerasish.losses as losses

RNG = np.random.default_rng(0)
COLUMN = RNG.uniform(0.1, 0.9, (4, 1)).astype("float32")
VECTOR = RNG.integers(0, 2, (4,)).astype("float32")


@pytest.mark.parametrize(
    "class_name",
    ["MeanSquaredError", "MeanAbsoluteError", "BinaryCrossentropy", "Hinge", "Huber", "LogCosh"],
)
@pytest.mark.parametrize("reduction", [None, "sum_over_batch_size"])
def test_vector_labels_meet_column_predictions_as_in_keras(class_name, reduction):
    # (batch,) labels are expanded to (batch, 1), never broadcast to (batch, batch).
    ours = getattr(losses, class_name)(reduction=reduction)(VECTOR, COLUMN)
    theirs = getattr(keras.losses, class_name)(reduction=reduction)(VECTOR, COLUMN)
    assert_close(ours, theirs)
    if reduction is None:
        assert ours.shape == (4,)


def test_trailing_unit_axis_is_squeezed_as_in_keras():
    y_true = RNG.normal(size=(4, 3)).astype("float32")
    y_pred = RNG.normal(size=(4, 3, 1)).astype("float32")
    ours = losses.MeanSquaredError(reduction=None)(y_true, y_pred)
    assert_close(ours, keras.losses.MeanSquaredError(reduction=None)(y_true, y_pred))
    assert ours.shape == (4,)


def test_sparse_labels_with_trailing_unit_axis():
    labels, logits = np.array([[1], [0], [2]]), RNG.normal(size=(3, 3)).astype("float32")
    ours = losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    theirs = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    assert_close(ours, theirs)


def _same_value_error(ours, theirs, match):
    with pytest.raises(ValueError) as their_error:
        theirs()
    with pytest.raises(ValueError, match=match) as our_error:
        ours()
    assert str(our_error.value) == str(their_error.value)


def test_sparse_labels_of_wrong_rank():
    labels, probabilities = np.zeros((4, 2)), np.full((4, 6), 1 / 6, "float32")
    _same_value_error(
        lambda: losses.SparseCategoricalCrossentropy()(labels, probabilities),
        lambda: keras.losses.SparseCategoricalCrossentropy()(labels, probabilities),
        match=r"target.shape=\(4, 2\), output.shape=\(4, 6\)",
    )


def test_binary_crossentropy_function_with_mismatched_shapes():
    _same_value_error(
        lambda: losses.binary_crossentropy(VECTOR, COLUMN),
        lambda: keras.losses.binary_crossentropy(VECTOR, COLUMN),
        match=r"target.shape=\(4,\), output.shape=\(4, 1\)",
    )


def test_categorical_crossentropy_with_mismatched_shapes():
    y_true, y_pred = np.eye(3, dtype="float32")[:2], np.full((2, 4), 0.25, "float32")
    _same_value_error(
        lambda: losses.CategoricalCrossentropy()(y_true, y_pred),
        lambda: keras.losses.CategoricalCrossentropy()(y_true, y_pred),
        match=r"target.shape=\(2, 3\), output.shape=\(2, 4\)",
    )


@pytest.mark.parametrize(
    "y_true, y_pred",
    [(np.zeros((4,)), np.zeros((4, 4, 3))), (np.zeros((4, 3)), np.zeros((4, 3)))],
)
def test_ctc_input_ranks(y_true, y_pred):
    _same_value_error(
        lambda: losses.CTC()(y_true, y_pred),
        lambda: keras.losses.CTC()(y_true, y_pred),
        match="expected to be a tensor of shape",
    )


@pytest.mark.parametrize(
    "function_name",
    [
        "mean_squared_error",
        "mean_absolute_error",
        "mean_absolute_percentage_error",
        "mean_squared_logarithmic_error",
        "cosine_similarity",
        "huber",
        "log_cosh",
        "hinge",
        "squared_hinge",
        "categorical_hinge",
        "kl_divergence",
        "poisson",
        "dice",
        "tversky",
    ],
)
def test_incompatible_shapes_name_both(function_name):
    # Keras's JAX backend raises a TypeError from broadcasting here; ours says which shapes.
    y_true, y_pred = np.ones((4, 3), "float32"), np.ones((4, 2), "float32")
    with pytest.raises(TypeError):
        getattr(keras.losses, function_name)(y_true, y_pred)
    with pytest.raises(ValueError, match=r"y_true.shape=\(4, 3\), y_pred.shape=\(4, 2\)"):
        getattr(losses, function_name)(y_true, y_pred)


def test_keras_broadcasts_these_so_do_we():
    # (3,) labels against (4, 3) predictions broadcast in Keras; they do here too.
    y_true, y_pred = np.ones((3,), "float32"), RNG.normal(size=(4, 3)).astype("float32")
    ours = losses.MeanSquaredError(reduction=None)(y_true, y_pred)
    assert_close(ours, keras.losses.MeanSquaredError(reduction=None)(y_true, y_pred))


def test_sample_weight_that_does_not_broadcast():
    y_true = y_pred = np.ones((4, 3, 2), "float32")  # per-sample losses of shape (4, 3)
    with pytest.raises(ValueError, match="Incompatible shapes"):
        keras.losses.MeanSquaredError()(y_true, y_pred, sample_weight=np.ones(4))
    with pytest.raises(ValueError, match=r"sample_weight.shape=\(4,\), losses shape=\(4, 3\)"):
        losses.MeanSquaredError()(y_true, y_pred, sample_weight=np.ones(4))


def test_categorical_crossentropy_warns_about_a_single_class():
    with pytest.warns(SyntaxWarning, match="num_classes > 1"):
        losses.categorical_crossentropy(np.ones((2, 1)), np.ones((2, 1)))
