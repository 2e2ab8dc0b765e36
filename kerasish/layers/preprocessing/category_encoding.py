"""`CategoryEncoding`, and the categorical encoding that the bucketing layers share."""

import jax
import jax.numpy as jnp
import numpy as np

from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.layer import Layer
from kerasish.saving.serialization import keras_export


def encode_categorical_inputs(inputs, output_mode, depth, dtype, count_weights=None):
    """Integer ``inputs`` encoded as Keras encodes them for ``output_mode``.

    ``"int"`` casts to ``dtype``. ``"one_hot"`` encodes every element on a new last axis of
    size ``depth`` (a trailing axis of size 1 is replaced). ``"multi_hot"`` and ``"count"``
    reduce axis 1, the sample axis (axis 0 of a rank-1 input, which is one sample), to a
    presence flag or a count, weighted by ``count_weights`` when given. Values outside
    ``[0, depth)`` add nothing. A scalar is one sample of one value.
    """
    if output_mode == "int":
        return jnp.asarray(inputs).astype(dtype)
    inputs = jnp.asarray(inputs)
    if inputs.ndim == 0:
        inputs = inputs[None]
    if output_mode == "one_hot":
        if inputs.ndim > 1 and inputs.shape[-1] == 1:
            inputs = inputs[..., 0]
        return jax.nn.one_hot(inputs, depth, dtype=dtype)
    sample_axis = 1 if inputs.ndim > 1 else 0
    if output_mode == "multi_hot":
        return jnp.max(jax.nn.one_hot(inputs.astype("int32"), depth, dtype=dtype), sample_axis)
    if count_weights is not None:
        encoded = jax.nn.one_hot(inputs, depth, dtype=count_weights.dtype)
        encoded = encoded * count_weights[..., None]
    else:
        encoded = jax.nn.one_hot(inputs, depth, dtype=dtype)
    return jnp.sum(encoded, sample_axis)


def encoded_shape(input_shape, output_mode, depth):
    """The shape `encode_categorical_inputs` returns for inputs of ``input_shape``."""
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if not input_shape:
        input_shape = (1,)  # a scalar is one sample of one value
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    if len(input_shape) == 1:
        return (depth,)
    return input_shape[:1] + input_shape[2:] + (depth,)


def reject_sparse(layer_name, sparse):
    if sparse:
        raise ValueError(
            f"Layer '{layer_name}' received `sparse=True`, but kerasish has no sparse tensors: "
            "pass `sparse=False`."
        )


@keras_export("keras.layers")
class CategoryEncoding(Layer):
    """Encodes integer features as one-hot, multi-hot or count vectors of ``num_tokens``.

    Example:
    >>> layer = kerasish.layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot")
    >>> layer(np.array([[0, 1], [0, 0], [1, 2], [3, 1]])).tolist()
    [[1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]]

    Arguments:
        num_tokens: the number of tokens; inputs are integers in ``[0, num_tokens)`` (values
            outside encode to nothing: under jit they cannot raise, as in Keras on JAX).
        output_mode: ``"one_hot"`` (each element on a new last axis; a last axis of size 1
            is replaced), ``"multi_hot"`` (1 for each token present in a sample: axis 1, or
            the whole of a rank-1 input) or ``"count"`` (how many times; weighted by the
            call's ``count_weights``). ``"binary"`` is an alias of ``"multi_hot"``.
        sparse: must be False (kerasish has no sparse tensors).

    Call arguments:
        inputs: integer array of rank 0 to 2.
        count_weights: array shaped like ``inputs``, the weight of each value in ``"count"``
            mode (the output then has its dtype).
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError(f"Unknown arg for output_mode: {output_mode}")
        if num_tokens is None:
            raise ValueError(
                "num_tokens must be set to use this layer. If the number of tokens is not "
                "known beforehand, use the IntegerLookup layer instead."
            )
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        reject_sparse(self.name, sparse)
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse
        self.built = True

    def call(self, inputs, count_weights=None):
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(
                    "`count_weights` is not used when `output_mode` is not `'count'`. "
                    f"Received `count_weights={count_weights}`."
                )
            count_weights = jnp.asarray(count_weights, self.compute_dtype)
        return encode_categorical_inputs(
            inputs, self.output_mode, self.num_tokens, self.compute_dtype, count_weights
        )

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def compute_output_spec(self, inputs, count_weights=None):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.compute_dtype)

    def _convert_inputs(self, args, kwargs):
        # Integer ids keep their dtype; a Python list is an array.
        args = tuple(np.asarray(a) if isinstance(a, (list, tuple, int)) else a for a in args)
        return super()._convert_inputs(args, kwargs)

    def get_config(self):
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})
        return config
