"""The vocabulary of the lookup layers: how it is set, learned with `adapt`, and saved.

`LookupVocabulary` is the host-state half of `IndexLookup` (a mixin: it reads the layer's
``mask_token``, ``oov_token``, ``num_oov_indices``, ``max_tokens``, ``output_mode``,
``invert``, ``pad_to_max_tokens`` and ``_keys``). The vocabulary lives in a `LookupTable`;
the TF-IDF weights in ``_idf_weights`` (float32 numpy, padded for the special tokens).
Saving follows Keras: the vocabulary is the ``vocabulary.txt`` asset of a ``.keras`` file
unless the config already holds it, and the TF-IDF weights the layer's ``idf_weights`` entry.
"""

import os

import jax
import numpy as np

from kerasish.backend.config import floatx
from kerasish.engine import structure
from kerasish.layers.preprocessing import _lookup_table
from kerasish.layers.preprocessing._lookup_table import LookupTable


class LookupVocabulary:
    """Vocabulary management shared by `StringLookup` and `IntegerLookup`."""

    def vocabulary_size(self):
        """The vocabulary size, mask and OOV indices included."""
        return len(self._table) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order; without ``include_special_tokens``, the mask and
        OOV tokens are left out (a term's position is then not its index)."""
        vocabulary = [self.oov_token] * self.vocabulary_size()
        start = self._table.start
        vocabulary[start : start + len(self._table)] = self._table.tokens.tolist()
        if self.mask_token is not None and self.output_mode == "int":
            vocabulary[0] = self.mask_token
        if not include_special_tokens:
            vocabulary = vocabulary[self._token_start_index() :]
        return vocabulary

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Replaces the vocabulary (a list, array or path of a one-token-per-line file) and,
        in ``"tf_idf"`` mode, the IDF weights (required there, refused elsewhere).

        A vocabulary may start with the mask and OOV tokens in their index order; they are
        then recognized rather than repeated."""
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError(
                "`idf_weights` should only be set if output_mode is `'tf_idf'`. Received: "
                f"output_mode={self.output_mode} and idf_weights={idf_weights}"
            )
        if isinstance(vocabulary, (str, os.PathLike)):
            self._set_vocabulary_file(os.fspath(vocabulary))
            return
        vocabulary = self._keys(np.asarray(vocabulary))
        if vocabulary.size == 0:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        token_start = self._token_start_index()
        special_tokens = [self.mask_token] * self._oov_start_index() + [
            self.oov_token
        ] * self.num_oov_indices
        found_special_tokens = np.array_equal(special_tokens, vocabulary[:token_start])
        tokens = vocabulary[token_start:] if found_special_tokens else vocabulary
        self._check_tokens(tokens, vocabulary, special_tokens)
        self._table = LookupTable(tokens, token_start)
        self._record_vocabulary_size()
        if self.output_mode == "tf_idf":
            self._set_idf_weights(idf_weights, len(vocabulary), found_special_tokens)

    def _set_vocabulary_file(self, path):
        if not os.path.exists(path):
            raise ValueError(f"Vocabulary file {path} does not exist.")
        if self.output_mode == "tf_idf":
            raise ValueError(
                "output_mode `'tf_idf'` does not support loading a vocabulary from file."
            )
        tokens = self._keys(
            np.asarray(self._tokens_of_lines(_lookup_table.read_vocabulary_file(path)))
        )
        self._check_tokens(tokens, tokens, [])
        self._table = LookupTable(tokens, self._token_start_index())
        self._record_vocabulary_size()

    def _tokens_of_lines(self, lines):
        return lines if self._vocabulary_is_string else [int(line) for line in lines]

    def _check_tokens(self, tokens, vocabulary, special_tokens):
        repeated = _lookup_table.repeated_tokens(tokens)
        if repeated:
            raise ValueError(
                "The passed vocabulary has at least one repeated term. Please uniquify your "
                f"dataset. The repeated terms are: {repeated}"
            )
        reserved = (
            "Found reserved {kind} token at unexpected location in `vocabulary`. Note that "
            "passed `vocabulary` does not need to include the OOV and mask tokens. Either "
            "remove all mask and OOV tokens, or include them only at the start of the "
            f"vocabulary in precisely this order: {special_tokens}. Received: "
        )
        if self.mask_token is not None and self.mask_token in tokens:
            index = np.argwhere(vocabulary == self.mask_token)[-1]
            raise ValueError(
                reserved.format(kind="mask")
                + f"mask_token={self.mask_token} at vocabulary index {index}"
            )
        if self.oov_token is not None and self.invert and self.oov_token in tokens:
            index = np.argwhere(vocabulary == self.oov_token)[-1]
            raise ValueError(
                reserved.format(kind="OOV")
                + f"oov_token={self.oov_token} at vocabulary index {index}"
            )
        size = self._token_start_index() + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(
                "Attempted to set a vocabulary larger than the maximum vocab size. Received "
                f"vocabulary size is {size}; `max_tokens` is {self.max_tokens}."
            )

    def _set_idf_weights(self, idf_weights, vocabulary_length, found_special_tokens):
        idf_weights = np.asarray(idf_weights)
        if vocabulary_length != len(idf_weights):
            raise ValueError(
                "`idf_weights` must be the same length as vocabulary. len(idf_weights) is "
                f"{len(idf_weights)}; len(vocabulary) is {vocabulary_length}"
            )
        if idf_weights.ndim != 1:
            raise ValueError(
                f"TF-IDF data must be a 1-index array. Received: type(idf_weights)={type(idf_weights)}"
            )
        # Special tokens have no document frequency: they get the average weight.
        front = 0 if found_special_tokens else self._token_start_index()
        front_value = 0 if found_special_tokens else np.average(idf_weights)
        self._idf_weights = self._padded_idf(idf_weights, front, front_value)

    def _padded_idf(self, idf_weights, front, front_value):
        back = 0
        if self.pad_to_max_tokens and self.max_tokens is not None:
            back = self.max_tokens - front - len(idf_weights)
        padded = np.pad(idf_weights, (front, back), constant_values=(front_value, 0))
        return padded.astype(floatx())

    def _record_vocabulary_size(self):
        structure.constants_changed()  # encodings traced with the old vocabulary are stale
        size = self.vocabulary_size()
        if (
            self.output_mode != "int"
            and not self.pad_to_max_tokens
            and self._frozen_vocab_size is not None
            and size != self._frozen_vocab_size
        ):
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "the vocabulary size cannot be changed after the layer is called. Old vocab "
                f"size is {self._frozen_vocab_size}, new vocab size is {size}"
            )
        self._frozen_vocab_size = size

    # -- adapt -------------------------------------------------------------------------
    def adapt(self, data, steps=None):
        """Learns the vocabulary (and, in ``"tf_idf"`` mode, document frequencies) from
        ``data``: an array (each row is a document; a 1-D array holds one-token documents)
        or an iterable of batches (at most ``steps`` of them). Tokens are ranked by count,
        ties by decreasing token, and the first ``max_tokens`` (minus special ones) kept."""
        self.reset_state()
        if _is_batch_iterable(data):
            for index, batch in enumerate(data):
                if steps is not None and index >= steps:
                    break
                self.update_state(batch)
        else:
            data = self._keys(np.asarray(data))
            self.update_state(data[:, None] if data.ndim == 1 else data)
        self.finalize_state()

    def update_state(self, data):
        data = self._keys(np.asarray(data))
        if data.ndim <= 1:
            data = data.reshape(1, -1)  # one document
        else:
            data = data.reshape(data.shape[0], int(np.prod(data.shape[1:])))
        self._update_documents(list(data))

    def _update_documents(self, documents):
        """Counts a batch given as a list of 1-D token arrays, one per document."""
        if self._has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt layer '{self.name}' after setting a static vocabulary via "
                "`vocabulary` argument or `set_vocabulary()` method."
            )
        self._counter.update(documents, count_documents=self.output_mode == "tf_idf")

    def finalize_state(self):
        if self._has_input_vocabulary:
            self._record_vocabulary_size()
            return
        if self._counter.num_tokens == 0:
            raise ValueError(
                f"Cannot adapt layer '{self.name}': the data passed to `adapt()` is empty "
                "(it holds no tokens)."
            )
        exclude = {self.mask_token, self.oov_token} - {None}
        token_start = self._token_start_index()
        limit = self.max_tokens - token_start if self.max_tokens else None
        tokens, document_counts = self._counter.most_common(exclude, limit)
        self._table = LookupTable(self._keys(np.asarray(tokens)), token_start)
        if self.output_mode == "tf_idf":
            idf_weights = _lookup_table.inverse_document_frequency(
                document_counts, self._counter.num_documents
            )
            average = np.mean(idf_weights) if len(idf_weights) else 0.0
            self._idf_weights = self._padded_idf(idf_weights, token_start, average)
        self.reset_state()
        self._record_vocabulary_size()

    def reset_state(self):
        if not self._has_input_vocabulary:
            self._counter.reset()

    # -- saving ------------------------------------------------------------------------
    def save_own_variables(self, store):
        if self.output_mode == "tf_idf":
            store["idf_weights"] = np.asarray(self._idf_weights)

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf":
            self._idf_weights = np.asarray(store["idf_weights"], floatx())
            structure.constants_changed()

    def save_assets(self, dir_path):
        """Writes ``vocabulary.txt`` (one token per line, special tokens first) unless the
        vocabulary is already in the config."""
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as file:
            file.write("\n".join(str(token) for token in self.get_vocabulary()))

    def load_assets(self, dir_path):
        if self.input_vocabulary is not None:
            return
        lines = _lookup_table.read_vocabulary_file(os.path.join(dir_path, "vocabulary.txt"))
        values = self._tokens_of_lines(lines)
        if self.output_mode == "tf_idf":
            # The saved weights are already padded for the special tokens (and `max_tokens`).
            self.set_vocabulary(values, idf_weights=self._idf_weights[: len(values)])
        else:
            self.set_vocabulary(values)


def _is_batch_iterable(data):
    """Whether ``adapt`` reads ``data`` as batches (a generator, a dataset) rather than as
    one array (lists and tuples are arrays, as in Keras)."""
    return hasattr(data, "__iter__") and not isinstance(
        data, (list, tuple, np.ndarray, jax.Array, str, bytes)
    )
