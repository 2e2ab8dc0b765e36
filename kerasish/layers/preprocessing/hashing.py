"""`Hashing`: hashes strings or integers into a fixed number of bins, as Keras does.

Where it runs. Strings are not JAX arrays, so a string input is hashed on the host: the
layer's ``host_call`` maps a numpy array of strings to bin indices (vectorized over its
distinct values) and ``device_call`` encodes the indices with `jax.numpy`. A model fed raw
strings runs ``host_call`` before its jitted function (as it does for `StringLookup`).
Integer (and float, truncated to an integer first, and boolean) inputs that are JAX arrays
are hashed on the device with the same functions over 32-bit words, so they jit, train and
export; numpy inputs are hashed on the host, which also covers int64 values beyond int32.
Both give Keras 3's bins exactly.
"""

import jax
import jax.numpy as jnp
import numpy as np

from kerasish.backend.config import floatx
from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.layer import Layer
from kerasish.layers.preprocessing import _hash_functions
from kerasish.layers.preprocessing.category_encoding import (
    encode_categorical_inputs,
    encoded_shape,
    reject_sparse,
)
from kerasish.saving.serialization import keras_export

_OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")
_MAX_DEVICE_BINS = 2**31


def to_host_array(value):
    """Python values and lists as numpy arrays (strings stay strings); arrays unchanged."""
    if isinstance(value, (list, tuple, str, bytes, int, float, bool, np.generic)):
        return np.asarray(value)
    return value


def is_host_array(value):
    return isinstance(value, np.ndarray)


def output_dtype(dtype):
    """The dtype JAX produces for ``dtype`` (int64 is int32 without x64)."""
    return jax.dtypes.canonicalize_dtype(dtype).name


@keras_export("keras.layers")
class Hashing(Layer):
    """Hashes each value into one of ``num_bins`` bins (FarmHash64, or SipHash with a salt).

    Example:
    >>> layer = kerasish.layers.Hashing(num_bins=3)
    >>> layer(np.array([["A"], ["B"], ["C"], ["D"], ["E"]])).tolist()
    [[1], [0], [1], [1], [2]]
    >>> kerasish.layers.Hashing(num_bins=3, salt=133)(np.array([["A"], ["B"]])).tolist()
    [[0], [0]]

    Arguments:
        num_bins: the number of bins, ``mask_value``'s bin included.
        mask_value: a value hashed to bin 0 (the others then use bins 1 to ``num_bins - 1``).
        salt: an int or a pair of ints: switches to SipHash-2-4 keyed by it (an int ``s``
            is the key ``[s, s]``).
        output_mode: ``"int"`` (the bin), ``"one_hot"``, ``"multi_hot"`` or ``"count"`` (as
            `CategoryEncoding` over ``num_bins``).
        sparse: must be False (kerasish has no sparse tensors).
        dtype: the output dtype; int64 (int32 in JAX without x64) in ``"int"`` mode, floatx
            otherwise.

    Integers hash through their decimal text and floats are first truncated to int64, so
    ``Hashing`` gives the bins Keras 3 (TensorFlow's ``to_hash_bucket_fast``/``_strong``)
    gives for the same values and salt. Booleans hash as ``"true"``/``"false"``.
    """

    def __init__(
        self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs
    ):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else floatx()
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError(
                "The `num_bins` for `Hashing` cannot be `None` or non-positive values. "
                f"Received: num_bins={num_bins}."
            )
        if output_mode == "int" and self.dtype_policy.name not in ("int32", "int64"):
            raise ValueError(
                "When `output_mode=\"int\"`, `dtype` should be an integer type, 'int32' or "
                f"'in64'. Received: dtype={kwargs['dtype']}"
            )
        if output_mode not in _OUTPUT_MODES:
            raise ValueError(
                "Invalid value for argument `output_mode`. Expected one of "
                f"{_OUTPUT_MODES}. Received: output_mode={output_mode}"
            )
        if sparse and output_mode == "int":
            raise ValueError(
                '`sparse` may only be true if `output_mode` is `"one_hot"`, `"multi_hot"`, '
                f'or `"count"`. Received: sparse={sparse} and output_mode={output_mode}'
            )
        reject_sparse(self.name, sparse)
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.output_mode = output_mode
        self.sparse = sparse
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = list(salt)
            elif isinstance(salt, int):
                self.salt = [salt, salt]
            else:
                raise ValueError(
                    "The `salt` argument for `Hashing` can only be a tuple of size 2 "
                    f"integers, or a single integer. Received: salt={salt}."
                )
        self.built = True

    @property
    def _masks(self):
        """Whether ``mask_value`` takes bin 0 (not when there is a single bin)."""
        return self.mask_value is not None and self.num_bins > 1

    @property
    def _hash_bins(self):
        return self.num_bins - 1 if self._masks else self.num_bins

    def _hash_function(self):
        if self.salt is None:
            return _hash_functions.fingerprint64
        return lambda encoded: _hash_functions.siphash(encoded, self.salt)

    def host_call(self, inputs):
        """The host half: a numpy array of any values -> int64 bins (numpy)."""
        values = np.asarray(inputs)
        hashes = _hash_functions.hash_on_host(values, self._hash_function())
        bins = (hashes % np.uint64(self._hash_bins)).astype(np.int64)
        if self._masks:
            bins = np.where(values == self.mask_value, 0, bins + 1)
        return bins

    def _device_bins(self, inputs):
        """Bins of a JAX array of numbers or booleans, traceable."""
        if self._hash_bins > _MAX_DEVICE_BINS:
            raise ValueError(
                f"Layer '{self.name}' hashes JAX arrays into at most {_MAX_DEVICE_BINS} bins. "
                f"Received: num_bins={self.num_bins}. Pass numpy inputs to hash on the host."
            )
        values = jnp.asarray(inputs)
        flat = values.reshape(-1)
        if flat.dtype == jnp.bool_:
            # Only two texts: hash them on the host once.
            false_bin, true_bin = self.host_call(np.array([False, True])).tolist()
            bins = jnp.where(flat, true_bin, false_bin).astype(jnp.int32)
            return bins.reshape(values.shape)
        if jnp.issubdtype(flat.dtype, jnp.floating):
            flat = flat.astype(jnp.int32)
        salt = None if self.salt is None else tuple(self.salt)
        bins = _hash_functions.device_hash_bins(flat, self._hash_bins, salt)
        if self._masks:
            bins = jnp.where(values.reshape(-1) == self.mask_value, 0, bins + 1)
        return bins.reshape(values.shape)

    def device_call(self, bins):
        """The device half: bins -> the layer's output, traceable."""
        return encode_categorical_inputs(
            bins, self.output_mode, self.num_bins, output_dtype(self.compute_dtype)
        )

    def host_output_spec(self, inputs):
        """The `KerasTensor` that ``host_call`` makes of ``inputs`` (what crosses to the device)."""
        return KerasTensor(inputs.shape, dtype="int32")

    def call(self, inputs):
        if is_host_array(inputs):
            return self.device_call(self.host_call(inputs))
        return self.device_call(self._device_bins(inputs))

    def _convert_inputs(self, args, kwargs):
        # numpy inputs stay on the host (strings, and int64 values beyond int32).
        return tuple(to_host_array(a) for a in args), kwargs

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_bins)

    def compute_output_spec(self, inputs):
        return KerasTensor(
            self.compute_output_shape(inputs.shape), dtype=output_dtype(self.compute_dtype)
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_bins": self.num_bins,
                "salt": self.salt,
                "mask_value": self.mask_value,
                "output_mode": self.output_mode,
                "sparse": self.sparse,
            }
        )
        return config
