"""Accuracy metrics and their function forms against Keras 3."""

import keras
import numpy as np
import pytest
from metric_parity import (
    Case,
    assert_same_values,
    binary_labels_and_scores,
    check_metric,
    one_hot_and_probabilities,
    per_sample_weight,
    sparse_and_probabilities,
)

import kerasish.metrics


def integer_labels(rng):
    return (
        rng.randint(0, 3, size=(8, 1)).astype("float32"),
        rng.randint(0, 3, size=(8, 1)).astype("float32"),
    )


def sequence_one_hot(rng):
    labels = rng.randint(0, 4, size=(3, 5))
    return np.eye(4, dtype="float32")[labels], rng.rand(3, 5, 4).astype("float32")


def sorted_ids(rng):
    return rng.randint(0, 6, size=(8,)), np.argsort(-rng.rand(8, 6), axis=-1).astype("int32")


CASES = [
    Case("Accuracy", {}, integer_labels, per_sample_weight),
    Case("BinaryAccuracy", {}, binary_labels_and_scores(8, 3), per_sample_weight),
    Case("BinaryAccuracy", {"threshold": 0.7}, binary_labels_and_scores(8, 1), per_sample_weight),
    Case("CategoricalAccuracy", {}, one_hot_and_probabilities(8, 3), per_sample_weight),
    Case("CategoricalAccuracy", {}, sequence_one_hot, per_sample_weight, id="Categorical-seq"),
    Case("SparseCategoricalAccuracy", {}, sparse_and_probabilities(8, 3), per_sample_weight),
    Case(
        "SparseCategoricalAccuracy",
        {},
        sparse_and_probabilities(8, 3, label_shape=(8, 1)),
        per_sample_weight,
        id="SparseCategorical-labels-n1",
    ),
    Case("TopKCategoricalAccuracy", {"k": 2}, one_hot_and_probabilities(8, 3), per_sample_weight),
    Case("TopKCategoricalAccuracy", {}, sequence_one_hot, per_sample_weight, id="TopK-seq"),
    Case(
        "SparseTopKCategoricalAccuracy",
        {"k": 2},
        sparse_and_probabilities(8, 3),
        per_sample_weight,
    ),
    Case(
        "SparseTopKCategoricalAccuracy",
        {"k": 3, "from_sorted_ids": True},
        sorted_ids,
        per_sample_weight,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_against_keras(case):
    check_metric(case)


FUNCTIONS = [
    ("binary_accuracy", binary_labels_and_scores(8, 3), {"threshold": 0.3}),
    ("categorical_accuracy", one_hot_and_probabilities(8, 3), {}),
    ("sparse_categorical_accuracy", sparse_and_probabilities(8, 3, label_shape=(8, 1)), {}),
    ("top_k_categorical_accuracy", one_hot_and_probabilities(8, 3), {"k": 2}),
    ("sparse_top_k_categorical_accuracy", sparse_and_probabilities(8, 3), {"k": 2}),
    ("sparse_top_k_categorical_accuracy", sorted_ids, {"k": 2, "from_sorted_ids": True}),
]


@pytest.mark.parametrize("name, make, kwargs", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_function_forms(name, make, kwargs):
    args = make(np.random.RandomState(1))
    ours = getattr(kerasish.metrics, name)(*args, **kwargs)
    theirs = getattr(keras.metrics, name)(*args, **kwargs)
    assert_same_values(ours, theirs)
