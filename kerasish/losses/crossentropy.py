"""Cross-entropy losses: binary, categorical and sparse, their focal variants, and the
noise-robust generalized cross-entropy.

``from_logits=True`` reads ``y_pred`` as logits; otherwise as probabilities, clipped to
``[epsilon, 1 - epsilon]`` (categorical ones first renormalized to sum to 1).

Example:
>>> round(float(binary_crossentropy(jnp.array([1.0, 0.0]), jnp.array([0.0, 0.0]), from_logits=True)), 4)
0.6931
>>> loss = SparseCategoricalCrossentropy(from_logits=True)
>>> round(float(loss(jnp.array([0, 1]), jnp.array([[0.0, 0.0], [0.0, 0.0]]))), 4)
0.6931
"""

import warnings

from kerasish import ops
from kerasish.backend.config import epsilon
from kerasish.engine.masking import set_keras_mask
from kerasish.losses.loss import BuiltinLoss
from kerasish.saving.serialization import keras_export

_MODULE = "keras.losses"


def _smooth_binary_labels(y_true, label_smoothing):
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing


def _smooth_categorical_labels(y_true, y_pred, label_smoothing):
    if not label_smoothing:
        return y_true
    num_classes = ops.cast(ops.shape(y_true)[-1], y_pred.dtype)
    return y_true * (1.0 - label_smoothing) + (label_smoothing / num_classes)


def _check_categorical_arguments(y_pred, axis, function_name):
    if isinstance(axis, bool):
        raise ValueError(
            f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}"
        )
    if y_pred.shape[-1] == 1:
        warnings.warn(
            f"In loss {function_name}, expected y_pred.shape to be (batch_size, num_classes) "
            f"with num_classes > 1. Received: y_pred.shape={y_pred.shape}. "
            "Consider using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


@keras_export(_MODULE)
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Element-wise binary cross-entropy, averaged over ``axis``.

    Arguments:
        y_true: 0/1 targets, the shape of ``y_pred``.
        y_pred: probabilities, or logits when ``from_logits``.
        label_smoothing: in [0, 1]; targets become ``y * (1 - s) + 0.5 * s``.
        axis: the axis to average over.

    Example:
    >>> [round(v, 4) for v in binary_crossentropy(jnp.array([[0.0, 1.0]]), jnp.array([[0.5, 0.5]])).tolist()]
    [0.6931]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = _smooth_binary_labels(ops.cast(y_true, y_pred.dtype), label_smoothing)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


@keras_export(_MODULE)
def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Binary cross-entropy scaled by the focal factor ``(1 - p_t) ** gamma``, averaged over
    ``axis`` (Lin et al., 2018); ``p_t`` is the probability given to the true class.

    Arguments:
        apply_class_balancing: also weigh class 1 by ``alpha`` and class 0 by ``1 - alpha``.
        alpha: the class-1 weight when balancing.
        gamma: the focusing exponent (0 gives binary cross-entropy).
        from_logits, label_smoothing, axis: as in `binary_crossentropy`.

    Example:
    >>> [round(v, 4) for v in binary_focal_crossentropy(jnp.array([[1.0]]), jnp.array([[0.5]])).tolist()]
    [0.1733]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = _smooth_binary_labels(ops.cast(y_true, y_pred.dtype), label_smoothing)
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    crossentropy = ops.binary_crossentropy(target=y_true, output=y_pred, from_logits=False)
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    focal_crossentropy = ops.power(1.0 - p_t, gamma) * crossentropy
    if apply_class_balancing:
        focal_crossentropy = (y_true * alpha + (1 - y_true) * (1 - alpha)) * focal_crossentropy
    return ops.mean(focal_crossentropy, axis=axis)


@keras_export(_MODULE)
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy between one-hot (or soft) ``y_true`` and ``y_pred`` along ``axis``.

    Arguments:
        label_smoothing: in [0, 1]; targets become ``y * (1 - s) + s / num_classes``.
        from_logits, axis: see the module docstring; ``axis`` is the class axis.

    Example:
    >>> [round(v, 4) for v in categorical_crossentropy(jnp.array([[0.0, 1.0]]), jnp.array([[0.5, 0.5]])).tolist()]
    [0.6931]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    _check_categorical_arguments(y_pred, axis, "categorical_crossentropy")
    y_true = ops.cast(y_true, y_pred.dtype)
    y_true = _smooth_categorical_labels(y_true, y_pred, label_smoothing)
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


@keras_export(_MODULE)
def categorical_focal_crossentropy(
    y_true,
    y_pred,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Categorical cross-entropy with each class term scaled by ``alpha * (1 - p) ** gamma``.

    Arguments:
        alpha: a weight for all classes, or a list of one weight per class.
        gamma: the focusing exponent (0 gives ``alpha`` times categorical cross-entropy).
        from_logits, label_smoothing, axis: as in `categorical_crossentropy`.

    Example:
    >>> [round(v, 4) for v in categorical_focal_crossentropy(jnp.array([[0.0, 1.0]]), jnp.array([[0.5, 0.5]])).tolist()]
    [0.0433]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    _check_categorical_arguments(y_pred, axis, "categorical_focal_crossentropy")
    y_true = ops.cast(y_true, y_pred.dtype)
    y_true = _smooth_categorical_labels(y_true, y_pred, label_smoothing)
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    output = y_pred / ops.sum(y_pred, axis=axis, keepdims=True)
    output = ops.clip(output, epsilon(), 1.0 - epsilon())
    crossentropy = -y_true * ops.log(output)
    weighting_factor = ops.multiply(ops.power(1.0 - output, gamma), alpha)
    return ops.sum(ops.multiply(weighting_factor, crossentropy), axis=axis)


@keras_export(_MODULE)
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Cross-entropy between integer class ids ``y_true`` and ``y_pred`` along ``axis``.

    Arguments:
        y_true: class ids, of ``y_pred``'s shape without the class axis (or with it of size 1).
        ignore_class: a class id whose entries get loss 0; the result then carries a Keras
            mask of the kept entries, so that a `Loss` averages over those only.
        from_logits, axis: see the module docstring.

    Example:
    >>> [round(v, 4) for v in sparse_categorical_crossentropy(jnp.array([1]), jnp.array([[0.5, 0.5]])).tolist()]
    [0.6931]
    """
    losses, kept = sparse_categorical_crossentropy_with_mask(
        y_true, y_pred, from_logits=from_logits, ignore_class=ignore_class, axis=axis
    )
    if kept is not None:
        set_keras_mask(losses, kept)
    return losses


def sparse_categorical_crossentropy_with_mask(
    y_true, y_pred, from_logits=False, ignore_class=None, axis=-1
):
    """`sparse_categorical_crossentropy` as ``(losses, kept)``; ``kept`` is None without
    ``ignore_class``."""
    y_true, y_pred = ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[axis] == 1:
        y_true = ops.squeeze(y_true, axis=axis)
    kept = None
    if ignore_class is not None:
        class_axis = axis % len(y_pred.shape)
        losses_shape = tuple(d for i, d in enumerate(y_pred.shape) if i != class_axis)
        kept = ops.not_equal(y_true, ops.cast(ignore_class, y_pred.dtype))
        y_true = ops.where(kept, y_true, 0)
        y_pred = ops.where(ops.expand_dims(kept, axis), y_pred, 0)
    losses = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    if kept is not None:
        kept = ops.reshape(kept, losses_shape)
        losses = ops.where(kept, losses, 0.0)
    return losses, kept


@keras_export(_MODULE)
def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """``(1 - p ** q) / q``, where ``p`` is the probability ``y_pred`` gives the class id
    ``y_true`` (Zhang & Sabuncu, 2018): cross-entropy as ``q -> 0``, MAE-like at ``q = 1``.

    Example:
    >>> categorical_generalized_cross_entropy(jnp.array([1]), jnp.array([[0.75, 0.25]]), q=0.5).tolist()
    [1.0]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    one_hot = ops.one_hot(ops.cast(y_true, "int32"), num_classes=ops.shape(y_pred)[-1])
    p = ops.sum(y_pred * ops.cast(one_hot, y_pred.dtype), axis=-1)
    return (1 - ops.power(p, q)) / q


@keras_export(_MODULE)
class BinaryCrossentropy(BuiltinLoss):
    """`binary_crossentropy`; see `Loss` for ``reduction``, ``name`` and ``dtype``.

    Example:
    >>> loss = BinaryCrossentropy(from_logits=True, reduction=None)
    >>> [round(v, 4) for v in loss(jnp.array([[0.0, 1.0]]), jnp.array([[0.0, 0.0]])).tolist()]
    [0.6931]
    """

    config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_crossentropy,
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@keras_export(_MODULE)
class BinaryFocalCrossentropy(BuiltinLoss):
    """`binary_focal_crossentropy`; see `Loss` for ``reduction``, ``name`` and ``dtype``."""

    config_keys = (
        "from_logits",
        "label_smoothing",
        "axis",
        "apply_class_balancing",
        "alpha",
        "gamma",
    )

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_focal_crossentropy,
            reduction,
            name,
            dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@keras_export(_MODULE)
class CategoricalCrossentropy(BuiltinLoss):
    """`categorical_crossentropy`; see `Loss` for ``reduction``, ``name`` and ``dtype``."""

    config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_crossentropy,
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@keras_export(_MODULE)
class CategoricalFocalCrossentropy(BuiltinLoss):
    """`categorical_focal_crossentropy`; see `Loss` for ``reduction``, ``name`` and ``dtype``."""

    config_keys = ("from_logits", "label_smoothing", "axis", "alpha", "gamma")

    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_focal_crossentropy,
            reduction,
            name,
            dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@keras_export(_MODULE)
class SparseCategoricalCrossentropy(BuiltinLoss):
    """`sparse_categorical_crossentropy`; see `Loss` for ``reduction``, ``name`` and ``dtype``.

    With ``ignore_class``, entries of that class are left out of the average. As in Keras,
    ``axis`` is not part of the config.

    Example:
    >>> loss = SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    >>> round(float(loss(jnp.array([0, -1]), jnp.array([[0.0, 0.0], [9.0, 0.0]]))), 4)
    0.6931
    """

    config_keys = ("from_logits", "ignore_class")

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )


@keras_export(_MODULE)
class CategoricalGeneralizedCrossEntropy(BuiltinLoss):
    """`categorical_generalized_cross_entropy` with noise parameter ``q`` in (0, 1)
    (default 0.5); see `Loss` for the other arguments."""

    config_keys = ("q",)

    def __init__(
        self,
        q=0.5,
        reduction="sum_over_batch_size",
        name="categorical_generalized_cross_entropy",
        dtype=None,
    ):
        if not 0 < q < 1:
            raise ValueError("q must be in the interval (0, 1)")
        super().__init__(categorical_generalized_cross_entropy, reduction, name, dtype, q=q)
