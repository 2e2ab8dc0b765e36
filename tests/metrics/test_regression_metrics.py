"""Regression and correlation metrics against Keras 3."""

import jax
import keras
import numpy as np
import pytest
from metric_parity import (
    Case,
    assert_same_values,
    check_metric,
    per_sample_weight,
    regression,
    weight_like,
)

import kerasish.metrics


def column_and_flat(rng):
    return rng.rand(8).astype("float32"), rng.rand(8, 1).astype("float32")


CASES = [
    Case("MeanSquaredError", {}, regression(8, 3), per_sample_weight),
    Case("MeanSquaredError", {}, column_and_flat, per_sample_weight, id="MSE-rank-mismatch"),
    Case("RootMeanSquaredError", {}, regression(8, 3), per_sample_weight),
    Case(
        "RootMeanSquaredError", {}, regression(8, 3), weight_like(2), id="RMSE-elementwise-weights"
    ),
    Case("MeanAbsoluteError", {}, regression(8, 3), per_sample_weight),
    Case("MeanAbsolutePercentageError", {}, regression(8, 3, low=0.5, high=2.0), per_sample_weight),
    Case("MeanSquaredLogarithmicError", {}, regression(8, 3, low=0.0, high=3.0), per_sample_weight),
    Case("CosineSimilarity", {}, regression(8, 3), per_sample_weight),
    Case(
        "CosineSimilarity", {"axis": 1}, regression(8, 3, 2), per_sample_weight, id="Cosine-axis1"
    ),
    Case("LogCoshError", {}, regression(8, 3, low=-3, high=3), per_sample_weight),
    Case("R2Score", {}, regression(8, 3), per_sample_weight),
    Case(
        "R2Score",
        {"class_aggregation": "variance_weighted_average"},
        regression(8, 3),
        per_sample_weight,
    ),
    Case(
        "R2Score",
        {"class_aggregation": None, "num_regressors": 2},
        regression(8, 3),
        per_sample_weight,
    ),
    Case("PearsonCorrelation", {}, regression(8, 3), per_sample_weight),
    Case(
        "ConcordanceCorrelation",
        {"axis": 0},
        regression(8, 3),
        lambda rng, args: rng.uniform(0, 2, size=(3,)).astype("float32"),
        id="Concordance-axis0",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_against_keras(case):
    check_metric(case)


def test_adjusted_r2_falls_back_when_samples_are_few():
    ours, theirs = (
        kerasish.metrics.R2Score(num_regressors=5),
        keras.metrics.R2Score(num_regressors=5),
    )
    y_true, y_pred = regression(4, 1)(np.random.RandomState(0))
    ours.update_state(y_true, y_pred)
    theirs.update_state(y_true, y_pred)
    with pytest.warns(UserWarning, match="More independent predictors"):
        expected = theirs.result()
    with pytest.warns(UserWarning, match="More independent predictors"):
        assert_same_values(ours.result(), expected)
    # Traced, the fallback is a `where`: no warning, no host sync, same number.
    state = [v.value for v in ours.variables]
    assert_same_values(jax.jit(ours.stateless_result)(state), expected)


FUNCTIONS = [
    "mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "log_cosh",
    "huber",
    "pearson_correlation",
    "concordance_correlation",
]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_forms(name):
    y_true, y_pred = regression(8, 3, low=0.1, high=2.0)(np.random.RandomState(3))
    assert_same_values(
        getattr(kerasish.metrics, name)(y_true, y_pred),
        getattr(keras.metrics, name)(y_true, y_pred),
    )
