"""`TextVectorization`: raw text to token indices or bag-of-words vectors.

The string work (standardize, split, n-grams, vocabulary lookup) runs on the host with numpy
(`_text_ops`); it yields a padded ``(batch, length)`` array of indices. Only the encoding of
those indices (``"multi_hot"``, ``"count"``, ``"tf_idf"``) is JAX, so in a model the indices
are what cross to the jitted part (see `kerasish.engine.host_stage`).
"""

import jax
import numpy as np

from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.layer import Layer
from kerasish.layers.preprocessing import _text_ops
from kerasish.layers.preprocessing._lookup_table import as_strings
from kerasish.layers.preprocessing._lookup_vocabulary import _is_batch_iterable
from kerasish.layers.preprocessing.index_lookup import (
    _DROPPED,
    _listify,
    refuse_vocabulary_path,
    standardize_output_mode,
    traced_input_error,
    validate_string_arg,
)
from kerasish.layers.preprocessing.string_lookup import StringLookup
from kerasish.saving.serialization import deserialize_keras_object, keras_export

_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")


@keras_export("keras.layers")
class TextVectorization(Layer):
    """Maps strings to sequences of token indices, or to one vector per string.

    Example:
    >>> layer = kerasish.layers.TextVectorization(output_sequence_length=4)
    >>> layer.adapt(["foo bar", "bar baz", "baz bada boom"])
    >>> layer([["foo qux bar"], ["qux baz"]]).tolist()
    [[4, 1, 3, 0], [1, 2, 0, 0]]
    >>> layer.get_vocabulary()
    ['', '[UNK]', 'baz', 'bar', 'foo', 'boom', 'bada']

    Each string is standardized, split into tokens, combined into n-grams and looked up in
    the vocabulary (index 0 pads, 1 is out of vocabulary in ``"int"`` mode).

    Arguments:
        max_tokens: cap on the vocabulary size (special tokens included) for ``adapt``.
        standardize: ``"lower_and_strip_punctuation"``, ``"lower"``, ``"strip_punctuation"``,
            None, or a callable taking and returning a numpy array of strings. As in Keras,
            lowercasing touches ASCII letters only and the 32 ASCII punctuation marks go.
        split: ``"whitespace"`` (runs of ASCII whitespace), ``"character"``, None, or a
            callable taking a 1-D numpy array of strings and returning one token list per string.
        ngrams: None, an int ``n`` (n-grams of widths 1 to n) or a tuple of widths.
        output_mode: ``"int"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        output_sequence_length: ``"int"`` mode only: pad or truncate each sequence to it.
        pad_to_max_tokens: encode over ``max_tokens`` bins whatever the vocabulary size.
        vocabulary, idf_weights: a vocabulary (list, array or file path) and its TF-IDF weights.
        sparse, ragged: TensorFlow-only in Keras; refused here as on Keras's other backends.
        encoding: how bytes inputs are decoded.

    Inputs: a 1-D array of strings, or ``(batch, 1)``. Outputs: ``(batch, length)`` indices
    (int32 JAX array; ``length`` is ``output_sequence_length`` or the longest in the batch),
    or ``(batch, depth)`` float32 vectors in the other modes.
    """

    def __init__(
        self,
        max_tokens=None,
        standardize="lower_and_strip_punctuation",
        split="whitespace",
        ngrams=None,
        output_mode="int",
        output_sequence_length=None,
        pad_to_max_tokens=False,
        vocabulary=None,
        idf_weights=None,
        sparse=False,
        ragged=False,
        encoding="utf-8",
        name=None,
        **kwargs,
    ):
        if sparse:
            raise ValueError("`sparse=True` can only be used with the TensorFlow backend.")
        if ragged:
            raise ValueError("`ragged=True` can only be used with the TensorFlow backend.")
        caller = type(self).__name__
        if not callable(standardize):
            validate_string_arg(standardize, _STANDARDIZE, caller, "standardize", allow_none=True)
        if not callable(split):
            validate_string_arg(split, _SPLIT, caller, "split", allow_none=True)
        output_mode = standardize_output_mode(output_mode, caller)
        if not (
            ngrams is None
            or isinstance(ngrams, int)
            or (isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams))
        ):
            raise ValueError(
                f"`ngrams` must be None, an integer, or a tuple of integers. Received: ngrams={ngrams}"
            )
        if output_mode == "int" and not (
            output_sequence_length is None or isinstance(output_sequence_length, int)
        ):
            raise ValueError(
                "`output_sequence_length` must be either None or an integer when `output_mode` "
                f"is 'int'. Received: output_sequence_length={output_sequence_length}"
            )
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(
                "`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                f"Received output_sequence_length={output_sequence_length}."
            )
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._ragged = ragged
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens,
            mask_token="",
            output_mode=output_mode,
            has_input_vocabulary=has_input_vocabulary,
            encoding=encoding,
            vocabulary_size=vocabulary_size,
        )

    @property
    def compute_dtype(self):
        return "string"

    @property
    def variable_dtype(self):
        return "string"

    def build(self, input_shape=None):
        pass

    # -- vocabulary --------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None):
        """Learns the vocabulary from strings: an array (one document per string) or an
        iterable of batches (at most ``steps`` of them); see `StringLookup.adapt`."""
        self.reset_state()
        if _is_batch_iterable(data):
            for index, batch in enumerate(data):
                if steps is not None and index >= steps:
                    break
                self.update_state(batch)
        else:
            data = as_strings(data, self._encoding)
            self.update_state(data[:, None] if data.ndim == 1 else data)
        self.finalize_state()

    def update_state(self, data):
        tokens = self._preprocess(data)
        if isinstance(tokens, list):
            self._lookup_layer._update_documents([np.asarray(row, str) for row in tokens])
        else:
            self._lookup_layer.update_state(tokens)

    def finalize_state(self):
        self._lookup_layer.finalize_state()

    def reset_state(self):
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order (the padding ``""`` and OOV ``"[UNK]"`` first)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Replaces the vocabulary (and, in ``"tf_idf"`` mode, the IDF weights)."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # -- calling -----------------------------------------------------------------------
    def _preprocess(self, inputs):
        """Standardized strings split into token lists (one per string), or, without
        ``split``, a numpy array of tokens shaped like the inputs."""
        strings = as_strings(inputs, self._encoding)
        if callable(self._standardize):
            strings = as_strings(self._standardize(strings), self._encoding)
        else:
            if self._standardize in ("lower", "lower_and_strip_punctuation"):
                strings = _text_ops.lower(strings)
            if self._standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
                strings = _text_ops.strip_punctuation(strings)
        if self._split is None:
            if self._ngrams is None:
                return strings
            rows = strings.reshape(-1, strings.shape[-1]) if strings.ndim else strings[None]
            grams = [_text_ops.ngrams(row.tolist(), self._ngrams) for row in rows]
            return np.array(grams, dtype=str).reshape(*strings.shape[:-1], -1)
        if strings.ndim > 1:
            if strings.shape[-1] != 1:
                raise ValueError(
                    "When using `TextVectorization` to tokenize strings, the input rank must "
                    "be 1 or the last shape dimension must be 1. Received: "
                    f"inputs.shape={strings.shape} with rank={strings.ndim}"
                )
            strings = strings[..., 0]
        strings = np.atleast_1d(strings)
        if self._split == "whitespace":
            tokens = _text_ops.split_whitespace(strings)
        elif self._split == "character":
            tokens = _text_ops.split_characters(strings)
        else:
            tokens = [list(row) for row in self._split(strings)]
        if self._ngrams is not None:
            tokens = [_text_ops.ngrams(row, self._ngrams) for row in tokens]
        return tokens

    def _convert_inputs(self, args, kwargs):
        return tuple(np.asarray(a) if isinstance(a, (list, tuple)) else a for a in args), kwargs

    def call(self, inputs):
        if isinstance(inputs, jax.core.Tracer):
            raise traced_input_error(self, inputs)
        return self.device_call(self.host_call(inputs))

    def host_call(self, inputs):
        """The host half: strings -> a numpy int64 array of token indices."""
        tokens = self._preprocess(inputs)
        lookup = self._lookup_layer
        length = self._output_sequence_length
        if not isinstance(tokens, list):
            if self._output_mode != "int" and tokens.ndim == 1:
                # One string per sample, as the declared (batch, depth) output says (Keras
                # encodes a 1-D batch as one sample here).
                tokens = tokens[:, None]
            indices = lookup.host_call(tokens)
            if self._output_mode == "int" and length is not None:
                indices = indices[..., :length]
                padding = [(0, 0)] * (indices.ndim - 1) + [(0, length - indices.shape[-1])]
                indices = np.pad(indices, padding)
            return indices
        lengths = [len(row) for row in tokens]
        flat = lookup.host_call(np.array([t for row in tokens for t in row], dtype=str))
        if self._output_mode == "int":
            width, pad = (max(lengths, default=0) if length is None else length), 0
        else:
            # Padding adds nothing to an encoding: round the width up so that a jitted model
            # sees few distinct shapes.
            width, pad = 1 << max(max(lengths, default=0) - 1, 0).bit_length(), _DROPPED
        indices = np.full((len(tokens), width), pad, np.int64)
        offsets = np.cumsum([0, *lengths])
        for row, (start, size) in enumerate(zip(offsets, lengths)):
            kept = min(size, width)
            indices[row, :kept] = flat[start : start + kept]
        return indices

    def device_call(self, indices):
        """The device half: indices -> the output (traceable)."""
        return self._lookup_layer.device_call(indices)

    def host_output_spec(self, inputs):
        """The `KerasTensor` of what ``host_call`` makes of ``inputs``."""
        length = self._output_sequence_length if self._output_mode == "int" else None
        if self._split is not None:
            return KerasTensor((inputs.shape[0], length), dtype="int32")
        shape = tuple(inputs.shape)
        if self._output_mode != "int" and len(shape) == 1:
            shape += (1,)
        if self._ngrams is not None or length is not None:
            shape = shape[:-1] + (length,)
        return KerasTensor(shape, dtype="int32")

    def compute_output_shape(self, input_shape):
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        input_shape = tuple(input_shape)
        if self._split is None:
            if len(input_shape) <= 1:
                input_shape += (1,)
        else:
            # Keras appends the token axis without dropping the trailing 1 that splitting
            # squeezes out, and declares (batch, 1, depth) for (batch, 1) inputs; the
            # outputs are (batch, depth), and so is the shape here.
            if len(input_shape) > 1 and input_shape[-1] == 1:
                input_shape = input_shape[:-1]
            input_shape += (None,)
        return self._lookup_layer.compute_output_shape(input_shape)

    def compute_output_spec(self, inputs):
        dtype = "int64" if self._output_mode == "int" else "float32"
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    # -- saving ------------------------------------------------------------------------
    def get_config(self):
        lookup = self._lookup_layer
        config = super().get_config()
        config.update(
            {
                "max_tokens": lookup.max_tokens,
                "standardize": self._standardize,
                "split": self._split,
                "ngrams": self._ngrams_arg,
                "output_mode": self._output_mode,
                "output_sequence_length": self._output_sequence_length,
                "pad_to_max_tokens": lookup.pad_to_max_tokens,
                "sparse": lookup.sparse,
                "ragged": self._ragged,
                "vocabulary": _listify(lookup.input_vocabulary),
                "idf_weights": _listify(lookup.input_idf_weights),
                "encoding": self._encoding,
                "vocabulary_size": self.vocabulary_size(),
            }
        )
        return config

    @classmethod
    def from_config(cls, config, safe_mode=True):
        config = dict(config)
        for key in ("standardize", "split"):
            if not isinstance(config[key], str):
                config[key] = deserialize_keras_object(config[key], safe_mode=safe_mode)
        if isinstance(config["ngrams"], list):
            config["ngrams"] = tuple(config["ngrams"])
        refuse_vocabulary_path(config, safe_mode)
        return cls(**config)

    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)
