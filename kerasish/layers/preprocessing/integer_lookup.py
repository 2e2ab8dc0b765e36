"""`IntegerLookup`: integer ids to vocabulary indices (and back), on the host or in JAX."""

import jax.numpy as jnp
import numpy as np

from kerasish.layers.preprocessing._lookup_table import as_integers
from kerasish.layers.preprocessing.index_lookup import _DROPPED, IndexLookup
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class IntegerLookup(IndexLookup):
    """Maps integers to indices in a vocabulary, then optionally encodes them.

    Example:
    >>> layer = kerasish.layers.IntegerLookup(vocabulary=[12, 36, 1138, 42])
    >>> layer(np.array([[12, 1138, 42], [42, 1000, 36]])).tolist()
    [[1, 3, 4], [4, 0, 2]]
    >>> inverse = kerasish.layers.IntegerLookup(vocabulary=[12, 36, 1138, 42], invert=True)
    >>> inverse(np.array([[1, 3, 4], [4, 0, 2]])).tolist()
    [[12, 1138, 42], [42, -1, 36]]

    Arguments are `StringLookup`'s, with integer ``mask_token``/``oov_token`` (default -1)
    and vocabulary, plus:
        vocabulary_dtype: ``"int64"`` (the only one Keras accepts).
        oov_method: with ``num_oov_indices > 1``, ``"floormod"`` puts an OOV id in bucket
            ``id % num_oov_indices``; ``"farmhash"`` hashes its decimal string (SipHash-2-4
            keyed by ``salt`` when given) as Keras does.

    Where it runs: on concrete arrays (and as a layer fed by a model's inputs) the lookup
    runs on the host in int64, so ids of any size work; inside a traced function (a layer
    deeper in a model, or under `jax.jit`) it runs as a sorted-array search in JAX with the
    vocabulary as a constant: ids must then fit the device integer type (int32 unless x64
    is enabled), ``num_oov_indices=0`` cannot raise on OOV there and is refused, as is
    ``oov_method="farmhash"``.
    """

    _vocabulary_is_string = False

    def __init__(
        self,
        max_tokens=None,
        num_oov_indices=1,
        mask_token=None,
        oov_token=-1,
        vocabulary=None,
        vocabulary_dtype="int64",
        idf_weights=None,
        invert=False,
        output_mode="int",
        sparse=False,
        pad_to_max_tokens=False,
        oov_method="floormod",
        salt=None,
        name=None,
        **kwargs,
    ):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                "If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. "
                f"Received: max_tokens={max_tokens}"
            )
        if num_oov_indices < 0:
            raise ValueError(
                "The value of `num_oov_indices` argument for `IntegerLookup` must >= 0. "
                f"Received: num_oov_indices={num_oov_indices}"
            )
        if sparse:
            raise ValueError("`sparse=True` can only be used with the TensorFlow backend.")
        if vocabulary_dtype != "int64":
            raise ValueError(
                "Only `vocabulary_dtype='int64'` is supported at this time. Received: "
                f"vocabulary_dtype={vocabulary_dtype}"
            )
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            vocabulary_dtype=vocabulary_dtype,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            sparse=sparse,
            pad_to_max_tokens=pad_to_max_tokens,
            oov_method=oov_method,
            salt=salt,
            name=name,
            **kwargs,
        )

    def _keys(self, values):
        return as_integers(values)

    def get_config(self):
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config

    def _traced_call(self, inputs):
        """The lookup as JAX ops, for traced inputs: a search in the sorted vocabulary."""
        keys = jnp.asarray(inputs)
        table = self._table
        if self.invert:
            tokens = self._device_constant(table.tokens)
            positions = keys - table.start
            valid = (positions >= 0) & (positions < len(tokens))
            values = jnp.full(keys.shape, self.oov_token, keys.dtype)
            if len(tokens):
                gathered = tokens[jnp.clip(positions, 0, len(tokens) - 1)]
                values = jnp.where(valid, gathered, values)
            if self.mask_token is not None:
                values = jnp.where(keys == 0, self.mask_token, values)
            return values
        if self.num_oov_indices == 0 or (
            self.num_oov_indices > 1 and self.oov_method == "farmhash"
        ):
            raise ValueError(
                f"IntegerLookup '{self.name}' with num_oov_indices={self.num_oov_indices} and "
                f"oov_method='{self.oov_method}' runs on the host only: call it on concrete "
                "arrays or make it a layer fed by the model's inputs. Received a traced input."
            )
        indices = jnp.full(keys.shape, -1, jnp.int32)
        found = jnp.zeros(keys.shape, bool)
        if len(table):
            sorted_tokens = self._device_constant(table.sorted_tokens)
            positions = jnp.minimum(jnp.searchsorted(sorted_tokens, keys), len(table) - 1)
            found = sorted_tokens[positions] == keys
            indices = jnp.where(found, jnp.asarray(table.order)[positions] + table.start, -1)
        masked = jnp.zeros(keys.shape, bool) if self.mask_token is None else keys == self.mask_token
        oov = self._oov_start_index()
        if self.num_oov_indices > 1:
            oov = oov + jnp.mod(keys, self.num_oov_indices)
        indices = jnp.where(found | masked, indices, oov)
        if self.mask_token is not None:
            indices = jnp.where(masked, 0 if self.output_mode == "int" else _DROPPED, indices)
        return self.device_call(indices)

    def _device_constant(self, values):
        info = np.iinfo(jnp.asarray(0).dtype)
        if len(values) and (values.min() < info.min or values.max() > info.max):
            raise ValueError(
                f"IntegerLookup '{self.name}': its vocabulary holds ids outside the device "
                f"integer range [{info.min}, {info.max}], which a traced lookup cannot "
                "represent. Enable `jax_enable_x64`, or call it (or the model whose inputs "
                "feed it) on concrete arrays: it then maps ids on the host in int64."
            )
        return jnp.asarray(values)
