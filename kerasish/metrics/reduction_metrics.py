"""`Sum`, `Mean` and `MeanMetricWrapper`: (weighted) reductions of per-sample values."""

import jax.numpy as jnp

from kerasish.engine.masking import get_keras_mask
from kerasish.metrics.metric import Metric
from kerasish.metrics.metrics_utils import (
    apply_mask,
    as_array,
    divide_no_nan,
    squeeze_or_expand_to_same_rank,
)
from kerasish.saving.serialization import (
    builtin_objects,
    deserialize_keras_object,
    keras_export,
    serialize_keras_object,
)


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    """``(values, sample_weight)`` reduced to one value (and one weight) per sample.

    A mask attached to ``values`` is folded into ``sample_weight`` -- only when a
    ``sample_weight`` is given, exactly as Keras does. Values are weighted at the rank of
    the weights, then reduced with ``reduce_fn`` over every axis but the first.
    """
    mask = get_keras_mask(values)
    values = as_array(values, dtype)
    if sample_weight is not None:
        sample_weight = as_array(sample_weight, dtype)
        sample_weight = apply_mask(sample_weight, mask, dtype=dtype, reduction="sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_rank = sample_weight.ndim
        if values.ndim > weight_rank:
            values = reduce_fn(values, axis=tuple(range(weight_rank, values.ndim)))
        # Broadcasting changes the weight reduction below, not the product.
        sample_weight = jnp.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if weight_rank > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_rank)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


def _is_builtin_loss(fn):
    losses = builtin_objects("keras.losses").values()
    return any(fn is loss or type(fn) is loss for loss in losses)


@keras_export("keras.metrics")
class Sum(Metric):
    """The (weighted) sum of the given values, kept in one variable, ``total``.

    Example:
    >>> m = Sum()
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    >>> float(m.result())
    4.0

    Arguments:
        name: the metric's name.
        dtype: the dtype of the result.
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(
            shape=(), initializer="zeros", dtype=self.dtype, name="total"
        )

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, jnp.sum, self.dtype)
        self.total.assign_add(jnp.sum(values))

    def reset_state(self):
        self.total.assign(0)

    def result(self):
        return self.total.value.astype(self.dtype)


@keras_export("keras.metrics")
class Mean(Metric):
    """The (weighted) mean of the given values: ``total / count``.

    Example:
    >>> m = Mean()
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    >>> float(m.result())
    2.0

    Arguments:
        name: the metric's name.
        dtype: the dtype of the result.
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(
            shape=(), initializer="zeros", dtype=self.dtype, name="total"
        )
        self.count = self.add_variable(
            shape=(), initializer="zeros", dtype=self.dtype, name="count"
        )

    def update_state(self, values, sample_weight=None):
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, jnp.mean, self.dtype
        )
        self.total.assign_add(jnp.sum(values))
        if sample_weight is not None:
            num_samples = jnp.sum(sample_weight)
        elif values.ndim >= 1:
            num_samples = values.shape[0]
        else:
            num_samples = 1
        self.count.assign_add(jnp.asarray(num_samples, self.dtype))

    def reset_state(self):
        self.total.assign(0)
        self.count.assign(0)

    def result(self):
        return divide_no_nan(self.total.value, self.count.value.astype(self.dtype))


@keras_export("keras.metrics")
class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over all samples seen.

    A mask on ``y_pred`` weights the per-sample values, as Keras does.

    Example:
    >>> m = MeanMetricWrapper(fn=lambda y_true, y_pred: (y_true - y_pred) ** 2)
    >>> float(m(jnp.array([0.0, 1.0]), jnp.array([1.0, 1.0])))
    0.5

    Arguments:
        fn: the per-sample function, ``fn(y_true, y_pred, **kwargs)``.
        name: the metric's name.
        dtype: the dtype of the result.
        **kwargs: passed on to ``fn``.
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        if _is_builtin_loss(fn):
            self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = get_keras_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        sample_weight = apply_mask(sample_weight, mask, dtype=self.dtype, reduction="sum")
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        config = {**super().get_config(), "fn": serialize_keras_object(self._fn)}
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("fn"), (dict, str)):
            functions = {**builtin_objects("keras.losses"), **builtin_objects("keras.metrics")}
            config["fn"] = deserialize_keras_object(config["fn"], module_objects=functions)
        return cls(**config)
