"""Random batch sequences (sizes, weights, values drawn by Hypothesis) against Keras 3."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metric_parity import assert_same_values, make_pair

FEATURES = 3


def draw_batch(kind, rng, size):
    if kind == "values":
        return (rng.normal(size=(size, FEATURES)).astype("float32"),)
    if kind == "binary":
        return (
            rng.randint(0, 2, size=(size, FEATURES)).astype("float32"),
            rng.uniform(0, 1, size=(size, FEATURES)).astype("float32"),
        )
    if kind == "classes":
        return (
            rng.randint(0, FEATURES, size=(size,)).astype("int32"),
            rng.randint(0, FEATURES, size=(size,)).astype("int32"),
        )
    logits = rng.normal(size=(size, FEATURES)).astype("float32")
    return rng.randint(0, FEATURES, size=(size,)).astype("int32"), logits


METRICS = [
    ("Mean", {}, "values", "float"),
    ("AUC", {"num_thresholds": 7}, "binary", "float"),
    ("AUC", {"curve": "PR", "multi_label": True, "num_labels": FEATURES}, "binary", "float"),
    ("Precision", {"thresholds": [0.3, 0.6]}, "binary", "float"),
    ("BinaryAccuracy", {}, "binary", "float"),
    ("MeanIoU", {"num_classes": FEATURES}, "classes", "int"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "logits", "float"),
]

batch_plans = st.lists(st.tuples(st.sampled_from([2, 8]), st.booleans()), min_size=1, max_size=4)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(metric=st.sampled_from(METRICS), plan=batch_plans, seed=st.integers(0, 2**16))
def test_random_batch_sequences(metric, plan, seed):
    class_name, kwargs, kind, weight_kind = metric
    rng = np.random.RandomState(seed)
    ours, theirs = make_pair(class_name, kwargs)
    state = ours.stateless_reset_state()
    for size, weighted in plan:
        args = draw_batch(kind, rng, size)
        weights = {}
        if weighted:
            weight = rng.uniform(0, 2, size=(size,))
            weights = {
                "sample_weight": weight.astype("int32" if weight_kind == "int" else "float32")
            }
        ours.update_state(*args, **weights)
        theirs.update_state(*args, **weights)
        state = ours.stateless_update_state(state, *args, **weights)
        assert_same_values(ours.result(), theirs.result())
    assert_same_values(ours.stateless_result(state), theirs.result())
