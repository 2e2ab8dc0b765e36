"""`Flatten`, `Reshape`, `RepeatVector`, `Permute`: change the shape of each sample, keep the
batch axis."""

import math

import jax.numpy as jnp

from kerasish import ops
from kerasish.backend import standardize_data_format
from kerasish.engine.input_spec import InputSpec
from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.layer import Layer
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class Flatten(Layer):
    """Flattens each sample to one axis; a rank-1 input gets a feature axis of size 1.

    Example:
    >>> kerasish.layers.Flatten()(jnp.ones((2, 10, 64))).shape
    (2, 640)

    Arguments:
        data_format: ``"channels_last"`` or ``"channels_first"`` (whose channels axis is moved
            last before flattening, so the order matches channels-last models); defaults to
            ``keras.config.image_data_format()``.

    Shapes: ``(batch, d1, ..., dn)`` -> ``(batch, d1 * ... * dn)``; ``(batch,)`` -> ``(batch, 1)``.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        rank = len(inputs.shape)
        if self.data_format == "channels_first" and rank > 1:
            inputs = ops.transpose(inputs, axes=(0, *range(2, rank), 1))
        return ops.reshape(inputs, (inputs.shape[0], math.prod(inputs.shape[1:])))

    def compute_output_shape(self, input_shape):
        sample_shape = tuple(input_shape[1:])
        if None in sample_shape:
            return (input_shape[0], None)
        return (input_shape[0], math.prod(sample_shape))

    def compute_output_spec(self, inputs):
        # Flatten does not support masking, so nothing is lost by not tracing `call`.
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


@keras_export("keras.layers")
class Reshape(Layer):
    """Reshapes each sample to ``target_shape``; one entry may be -1 (inferred).

    Example:
    >>> kerasish.layers.Reshape((-1, 2, 2))(jnp.ones((5, 12))).shape
    (5, 3, 2, 2)

    Arguments:
        target_shape: the sample shape, without the batch axis.

    Shapes: ``(batch, ...)`` -> ``(batch, *target_shape)``.
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        _validate_target_shape(target_shape)
        self.target_shape = target_shape
        self.built = True

    def call(self, inputs):
        sample_shape = _resolve_target_shape(tuple(inputs.shape[1:]), self.target_shape)
        return ops.reshape(inputs, (inputs.shape[0], *sample_shape))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *_resolve_target_shape(tuple(input_shape[1:]), self.target_shape))

    def compute_output_spec(self, inputs):
        # Tracing `call` would resolve -1 against a stand-in size for unknown axes.
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype)

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config


@keras_export("keras.layers")
class RepeatVector(Layer):
    """Repeats each input vector ``n`` times along a new axis 1.

    Example:
    >>> kerasish.layers.RepeatVector(2)(jnp.array([[1.0, 2.0]])).tolist()
    [[[1.0, 2.0], [1.0, 2.0]]]

    Arguments:
        n: positive int, the number of repetitions.

    Shapes: ``(batch, features)`` -> ``(batch, n, features)``.
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        if n <= 0:
            raise ValueError(f"Argument `n` should be a positive integer. Received: n={n}")
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return jnp.repeat(inputs[:, None, :], self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config


@keras_export("keras.layers")
class Permute(Layer):
    """Permutes the non-batch axes: output axis ``i + 1`` is input axis ``dims[i]``.

    Example:
    >>> kerasish.layers.Permute((2, 1))(jnp.ones((4, 10, 64))).shape
    (4, 64, 10)

    Arguments:
        dims: a permutation of ``1, ..., rank - 1`` (the batch axis 0 stays first).

    Shapes: ``(batch, d1, ..., dn)`` -> ``(batch, d_dims[0], ..., d_dims[n-1])``.
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}"
            )
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs):
        return jnp.transpose(inputs, (0, *self.dims))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[dim] for dim in self.dims))

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype)

    def get_config(self):
        config = super().get_config()
        config["dims"] = self.dims
        return config


def _validate_target_shape(target_shape):
    for dim in target_shape:
        if isinstance(dim, int) and dim < -1:
            raise ValueError(
                "Each dimension in `target_shape` must be a non-negative integer, or `-1` for a "
                f"single unknown dimension. Received: target_shape={target_shape}."
            )
    if sum(dim == -1 for dim in target_shape) > 1:
        raise ValueError(
            "There must be at most one unknown dimension (-1) in `target_shape`. "
            f"Received: target_shape={target_shape}."
        )


def _resolve_target_shape(sample_shape, target_shape):
    """``target_shape`` with its -1 resolved from ``sample_shape`` (None when unknown)."""
    if None in sample_shape:
        return tuple(None if dim == -1 else dim for dim in target_shape)
    size = math.prod(sample_shape)
    if -1 not in target_shape:
        if size != math.prod(target_shape):
            raise ValueError(
                "The total size of the tensor must be unchanged. Received: "
                f"input_shape={sample_shape}, target_shape={target_shape}"
            )
        return target_shape
    known = math.prod(dim for dim in target_shape if dim != -1)
    if known == 0 or size % known != 0:
        raise ValueError(
            "The total size of the tensor must be unchanged, however, the input size cannot by "
            "divided by the specified dimensions in target_shape. Received: "
            f"input_shape={sample_shape}, target_shape={target_shape}"
        )
    return tuple(size // known if dim == -1 else dim for dim in target_shape)
