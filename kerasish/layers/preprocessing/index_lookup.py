"""`IndexLookup`: the shared base of `StringLookup` and `IntegerLookup` (not exported).

Where it runs. A lookup has two halves:

- ``host_call(inputs)`` maps raw values (numpy: strings, or int64 ids of any size) to
  vocabulary indices with a sorted-array search on the host; with ``invert=True`` it maps
  indices back to tokens.
- ``device_call(indices)`` turns indices into the layer's output (``"one_hot"``,
  ``"multi_hot"``, ``"count"``, ``"tf_idf"``) with `jax.numpy`, so it runs inside `jax.jit`.

Called on concrete arrays, the layer runs both halves. In a Functional or Sequential model
whose inputs feed it, the model runs ``host_call`` on each batch before its jitted function
and ``device_call`` inside it, so only integer indices cross to the device (see
`kerasish.engine.host_stage`). The vocabulary is host state (`_lookup_vocabulary`), saved
with ``.keras`` files as Keras saves it. The device half reads the TF-IDF weights (and a
traced `IntegerLookup` its vocabulary) as constants of the functions jitted from it: adapt
or set a vocabulary before a model first runs, not between its calls.
"""

import jax
import jax.numpy as jnp
import numpy as np

from kerasish.backend.config import floatx
from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.layer import Layer
from kerasish.layers.preprocessing import _lookup_table
from kerasish.layers.preprocessing._lookup_table import LookupTable, TokenCounter
from kerasish.layers.preprocessing._lookup_vocabulary import LookupVocabulary
from kerasish.layers.preprocessing.category_encoding import encode_categorical_inputs

_OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
_DROPPED = -1  # index of masked tokens in non-int modes: one_hot(-1) is all zeros


def validate_string_arg(value, allowed, caller_name, arg_name, allow_none=False):
    """Keras's check (and message) for an argument restricted to a few strings."""
    if (allow_none and value is None) or (isinstance(value, str) and value in allowed):
        return
    raise ValueError(
        f"Unknown value for `{arg_name}` argument of {caller_name}. Allowed values are: "
        f"{allowed}. Received: {arg_name}={value}"
    )


def standardize_output_mode(output_mode, caller_name):
    output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
    validate_string_arg(output_mode, _OUTPUT_MODES, caller_name, "output_mode")
    return output_mode


def encode(indices, output_mode, depth, idf_weights=None):
    """Indices -> ``output_mode`` over ``depth`` bins (float32) as Keras encodes them (see
    `encode_categorical_inputs`); ``"tf_idf"`` weights the counts. Negative indices add nothing."""
    mode = "count" if output_mode == "tf_idf" else output_mode
    encoded = encode_categorical_inputs(indices, mode, depth, floatx())
    if output_mode == "tf_idf":
        return encoded * jnp.asarray(idf_weights, floatx())
    return encoded


class IndexLookup(LookupVocabulary, Layer):
    """Maps values to vocabulary indices (or back, with ``invert``); see `StringLookup`."""

    _vocabulary_is_string = True

    def __init__(
        self,
        max_tokens,
        num_oov_indices,
        mask_token,
        oov_token,
        vocabulary_dtype,
        vocabulary=None,
        idf_weights=None,
        invert=False,
        output_mode="int",
        sparse=False,
        pad_to_max_tokens=False,
        oov_method="floormod",
        name=None,
        salt=None,
        **kwargs,
    ):
        caller = type(self).__name__
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}"
            )
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(
                "If pad_to_max_tokens is True, must set `max_tokens`. "
                f"Received: max_tokens={max_tokens}"
            )
        if num_oov_indices < 0:
            raise ValueError(
                "`num_oov_indices` must be greater than or equal to 0. "
                f"Received: num_oov_indices={num_oov_indices}"
            )
        validate_string_arg(oov_method, ("floormod", "farmhash"), caller, "oov_method")
        if salt is not None:
            if not self._vocabulary_is_string and oov_method != "farmhash":
                raise ValueError(
                    "`salt` can only be used when `oov_method='farmhash'`. "
                    f"Received: oov_method={oov_method}"
                )
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = list(salt)
            elif isinstance(salt, int):
                salt = [salt, salt]
            else:
                raise ValueError(
                    "The `salt` argument for `IndexLookup` can only be a tuple of 2 integers, "
                    f"or a single integer. Received: salt={salt}."
                )
        output_mode = standardize_output_mode(output_mode, caller)
        if invert and output_mode != "int":
            raise ValueError(
                "`output_mode` must be `'int'` when `invert` is true. "
                f"Received: output_mode={output_mode}"
            )
        if sparse and output_mode == "int":
            raise ValueError(
                "`sparse` may only be true if `output_mode` is `'one_hot'`, `'multi_hot'`, "
                f"`'count'` or `'tf_idf'`. Received: sparse={sparse} and output_mode={output_mode}"
            )
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(
                "`idf_weights` should only be set if `output_mode` is `'tf_idf'`. Received: "
                f"idf_weights={idf_weights} and output_mode={output_mode}"
            )
        frozen_vocabulary_size = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        super().__init__(name=name)
        if kwargs:
            raise ValueError(f"Unrecognized keyword argument(s): {kwargs}")
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self._frozen_vocab_size = frozen_vocabulary_size
        # Kept as given for `get_config`; a file path is not (the vocabulary becomes an asset).
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = has_input_vocabulary
        self._table = LookupTable(self._keys([]), self._token_start_index())
        self._idf_weights = None
        if output_mode == "tf_idf":
            if has_input_vocabulary and idf_weights is None:
                raise ValueError(
                    "When specifying the `vocabulary` argument, in TF-IDF output mode, the "
                    "`idf_weights` argument must also be provided."
                )
            if idf_weights is not None:
                self._idf_weights = np.asarray(idf_weights, floatx())
        self._counter = None if has_input_vocabulary else TokenCounter()
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # -- keys --------------------------------------------------------------------------
    def _keys(self, values):
        """Raw values as the vocabulary's numpy dtype (unicode strings or int64)."""
        raise NotImplementedError

    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    # -- calling -----------------------------------------------------------------------
    def _convert_inputs(self, args, kwargs):
        # Inputs stay numpy (strings are not JAX arrays); Python lists become arrays.
        return tuple(np.asarray(a) if isinstance(a, (list, tuple)) else a for a in args), kwargs

    def call(self, inputs):
        if isinstance(inputs, jax.core.Tracer):
            return self._traced_call(inputs)
        return self.device_call(self.host_call(inputs))

    def _traced_call(self, inputs):
        raise traced_input_error(self, inputs)

    def host_call(self, inputs):
        """The host half: raw values -> int64 indices (tokens, with ``invert``), numpy."""
        self._ensure_known_vocab_size()
        if self.invert:
            keys = _lookup_table.as_integers(inputs)
            tokens = self._table.token_at(keys, self.oov_token)
            if self.mask_token is not None:
                tokens = np.where(keys == 0, self.mask_token, tokens)
            return tokens
        keys = self._keys(np.asarray(inputs))
        indices, found = self._table.lookup(keys)
        masked = np.zeros(keys.shape, bool) if self.mask_token is None else keys == self.mask_token
        missing = ~found & ~masked
        if np.any(missing):
            if self.num_oov_indices == 0:
                raise ValueError(
                    "When `num_oov_indices=0` all inputs should be in vocabulary, found OOV "
                    f"values {_format_values(keys[missing])}, consider setting "
                    "`num_oov_indices=1`."
                )
            start = self._oov_start_index()
            if self.num_oov_indices == 1:
                indices[missing] = start
            else:
                indices[missing] = start + self._oov_buckets(keys[missing])
        if self.mask_token is not None:
            indices[masked] = 0 if self.output_mode == "int" else _DROPPED
        return indices

    def _oov_buckets(self, values):
        """The OOV bucket (0 to ``num_oov_indices - 1``) of each out-of-vocabulary value:
        Keras's FarmHash64 of its string (SipHash-2-4 keyed by ``salt`` when given), or its
        floor modulo for integers under ``oov_method="floormod"``."""
        if not self._vocabulary_is_string and self.oov_method == "floormod":
            return np.mod(values, self.num_oov_indices)
        from kerasish.layers.preprocessing import _hash_functions

        if self.salt is None:
            hashes = _hash_functions.hash_on_host(values, _hash_functions.fingerprint64)
        else:
            hashes = _hash_functions.hash_on_host(
                values, lambda encoded: _hash_functions.siphash(encoded, self.salt)
            )
        return (hashes % np.uint64(self.num_oov_indices)).astype(np.int64)

    def device_call(self, values):
        """The device half: indices -> the layer's output (traceable; tokens pass through)."""
        if self.invert or self.output_mode == "int":
            return values if _is_string_array(values) else jnp.asarray(values)
        return encode(values, self.output_mode, self._output_depth(), self._idf_weights)

    def host_output_spec(self, inputs):
        """The `KerasTensor` that ``host_call`` makes of ``inputs`` (what crosses to the device)."""
        if self.invert:
            dtype = "string" if self._vocabulary_is_string else "int64"
        else:
            dtype = "int32"
        return KerasTensor(inputs.shape, dtype=dtype)

    def _output_depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def _ensure_known_vocab_size(self):
        if self.output_mode == "int" or self.pad_to_max_tokens:
            return
        if self._frozen_vocab_size is None:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "you must set the layer's vocabulary before calling it. Either pass a "
                "`vocabulary` argument to the layer, or call `adapt` with some sample data."
            )

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self._output_depth()
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def compute_output_spec(self, inputs):
        if self.output_mode != "int":
            dtype = floatx()
        elif self.invert and self._vocabulary_is_string:
            dtype = "string"
        else:
            dtype = "int64"
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    # -- saving ------------------------------------------------------------------------
    def get_build_config(self):
        return {}

    def build_from_config(self, config):
        self.build(None)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "invert": self.invert,
                "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices,
                "oov_token": self.oov_token,
                "mask_token": self.mask_token,
                "output_mode": self.output_mode,
                "sparse": self.sparse,
                "pad_to_max_tokens": self.pad_to_max_tokens,
                "vocabulary_dtype": self.vocabulary_dtype,
                "idf_weights": _listify(self.input_idf_weights),
                "vocabulary": _listify(self.input_vocabulary),
                "vocabulary_size": self._frozen_vocab_size,
                "oov_method": self.oov_method,
                "salt": self.salt,
            }
        )
        return config

    @classmethod
    def from_config(cls, config, safe_mode=True):
        refuse_vocabulary_path(config, safe_mode)
        return cls(**config)


def refuse_vocabulary_path(config, safe_mode):
    """Keras's safe-mode refusal of a config whose vocabulary is a file path."""
    if safe_mode and isinstance(config.get("vocabulary"), str):
        raise ValueError(
            "Requested the loading of a vocabulary file outside of the model archive. This "
            "carries a potential risk of loading arbitrary and sensitive files and thus it is "
            "disallowed by default. If you trust the source of the artifact, you can override "
            "this error by passing `safe_mode=False` to the loading function. "
            f"Vocabulary file: '{config['vocabulary']}'"
        )


def traced_input_error(layer, inputs):
    return TypeError(
        f"{type(layer).__name__} '{layer.name}' maps strings on the host and cannot run inside "
        f"a traced (jitted) function; it received {inputs}. Make it a layer fed by the inputs "
        "of a Functional or Sequential model (the model then runs it on the host before its "
        "jitted part), or call it on numpy arrays."
    )


def _is_string_array(values):
    return isinstance(values, np.ndarray) and values.dtype.kind in "OSU"


def _listify(value):
    if isinstance(value, (np.ndarray, jax.Array)):
        return np.asarray(value).tolist()
    return value


def _format_values(values):
    """Values as TensorFlow prints a tensor in a message: ``["q" "r"]``, ``[7 8]``."""
    items = [f'"{v}"' if isinstance(v, str) else str(v) for v in values.tolist()]
    if len(items) > 6:
        items = items[:3] + ["..."] + items[-3:]
    return "[" + " ".join(items) + "]"
