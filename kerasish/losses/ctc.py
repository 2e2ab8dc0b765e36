"""CTC, the Connectionist Temporal Classification loss of unaligned label sequences.

Example:
>>> y_true = jnp.array([[1, 2, 0]])  # label ids; 0 is the blank and pads the labels
>>> [round(v, 4) for v in ctc(y_true, jnp.zeros((1, 4, 3))).tolist()]
[1.6864]
"""

from kerasish import ops
from kerasish.losses.loss import BuiltinLoss
from kerasish.saving.serialization import keras_export

_MODULE = "keras.losses"
_BLANK = 0


@keras_export(_MODULE)
def ctc(y_true, y_pred):
    """Per-sequence CTC loss.

    Arguments:
        y_true: integer labels ``(batch, max_label_length)``; 0 is the blank, used only as
            padding after each sequence's labels.
        y_pred: logits ``(batch, time, num_classes)`` (not softmax-normalized); every time
            step counts.

    Returns:
        Losses ``(batch,)``.
    """
    if len(ops.shape(y_true)) != 2:
        raise ValueError(
            "Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` "
            f"in integer format. Received: y_true.shape={ops.shape(y_true)}"
        )
    if len(ops.shape(y_pred)) != 3:
        raise ValueError(
            "Logits `y_pred` are expected to be a tensor of shape "
            f"`(batch_size, max_length, num_classes)`. Received: y_pred.shape={ops.shape(y_pred)}"
        )
    batch_size, time_steps = ops.shape(y_pred)[:2]
    output_length = time_steps * ops.ones((batch_size,), dtype="int32")
    label_length = ops.cast(ops.sum(y_true != _BLANK, axis=-1), dtype="int32")
    return ops.ctc_loss(y_true, y_pred, label_length, output_length, mask_index=_BLANK)


@keras_export(_MODULE)
class CTC(BuiltinLoss):
    """`ctc`; see `Loss` for the arguments."""

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, reduction, name, dtype)
