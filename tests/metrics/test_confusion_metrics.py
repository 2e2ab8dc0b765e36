"""Confusion-count metrics and `AUC` against Keras 3."""

import keras
import numpy as np
import pytest
from metric_parity import (
    Case,
    assert_same_values,
    binary_labels_and_scores,
    check_metric,
    make_pair,
    per_sample_weight,
    weight_like,
)

import kerasish.metrics


def logits(*shape):
    def make(rng):
        return rng.randint(0, 2, size=shape).astype("float32"), rng.normal(size=shape).astype(
            "float32"
        )

    return make


def with_exact_scores(*shape):
    """Scores on the threshold grid, 0 and 1 included, to pin down the boundaries."""

    def make(rng):
        scores = rng.randint(0, 5, size=shape).astype("float32") / 4
        return rng.randint(0, 2, size=shape).astype("float32"), scores

    return make


def labels_n_by_1(rng):
    return rng.randint(0, 2, size=(8,)).astype("int32"), rng.rand(8, 1).astype("float32")


CASES = [
    Case("TruePositives", {}, binary_labels_and_scores(8, 3), per_sample_weight),
    Case(
        "FalsePositives",
        {"thresholds": [0.2, 0.6]},
        binary_labels_and_scores(8, 3),
        per_sample_weight,
    ),
    Case("TrueNegatives", {"thresholds": 0.3}, binary_labels_and_scores(8, 3), weight_like(2)),
    Case(
        "FalseNegatives",
        {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]},
        with_exact_scores(8, 3),
        per_sample_weight,
        id="FalseNegatives-even-thresholds",
    ),
    Case("Precision", {}, binary_labels_and_scores(8, 3), per_sample_weight),
    Case(
        "Precision", {"thresholds": [0.1, 0.5, 0.9]}, binary_labels_and_scores(8, 3), weight_like(2)
    ),
    Case("Precision", {"top_k": 2}, binary_labels_and_scores(8, 3), per_sample_weight),
    Case(
        "Precision",
        {"class_id": 1, "thresholds": 0.4},
        binary_labels_and_scores(8, 3),
        per_sample_weight,
    ),
    Case("Recall", {}, labels_n_by_1, per_sample_weight, id="Recall-labels-rank1"),
    Case("Recall", {"top_k": 1, "class_id": 2}, binary_labels_and_scores(8, 3), per_sample_weight),
    Case(
        "Recall",
        {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]},
        with_exact_scores(8, 3),
        per_sample_weight,
        id="Recall-even-thresholds-exact-scores",
    ),
    Case("PrecisionAtRecall", {"recall": 0.6}, binary_labels_and_scores(8, 3), per_sample_weight),
    Case(
        "RecallAtPrecision",
        {"precision": 0.5, "num_thresholds": 11},
        binary_labels_and_scores(8, 3),
        per_sample_weight,
    ),
    Case(
        "SensitivityAtSpecificity",
        {"specificity": 0.5, "class_id": 1},
        binary_labels_and_scores(8, 3),
        per_sample_weight,
    ),
    Case(
        "SpecificityAtSensitivity",
        {"sensitivity": 0.7, "num_thresholds": 1},
        binary_labels_and_scores(8, 3),
        per_sample_weight,
    ),
    Case("AUC", {}, binary_labels_and_scores(8, 3), per_sample_weight),
    Case(
        "AUC",
        {"num_thresholds": 5},
        with_exact_scores(8, 3),
        per_sample_weight,
        id="AUC-exact-scores",
    ),
    Case("AUC", {"curve": "PR"}, binary_labels_and_scores(8, 3), per_sample_weight),
    Case(
        "AUC",
        {"curve": "PR", "summation_method": "majoring", "label_weights": [0.2, 1.0, 0.5]},
        binary_labels_and_scores(8, 3),
        per_sample_weight,
    ),
    Case(
        "AUC",
        {"curve": "PRGAIN", "summation_method": "minoring"},
        binary_labels_and_scores(8, 3),
        per_sample_weight,
    ),
    Case("AUC", {"thresholds": [0.7, 0.2, 0.5]}, binary_labels_and_scores(8, 3), per_sample_weight),
    Case(
        "AUC",
        {"multi_label": True, "num_labels": 3},
        binary_labels_and_scores(8, 3),
        per_sample_weight,
    ),
    Case(
        "AUC",
        {"multi_label": True, "num_labels": 3, "label_weights": [0.2, 1.0, 0.5], "curve": "PR"},
        binary_labels_and_scores(8, 3),
        weight_like(2),
    ),
    Case("AUC", {"from_logits": True, "num_thresholds": 50}, logits(8, 3), per_sample_weight),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_against_keras(case):
    check_metric(case)


def test_auc_multi_label_builds_from_first_batch():
    ours, theirs = make_pair("AUC", {"multi_label": True})
    assert ours.variables == [] and ours.stateless_reset_state() == []
    rng = np.random.RandomState(0)
    y_true, y_pred = binary_labels_and_scores(6, 4)(rng)
    ours.update_state(y_true, y_pred)
    theirs.update_state(y_true, y_pred)
    assert [v.shape for v in ours.variables] == [(200, 4)] * 4
    assert_same_values(ours.result(), theirs.result())


def test_auc_unbuilt_stateless_update_says_what_to_do():
    metric = kerasish.metrics.AUC(multi_label=True)
    with pytest.raises(ValueError, match="symbolic_build"):
        metric.stateless_update_state([], np.ones((2, 3)), np.ones((2, 3)))
    metric.symbolic_build(np.ones((2, 3)), np.ones((2, 3)))
    state = metric.stateless_update_state(
        metric.stateless_reset_state(), np.ones((2, 3)), np.ones((2, 3))
    )
    assert [s.shape for s in state] == [(200, 3)] * 4


@pytest.mark.parametrize(
    "class_name, kwargs",
    [
        ("Precision", {"thresholds": [0.5, 1.5]}),
        ("AUC", {"num_thresholds": 1}),
        ("AUC", {"curve": "XY"}),
        ("AUC", {"summation_method": "sideways"}),
        ("AUC", {"num_labels": 3}),
        ("PrecisionAtRecall", {"recall": 1.5}),
        ("SensitivityAtSpecificity", {"specificity": 0.5, "num_thresholds": 0}),
    ],
)
def test_invalid_arguments_raise_as_keras(class_name, kwargs):
    with pytest.raises(ValueError) as ours:
        getattr(kerasish.metrics, class_name)(**kwargs)
    with pytest.raises(ValueError) as theirs:
        getattr(keras.metrics, class_name)(**kwargs)
    assert str(ours.value) == str(theirs.value)
