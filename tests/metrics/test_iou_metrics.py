"""IoU metrics against Keras 3 (integer confusion matrices, integer weights)."""

import numpy as np
import pytest
from metric_parity import Case, check_metric


def segmentation(classes, shape=(2, 4, 4), low=0):
    def make(rng):
        return (
            rng.randint(low, classes, size=shape).astype("int32"),
            rng.randint(low, classes, size=shape).astype("int32"),
        )

    return make


def one_hot_segmentation(classes, sparse_y_pred=False):
    def make(rng):
        labels = np.eye(classes, dtype="float32")[rng.randint(0, classes, size=(2, 4, 4))]
        scores = rng.rand(2, 4, 4, classes).astype("float32")
        return labels, np.argmax(scores, -1).astype("int32") if sparse_y_pred else scores

    return make


def binary_scores(rng):
    return rng.randint(0, 2, size=(2, 4, 4)).astype("int32"), rng.rand(2, 4, 4).astype("float32")


def integer_weights(rng, args):
    """One integer weight per pixel (float weights would be truncated to the int dtype)."""
    return rng.randint(0, 3, size=np.shape(args[1])[:3]).astype("int32")


CASES = [
    Case("IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, segmentation(3), integer_weights),
    Case(
        "IoU",
        {"num_classes": 3, "target_class_ids": [1], "ignore_class": 0},
        segmentation(3),
        integer_weights,
        id="IoU-ignore-class",
    ),
    Case(
        "IoU",
        {"num_classes": 3, "target_class_ids": [0, 1, 2]},
        segmentation(5, low=-1),
        integer_weights,
        id="IoU-out-of-range-labels",
    ),
    Case("MeanIoU", {"num_classes": 4}, segmentation(4), integer_weights),
    Case(
        "MeanIoU",
        {"num_classes": 3, "sparse_y_true": False, "sparse_y_pred": False},
        one_hot_segmentation(3),
        integer_weights,
    ),
    Case("BinaryIoU", {}, binary_scores, integer_weights),
    Case("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, binary_scores, integer_weights),
    Case(
        "OneHotIoU",
        {"num_classes": 3, "target_class_ids": [0, 1]},
        one_hot_segmentation(3),
        integer_weights,
    ),
    Case(
        "OneHotIoU",
        {"num_classes": 3, "target_class_ids": [2], "sparse_y_pred": True},
        one_hot_segmentation(3, sparse_y_pred=True),
        integer_weights,
    ),
    Case(
        "OneHotMeanIoU",
        {"num_classes": 3, "ignore_class": 1},
        one_hot_segmentation(3),
        integer_weights,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_against_keras(case):
    check_metric(case)


def test_target_class_out_of_range():
    import kerasish.metrics

    with pytest.raises(ValueError, match=r"Target class id 3 is out of range, which is \[0, 3\)"):
        kerasish.metrics.IoU(num_classes=3, target_class_ids=[3])
