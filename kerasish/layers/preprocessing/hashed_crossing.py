"""`HashedCrossing`: hashes the cross of categorical features into bins, as Keras does.

Each row's features (integers as their int64 value, strings by FarmHash Fingerprint64) are
folded into one hash with TensorFlow's FingerprintCat64, so the bins equal Keras 3's.
Integer JAX arrays are crossed on the device (traceable); when any feature is a numpy array
(strings always are), the cross runs on the host in ``host_call`` and ``device_call`` only
encodes, as for `Hashing`.
"""

import jax.numpy as jnp
import numpy as np

from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.layer import Layer
from kerasish.layers.preprocessing import _hash_functions
from kerasish.layers.preprocessing._uint64 import HOST
from kerasish.layers.preprocessing.category_encoding import encode_categorical_inputs, encoded_shape
from kerasish.layers.preprocessing.hashing import (
    is_host_array,
    output_dtype,
    to_host_array,
)
from kerasish.saving.serialization import keras_export

_OUTPUT_MODES = ("int", "one_hot")


@keras_export("keras.layers")
class HashedCrossing(Layer):
    """Crosses two or more categorical features and hashes each cross into ``num_bins``.

    Example:
    >>> layer = kerasish.layers.HashedCrossing(num_bins=5)
    >>> feat1 = np.array(["A", "B", "A", "B", "A"])
    >>> feat2 = np.array([101, 101, 101, 102, 102])
    >>> layer((feat1, feat2)).tolist()
    [1, 4, 1, 1, 3]

    Arguments:
        num_bins: the number of bins.
        output_mode: ``"int"`` (the bin) or ``"one_hot"``.
        sparse: must be False (sparse outputs need TensorFlow in Keras).
        dtype: the output dtype; int64 (int32 in JAX without x64) in ``"int"`` mode.

    Call arguments:
        inputs: a list or tuple of at least two arrays of one shape, ``()``, ``(batch,)`` or
            ``(batch, 1)``, each of integers or strings.
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None, **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype)
        if sparse:
            raise ValueError("`sparse=True` can only be used with the TensorFlow backend.")
        if output_mode not in _OUTPUT_MODES:
            raise ValueError(
                "Unknown value for `output_mode` argument of HashedCrossing. Allowed values "
                f"are: {_OUTPUT_MODES}. Received: output_mode={output_mode}"
            )
        self.num_bins = num_bins
        self.output_mode = output_mode
        self.sparse = sparse
        self.built = True

    def _check_inputs(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "`HashedCrossing` should be called on a list or tuple of inputs. "
                f"Received: inputs={inputs}"
            )
        if len(inputs) < 2:
            raise ValueError(
                "`HashedCrossing` should be called on at least two inputs. "
                f"Received: inputs={inputs}"
            )
        first_shape = tuple(inputs[0].shape)
        if len(first_shape) > 2 or (len(first_shape) == 2 and first_shape[-1] != 1):
            raise ValueError(
                "All `HashedCrossing` inputs should have shape `()`, `(batch_size)` or "
                f"`(batch_size, 1)`. Received: inputs={inputs}"
            )
        if not all(tuple(x.shape) == first_shape for x in inputs[1:]):
            raise ValueError(
                f"All `HashedCrossing` inputs should have equal shape. Received: inputs={inputs}"
            )
        if not all(_is_integer_or_string(x.dtype) for x in inputs):
            raise ValueError(
                "All `HashedCrossing` inputs should have an integer or string dtype. "
                f"Received: inputs={inputs}"
            )

    def host_call(self, inputs):
        """The host half: numpy features -> int64 bins (numpy), shaped like one feature."""
        features = [np.asarray(x) for x in inputs]
        shape = features[0].shape
        crossed = HOST.full(_hash_functions.CROSS_SEED, features[0].reshape(-1))
        with np.errstate(over="ignore"):
            for feature in features:
                if feature.dtype.kind in "iu":
                    hashes = feature.reshape(-1).astype(np.int64).view(np.uint64)
                else:
                    hashes = _hash_functions.hash_on_host(feature, _hash_functions.fingerprint64)
                crossed = _hash_functions.fingerprint_cat(crossed, hashes.reshape(-1))
        return (crossed % np.uint64(self.num_bins)).astype(np.int64).reshape(shape)

    def _device_bins(self, inputs):
        features = tuple(jnp.asarray(x).reshape(-1) for x in inputs)
        bins = _hash_functions.device_cross_bins(features, self.num_bins)
        return bins.reshape(jnp.shape(inputs[0]))

    def device_call(self, bins):
        """The device half: bins -> the layer's output, traceable."""
        return encode_categorical_inputs(
            bins, self.output_mode, self.num_bins, output_dtype(self.compute_dtype)
        )

    def host_output_spec(self, inputs):
        """The `KerasTensor` that ``host_call`` makes of ``inputs`` (what crosses to the device)."""
        return KerasTensor(inputs[0].shape, dtype="int32")

    def call(self, inputs):
        self._check_inputs(inputs)
        if any(is_host_array(x) for x in inputs):
            return self.device_call(self.host_call(inputs))
        return self.device_call(self._device_bins(inputs))

    def _convert_inputs(self, args, kwargs):
        # numpy features stay on the host (strings, and int64 values beyond int32).
        if not args:
            return args, kwargs
        inputs, *rest = args
        if isinstance(inputs, (list, tuple)):
            inputs = type(inputs)(to_host_array(x) for x in inputs)
        return (inputs, *rest), kwargs

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape[0], self.output_mode, self.num_bins)

    def compute_output_spec(self, inputs):
        self._check_inputs(inputs)
        return KerasTensor(
            self.compute_output_shape([x.shape for x in inputs]),
            dtype=output_dtype(self.compute_dtype),
        )

    def get_config(self):
        return {
            "num_bins": self.num_bins,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype,
        }


def _is_integer_or_string(dtype):
    if isinstance(dtype, str):
        return dtype == "string" or np.issubdtype(np.dtype(dtype), np.integer)
    return np.dtype(dtype).kind in "iuOSU"
