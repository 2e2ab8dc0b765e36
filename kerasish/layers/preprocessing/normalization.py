"""`Normalization`: shifts and scales features by a mean and variance, given or adapted."""

import math

import jax.numpy as jnp
import numpy as np

from kerasish.backend import epsilon
from kerasish.engine.layer import Layer
from kerasish.layers.preprocessing._adapt_data import adapt_batches, is_array
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class Normalization(Layer):
    """Computes ``(inputs - mean) / sqrt(variance)`` (or its inverse) per feature.

    Example:
    >>> layer = kerasish.layers.Normalization(axis=None)
    >>> layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0], "float32"))
    >>> [round(float(v), 4) for v in layer(np.array([1.0, 2.0, 3.0], "float32"))]
    [-1.4142, -0.7071, 0.0]

    Arguments:
        axis: the axis or axes that keep a separate mean and variance per index (``-1``:
            one per feature); ``None`` normalizes every element by one scalar mean.
        mean, variance: fixed statistics, broadcast to the kept axes (right-aligned). Both
            or neither; without them the layer starts at mean 0 / variance 1 and ``adapt``
            learns them.
        invert: apply the inverse, ``mean + inputs * sqrt(variance)``.

    State: an adapted layer holds its statistics in the non-trainable weights ``mean``,
    ``variance`` and ``count`` (Keras's names and order), so they save, load, checkpoint and
    travel in the pure ``apply``'s ``state`` like any other weights. With fixed ``mean`` and
    ``variance`` there are no weights (the values live in the config), as in Keras.
    The standard deviation is floored at ``keras.config.epsilon()``.
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        self._fixed_mean = None
        self._fixed_variance = None
        if (mean is not None) != (variance is not None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "When setting values directly, `mean` and `variance` must have the same "
                    f"shape. Received: mean shape {np.shape(mean)} and variance shape "
                    f"{np.shape(variance)}"
                )
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(
                    "The rank of `mean` must be less than or equal to the number of axes "
                    f"({len(self.axis)}). Received: mean shape {np.shape(mean)} for axis "
                    f"{self.axis}"
                )

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                "All `axis` values must be in the range [-ndim, ndim). Received inputs with "
                f"ndim={ndim}, while axis={self.axis}"
            )
        self._build_input_shape = tuple(input_shape)
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(
                    "All `axis` values to be kept must have a known shape. Received "
                    f"axis={self.axis}, inputs.shape={tuple(input_shape)}, with unknown axis "
                    f"at index {d}"
                )
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(
            input_shape[d] if d in self._keep_axis else 1 for d in range(ndim)
        )
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                name="mean", shape=self._mean_and_var_shape, initializer="zeros", trainable=False
            )
            self.adapt_variance = self.add_weight(
                name="variance",
                shape=self._mean_and_var_shape,
                initializer="ones",
                trainable=False,
            )
            # Kept, as in Keras, so that weights load from files written by older versions.
            self.count = self.add_weight(
                name="count", shape=(), dtype="int32", initializer="zeros", trainable=False
            )
        else:
            self._fixed_mean = self._broadcast_fixed(self.input_mean)
            self._fixed_variance = self._broadcast_fixed(self.input_variance)

    def _broadcast_fixed(self, value):
        """A given mean or variance, its dims aligned right to the kept axes, broadcast."""
        value = np.asarray(value)
        expanded = [1] * len(self._broadcast_shape)
        for position in range(1, value.ndim + 1):
            expanded[self._keep_axis[-position]] = value.shape[-position]
        value = np.broadcast_to(np.reshape(value, expanded), self._broadcast_shape)
        return jnp.asarray(value, self.compute_dtype)

    @property
    def mean(self):
        """The mean, broadcastable against the inputs (None until built)."""
        if not self.built:
            return None
        if self.input_mean is not None:
            return self._fixed_mean
        return jnp.reshape(self.adapt_mean.value, self._broadcast_shape).astype(self.compute_dtype)

    @property
    def variance(self):
        """The variance, broadcastable against the inputs (None until built)."""
        if not self.built:
            return None
        if self.input_mean is not None:
            return self._fixed_variance
        return jnp.reshape(self.adapt_variance.value, self._broadcast_shape).astype(
            self.compute_dtype
        )

    def adapt(self, data):
        """Sets the mean and variance weights to the statistics of ``data``.

        Arguments:
            data: an array, or an iterable of batches (a list of arrays, a generator, a
                `PyDataset`; ``(x, y)`` batches use ``x``). Statistics reduce every axis
                except the kept ones, over all batches.
        """
        if self.input_mean is not None:
            raise ValueError(
                f"Layer '{self.name}' was given `mean` and `variance` at construction, so it "
                "has no statistics to adapt. Create it without them to call `adapt()`."
            )
        batches = adapt_batches(data, layer_name=self.name)
        first = next(batches)
        if not self.built:
            self.build(first.shape)
        else:
            self._check_adapt_shape(first.shape)
        if is_array(data):
            mean = np.mean(first, axis=self._reduce_axis)
            variance = np.var(first, axis=self._reduce_axis)
        else:
            mean, variance = self._streaming_statistics(first, batches)
        self.adapt_mean.assign(mean)
        self.adapt_variance.assign(variance)

    def _check_adapt_shape(self, shape):
        if any(shape[d] != self._build_input_shape[d] for d in self._keep_axis):
            raise ValueError(
                f"The layer was built with input_shape={self._build_input_shape}, but adapt() "
                f"is being called with data with an incompatible shape, data.shape={shape}"
            )

    def _streaming_statistics(self, first, batches):
        """Mean and variance over batches, merged one batch at a time (lack-of-fit sum of
        squares, as Keras merges them)."""
        total_mean = np.zeros(self._mean_and_var_shape)
        total_variance = np.zeros(self._mean_and_var_shape)
        total_count = 0
        for batch in (first, *batches):
            batch = batch.astype("float64")
            if any(batch.shape[d] != self._build_input_shape[d] for d in self._keep_axis):
                raise ValueError(
                    "adapt() yielded a batch with incompatible shape. Expected "
                    f"{self._build_input_shape}, got {tuple(batch.shape)}."
                )
            batch_mean = np.mean(batch, axis=self._reduce_axis)
            batch_variance = np.var(batch, axis=self._reduce_axis)
            batch_count = math.prod(batch.shape[d] for d in self._reduce_axis)
            total_count += batch_count
            batch_weight = batch_count / total_count
            new_mean = total_mean * (1 - batch_weight) + batch_mean * batch_weight
            total_variance = (total_variance + (total_mean - new_mean) ** 2) * (
                1 - batch_weight
            ) + (batch_variance + (batch_mean - new_mean) ** 2) * batch_weight
            total_mean = new_mean
        return total_mean, total_variance

    def call(self, inputs):
        inputs = jnp.asarray(inputs, self.compute_dtype)
        scale = jnp.maximum(jnp.sqrt(self.variance), epsilon())
        if self.invert:
            return self.mean + inputs * scale
        return (inputs - self.mean) / scale

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "invert": self.invert,
                "mean": np.array(self.input_mean).tolist(),
                "variance": np.array(self.input_variance).tolist(),
            }
        )
        return config
