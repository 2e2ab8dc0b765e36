"""`F1Score` and `FBetaScore` against Keras 3; their variables come from the first batch."""

import jax
import keras
import numpy as np
import pytest
from metric_parity import Case, binary_labels_and_scores, check_metric, per_sample_weight

import kerasish.metrics

CASES = [
    Case("F1Score", {}, binary_labels_and_scores(8, 3), per_sample_weight),
    Case(
        "F1Score",
        {"average": "micro", "threshold": 0.5},
        binary_labels_and_scores(8, 3),
        per_sample_weight,
    ),
    Case("F1Score", {"average": "macro"}, binary_labels_and_scores(8, 3), per_sample_weight),
    Case(
        "FBetaScore",
        {"beta": 2.0, "average": "weighted"},
        binary_labels_and_scores(8, 3),
        per_sample_weight,
    ),
    Case(
        "FBetaScore",
        {"beta": 0.5, "threshold": 0.3},
        binary_labels_and_scores(8, 4),
        per_sample_weight,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_against_keras(case):
    # `check_metric` updates statefully first, which builds the variables.
    check_metric(case)


def test_symbolic_build_from_shapes_then_pure_api():
    metric = kerasish.metrics.F1Score(average="macro")
    spec = jax.ShapeDtypeStruct((8, 3), "float32")
    metric.symbolic_build(spec, spec)
    assert [v.path for v in metric.variables] == [
        "f1_score/true_positives",
        "f1_score/false_positives",
        "f1_score/false_negatives",
        "f1_score/intermediate_weights",
    ]
    reference = keras.metrics.F1Score(average="macro")
    y_true, y_pred = binary_labels_and_scores(8, 3)(np.random.RandomState(0))
    reference.update_state(y_true, y_pred)
    state = jax.jit(metric.stateless_update_state)(metric.stateless_reset_state(), y_true, y_pred)
    np.testing.assert_allclose(metric.stateless_result(state), reference.result(), rtol=1e-5)


@pytest.mark.parametrize(
    "kwargs",
    [{"average": "median"}, {"beta": 1}, {"beta": -1.0}, {"threshold": 1}, {"threshold": 1.5}],
)
def test_invalid_arguments_raise_as_keras(kwargs):
    with pytest.raises(ValueError) as ours:
        kerasish.metrics.FBetaScore(**kwargs)
    with pytest.raises(ValueError) as theirs:
        keras.metrics.FBetaScore(**kwargs)
    assert str(ours.value) == str(theirs.value)


def test_rank_1_inputs_rejected():
    with pytest.raises(ValueError, match="FBetaScore expects 2D inputs"):
        kerasish.metrics.F1Score().update_state(np.ones(3), np.ones(3))
