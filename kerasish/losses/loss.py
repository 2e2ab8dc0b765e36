"""The `Loss` base class and the weighting and reduction rules every Keras loss applies.

A loss turns ``(y_true, y_pred)`` into per-sample values with `Loss.call`; `Loss.__call__`
then weights them (sample weights, and a Keras mask on ``y_pred`` or on the values) and
reduces them with `reduce_weighted_values`, exactly as Keras 3 does:

- ``"sum"``: the sum of the weighted values;
- ``"sum_over_batch_size"`` and ``"mean"``: that sum divided by the *number of values*
  (not the sum of the weights);
- ``"mean_with_sample_weight"``: that sum divided by the sum of the sample weights;
- ``None`` / ``"none"``: the weighted values themselves.

Everything here is a pure function of arrays and static Python configuration, so it runs
under `jax.jit` and `jax.grad`.

Example:
>>> values = jnp.array([1.0, 2.0, 3.0, 4.0])
>>> float(reduce_weighted_values(values, sample_weight=jnp.array([1.0, 1.0, 0.0, 0.0])))
0.75
>>> float(reduce_weighted_values(values, mask=jnp.array([True, True, False, False])))
1.5
"""

import math

from kerasish import dtype_policies, ops, tree
from kerasish.backend.config import floatx
from kerasish.engine.masking import get_keras_mask
from kerasish.engine.naming import auto_name
from kerasish.saving import serialization
from kerasish.saving.serialization import keras_export

REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


@keras_export("keras")
@keras_export("keras.losses")
class Loss:
    """Base class of losses: subclasses implement ``call(y_true, y_pred)``.

    Arguments:
        name: the loss's name; defaults to a unique snake-case name of the class.
        reduction: one of ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"``, ``"none"`` or None.
        dtype: the dtype inputs are cast to and the loss is computed in (a dtype name or a
            `DTypePolicy`, whose compute dtype is used); defaults to `keras.config.floatx()`.

    Example:
    >>> class MeanSquared(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ops.mean(ops.square(y_pred - y_true), axis=-1)
    >>> float(MeanSquared()(jnp.zeros((2, 2)), jnp.ones((2, 2))))
    1.0
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or auto_name(self.__class__.__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype_policy = dtype_policies.get(dtype or floatx())
        self._dtype = self._dtype_policy.compute_dtype

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The reduced loss of ``y_pred`` against ``y_true``.

        Arguments:
            y_true: targets (an array, or a structure matching ``y_pred``).
            y_pred: predictions; a Keras mask set on it weighs its entries (0 where masked).
            sample_weight: optional weights broadcastable to the per-sample losses.

        Returns:
            A scalar, or the weighted per-sample losses when ``reduction`` is None/"none".
        """
        input_mask = get_keras_mask(y_pred)
        y_pred = tree.map_structure(lambda x: ops.convert_to_tensor(x, dtype=self.dtype), y_pred)
        y_true = tree.map_structure(lambda x: ops.convert_to_tensor(x, dtype=self.dtype), y_true)
        losses = self.call(y_true, y_pred)
        return reduce_weighted_values(
            losses,
            sample_weight=sample_weight,
            mask=_combine_masks(input_mask, get_keras_mask(losses)),
            reduction=self.reduction,
            dtype=self.dtype,
        )

    def call(self, y_true, y_pred):
        """Per-sample losses; subclasses implement it."""
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


# Not public in Keras, whose configs name it by its source module.
@keras_export("keras.src.losses.losses")
class LossFunctionWrapper(Loss):
    """A `Loss` computing ``fn(y_true, y_pred, **kwargs)`` after matching the two ranks.

    Ranks that differ by one, with a trailing axis of size 1, are matched first (see
    `squeeze_or_expand_to_same_rank`): ``(batch,)`` labels meet ``(batch, 1)`` predictions
    as ``(batch, 1)``.

    Example:
    >>> from kerasish.losses.regression import huber
    >>> loss = LossFunctionWrapper(huber, delta=2.0)
    >>> loss.get_config()["delta"]
    2.0
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        matched = tree.map_structure(squeeze_or_expand_to_same_rank, y_true, y_pred)
        y_true = tree.map_structure_up_to(y_true, lambda pair: pair[0], matched)
        y_pred = tree.map_structure_up_to(y_pred, lambda pair: pair[1], matched)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config["fn"] = serialization.serialize_keras_object(self.fn)
        config.update(serialization.serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        if "fn" not in config:
            return cls(**config)
        from kerasish.losses.lookup import deserialize

        kwargs = {
            key: value if _is_plain(value) else serialization.deserialize_keras_object(value)
            for key, value in config.items()
            if key != "fn"
        }
        return cls(deserialize(config["fn"]), **kwargs)

    def __repr__(self):
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


class BuiltinLoss(LossFunctionWrapper):
    """A built-in `LossFunctionWrapper`: its config is `Loss`'s plus the arguments in
    ``config_keys`` (Keras leaves some arguments, such as Huber's ``delta``, out of it)."""

    config_keys = ()

    def __init__(self, fn, reduction, name, dtype, **kwargs):
        super().__init__(fn, reduction=reduction, name=name, dtype=dtype, **kwargs)
        for key in self.config_keys:
            setattr(self, key, kwargs[key])

    def get_config(self):
        config = Loss.get_config(self)
        config.update({key: getattr(self, key) for key in self.config_keys})
        return config


def standardize_reduction(reduction):
    """``reduction`` itself after checking it is one Keras knows."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            "Invalid value for argument `reduction`. "
            f"Expected one of {set(REDUCTIONS)}. Received: reduction={reduction}"
        )
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """``(x1, x2)`` with ranks matched where they differ by one and the longer ends in 1.

    The longer one loses its trailing 1 -- except that a rank-1 partner is expanded
    instead (when ``expand_rank_1``): ``(b,)`` and ``(b, 1)`` become ``(b, 1)`` and
    ``(b, 1)``, while ``(b, t)`` and ``(b, t, 1)`` become ``(b, t)`` and ``(b, t)``.
    Other shapes are returned as they are.
    """
    x1_rank, x2_rank = len(x1.shape), len(x2.shape)
    if x1_rank == x2_rank + 1 and x1.shape[-1] == 1:
        if x2_rank == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, axis=-1)
        else:
            x1 = ops.squeeze(x1, axis=-1)
    if x2_rank == x1_rank + 1 and x2.shape[-1] == 1:
        if x1_rank == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, axis=-1)
        else:
            x2 = ops.squeeze(x2, axis=-1)
    return x1, x2


def check_broadcastable(y_true, y_pred, function_name):
    """Raises a ValueError naming both shapes unless they broadcast together (as NumPy's)."""
    true_shape, pred_shape = tuple(y_true.shape), tuple(y_pred.shape)
    if not _broadcastable(true_shape, pred_shape):
        raise ValueError(
            f"`{function_name}`: `y_true` and `y_pred` have incompatible shapes. "
            f"Received: y_true.shape={true_shape}, y_pred.shape={pred_shape}"
        )


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduces already weighted ``values``; scalars and empty vectors come back as they are."""
    if reduction in (None, "none") or tuple(values.shape) in ((), (0,)):
        return values
    loss = ops.sum(values)
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = ops.cast(ops.sum(sample_weight), loss.dtype)
    else:
        divisor = ops.cast(math.prod(values.shape), loss.dtype)
    return ops.divide_no_nan(loss, divisor)


def reduce_weighted_values(
    values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype=None
):
    """``values`` weighted by ``sample_weight`` and ``mask``, then reduced.

    Arguments:
        values: per-sample (or per-element) losses.
        sample_weight: None or weights; ranks are matched with
            `squeeze_or_expand_to_same_rank`, then the weights broadcast against ``values``.
        mask: None or a boolean mask. With ``"sum_over_batch_size"`` and ``"mean"`` the kept
            entries are weighted ``size / kept`` so that the mean is over kept entries only.
        reduction: see `Loss`.
        dtype: the dtype values, weights and mask are cast to (None keeps ``values``'s).

    Returns:
        The reduced loss.
    """
    reduction = standardize_reduction(reduction)
    values = ops.convert_to_tensor(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=dtype)
    if mask is not None:
        mask = ops.convert_to_tensor(mask, dtype=dtype)
    sample_weight = apply_mask(sample_weight, mask, dtype=values.dtype, reduction=reduction)
    if sample_weight is not None:
        sample_weight = ops.cast(sample_weight, values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        _check_weight_shape(values, sample_weight)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


def apply_mask(sample_weight, mask, dtype, reduction):
    """``sample_weight`` (None meaning all ones) multiplied by the mask's weights."""
    if mask is None:
        return sample_weight
    if reduction in ("mean", "sum_over_batch_size"):
        # Kept entries weigh total/kept so that dividing by the total averages over them.
        total = ops.cast(math.prod(mask.shape), dtype)
        kept = ops.sum(ops.cast(mask, dtype=dtype))
        float_mask = ops.where(ops.cast(mask, "bool"), ops.divide_no_nan(total, kept), 0)
    else:
        float_mask = ops.cast(mask, dtype=dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = ops.cast(sample_weight, dtype=dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    _check_weight_shape(float_mask, sample_weight, what="mask")
    return sample_weight * float_mask


def _check_weight_shape(values, sample_weight, what="losses"):
    values_shape, weight_shape = tuple(values.shape), tuple(sample_weight.shape)
    if not _broadcastable(values_shape, weight_shape):
        raise ValueError(
            f"`sample_weight` does not broadcast against the {what}. "
            f"Received: sample_weight.shape={weight_shape}, {what} shape={values_shape}"
        )


def _broadcastable(shape, other_shape):
    """Whether two shapes broadcast together; unknown (None) dimensions are given the benefit."""
    return all(
        dim == other_dim or 1 in (dim, other_dim) or None in (dim, other_dim)
        for dim, other_dim in zip(reversed(shape), reversed(other_shape))
    )


def _is_plain(value):
    return value is None or isinstance(value, (bool, int, float, str))


def _combine_masks(input_mask, output_mask):
    if input_mask is not None and output_mask is not None:
        return input_mask & output_mask
    return output_mask if input_mask is None else input_mask
