"""Cross-entropy, KL divergence, Poisson and hinge metrics against Keras 3."""

import jax.numpy as jnp
import keras
import numpy as np
import pytest
from metric_parity import (
    Case,
    assert_same_values,
    binary_labels_and_scores,
    check_metric,
    make_pair,
    one_hot_and_probabilities,
    per_sample_weight,
    regression,
    sparse_and_probabilities,
)

import kerasish.metrics


def logits_with_one_hot(batch, classes):
    def make(rng):
        labels = rng.randint(0, classes, size=batch)
        return np.eye(classes, dtype="float32")[labels], rng.normal(size=(batch, classes)).astype(
            "float32"
        )

    return make


def sparse_logits_with_ignored(rng):
    labels = rng.randint(-1, 3, size=(8,)).astype("int32")  # -1 is the ignored class
    return labels, rng.normal(size=(8, 3)).astype("float32")


def signed_labels(rng):
    return rng.choice([-1.0, 1.0], size=(8, 3)).astype("float32"), rng.normal(size=(8, 3)).astype(
        "float32"
    )


CASES = [
    Case("BinaryCrossentropy", {}, binary_labels_and_scores(8, 3), per_sample_weight),
    Case(
        "BinaryCrossentropy",
        {"from_logits": True, "label_smoothing": 0.1},
        regression(8, 3, low=0, high=1),
        per_sample_weight,
    ),
    Case("CategoricalCrossentropy", {}, one_hot_and_probabilities(8, 3), per_sample_weight),
    Case(
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        logits_with_one_hot(8, 3),
        per_sample_weight,
    ),
    Case("SparseCategoricalCrossentropy", {}, sparse_and_probabilities(8, 3), per_sample_weight),
    Case(
        "SparseCategoricalCrossentropy",
        {"from_logits": True, "ignore_class": -1},
        sparse_logits_with_ignored,
        per_sample_weight,
    ),
    Case("KLDivergence", {}, one_hot_and_probabilities(8, 3), per_sample_weight),
    Case("Poisson", {}, regression(8, 3, low=0.0, high=3.0), per_sample_weight),
    Case("Hinge", {}, binary_labels_and_scores(8, 3), per_sample_weight),
    Case("Hinge", {}, signed_labels, per_sample_weight, id="Hinge-signed-labels"),
    Case("SquaredHinge", {}, binary_labels_and_scores(8, 3), per_sample_weight),
    Case("CategoricalHinge", {}, one_hot_and_probabilities(8, 3), per_sample_weight),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_against_keras(case):
    check_metric(case)


def test_ignore_class_mask_reaches_the_mean_only_with_weights():
    """Keras folds the mask of the per-sample values into the mean only when weighted."""
    rng = np.random.RandomState(4)
    y_true, y_pred = sparse_logits_with_ignored(rng)
    for weight in (None, np.ones(8, "float32")):
        ours, theirs = make_pair(
            "SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": -1}
        )
        kwargs = {} if weight is None else {"sample_weight": weight}
        ours.update_state(y_true, y_pred, **kwargs)
        theirs.update_state(y_true, y_pred, **kwargs)
        assert_same_values(ours.result(), theirs.result())


FUNCTIONS = [
    ("binary_crossentropy", binary_labels_and_scores(8, 3), {"label_smoothing": 0.1}),
    ("binary_focal_crossentropy", binary_labels_and_scores(8, 3), {"apply_class_balancing": True}),
    ("categorical_crossentropy", one_hot_and_probabilities(8, 3), {}),
    ("categorical_focal_crossentropy", logits_with_one_hot(8, 3), {"from_logits": True}),
    ("sparse_categorical_crossentropy", sparse_and_probabilities(8, 3), {}),
    ("kl_divergence", one_hot_and_probabilities(8, 3), {}),
    ("poisson", regression(8, 3, low=0.0, high=2.0), {}),
    ("hinge", signed_labels, {}),
    ("squared_hinge", binary_labels_and_scores(8, 3), {}),
    ("categorical_hinge", one_hot_and_probabilities(8, 3), {}),
]


@pytest.mark.parametrize("name, make, kwargs", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_function_forms(name, make, kwargs):
    y_true, y_pred = make(np.random.RandomState(2))
    ours = getattr(kerasish.metrics, name)(y_true, jnp.asarray(y_pred), **kwargs)
    theirs = getattr(keras.metrics, name)(y_true, jnp.asarray(y_pred), **kwargs)
    assert_same_values(ours, theirs)
