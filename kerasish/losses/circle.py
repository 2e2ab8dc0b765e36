"""Circle loss (Sun et al., 2020): a metric-learning loss on L2-normalized embeddings.

Pairs of samples with the same integer label are pulled together and pairs with different
labels pushed apart, each pair weighted by how far it is from its optimum.

Example:
>>> embeddings = jnp.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
>>> [round(v, 4) for v in circle(jnp.array([0, 0, 1]), embeddings).tolist()]
[0.0, 0.0, 0.0]
"""

from kerasish import ops
from kerasish.engine.masking import set_keras_mask
from kerasish.losses.loss import BuiltinLoss
from kerasish.saving.serialization import keras_export

_MODULE = "keras.losses"


@keras_export(_MODULE)
def circle(
    y_true,
    y_pred,
    ref_labels=None,
    ref_embeddings=None,
    remove_diagonal=True,
    gamma=80,
    margin=0.4,
):
    """Per-sample circle loss of embeddings ``y_pred`` ``(batch, dim)`` with labels ``y_true``.

    Arguments:
        y_true: integer labels ``(batch,)``.
        y_pred: L2-normalized embeddings ``(batch, dim)``.
        ref_labels: labels of the reference embeddings; defaults to ``y_true``.
        ref_embeddings: L2-normalized references ``(refs, dim)``; defaults to ``y_pred``.
        remove_diagonal: whether a sample is left out of its own positive pairs.
        gamma: the scale of the similarity scores.
        margin: the relaxation margin.

    Returns:
        Losses ``(batch,)``, carrying a Keras mask of the entries that are above 0.
    """
    losses, positive = circle_with_mask(
        y_true, y_pred, ref_labels, ref_embeddings, remove_diagonal, gamma, margin
    )
    set_keras_mask(losses, positive)
    return losses


def circle_with_mask(
    y_true,
    y_pred,
    ref_labels=None,
    ref_embeddings=None,
    remove_diagonal=True,
    gamma=80,
    margin=0.4,
):
    """`circle` as ``(losses, losses > 0)``."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, "int32")
    ref_embeddings = y_pred if ref_embeddings is None else ops.convert_to_tensor(ref_embeddings)
    ref_labels = y_true if ref_labels is None else ops.cast(ref_labels, "int32")

    distances = ops.maximum(1 - ops.matmul(y_pred, ops.transpose(ref_embeddings)), 0.0)
    positive_mask, negative_mask = _pair_masks(y_true, ref_labels, remove_diagonal)
    positive_mask = ops.cast(positive_mask, dtype=distances.dtype)
    negative_mask = ops.cast(negative_mask, dtype=distances.dtype)

    # Optima: distance 0 - margin for positives and 1 + margin for negatives; decision
    # margins: distance margin for positives and 1 - margin for negatives.
    positive_weights = ops.maximum((margin + distances) * positive_mask, 0.0)
    negative_weights = ops.maximum((1 + margin - distances) * negative_mask, 0.0)
    positive_logits = -1 * gamma * positive_weights * (margin - distances)
    negative_logits = gamma * negative_weights * (1 - margin - distances)

    positive_loss = ops.logsumexp(ops.where(positive_mask, positive_logits, float("-inf")), axis=1)
    negative_loss = ops.logsumexp(ops.where(negative_mask, negative_logits, float("-inf")), axis=1)
    losses = ops.softplus(positive_loss + negative_loss)
    return losses, losses > 0


def _pair_masks(labels, ref_labels, remove_diagonal):
    """``(same label, different label)`` masks of shape ``(len(labels), len(ref_labels))``."""
    if ops.ndim(labels) == 1:
        labels = ops.reshape(labels, (-1, 1))
    if ops.ndim(ref_labels) == 1:
        ref_labels = ops.reshape(ref_labels, (-1, 1))
    positive = ops.equal(labels, ops.transpose(ref_labels))
    negative = ops.logical_not(positive)
    if remove_diagonal:
        off_diagonal = ~ops.eye(ops.size(labels), ops.size(ref_labels), k=0, dtype="bool")
        positive = ops.logical_and(positive, off_diagonal)
    return positive, negative


@keras_export(_MODULE)
class Circle(BuiltinLoss):
    """`circle` with scale ``gamma`` (80.0), ``margin`` (0.4) and ``remove_diagonal`` (True);
    see `Loss` for the other arguments. Zero losses are left out of the average."""

    config_keys = ("gamma", "margin", "remove_diagonal")

    def __init__(
        self,
        gamma=80.0,
        margin=0.4,
        remove_diagonal=True,
        reduction="sum_over_batch_size",
        name="circle",
        dtype=None,
    ):
        super().__init__(
            circle,
            reduction,
            name,
            dtype,
            gamma=gamma,
            margin=margin,
            remove_diagonal=remove_diagonal,
        )
