"""`StringLookup`: strings to vocabulary indices (and back), mapped on the host."""

from kerasish.layers.preprocessing._lookup_table import as_strings
from kerasish.layers.preprocessing.index_lookup import IndexLookup
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class StringLookup(IndexLookup):
    """Maps strings to indices in a vocabulary, then optionally encodes them.

    Example:
    >>> layer = kerasish.layers.StringLookup(vocabulary=["a", "b", "c", "d"])
    >>> layer([["a", "c", "d"], ["d", "z", "b"]]).tolist()
    [[1, 3, 4], [4, 0, 2]]
    >>> layer.get_vocabulary()
    ['[UNK]', 'a', 'b', 'c', 'd']
    >>> inverse = kerasish.layers.StringLookup(vocabulary=["a", "b", "c", "d"], invert=True)
    >>> inverse([[1, 3, 4], [4, 0, 2]]).tolist()
    [['a', 'c', 'd'], ['d', '[UNK]', 'b']]

    Index layout: the mask token first (``output_mode="int"`` with ``mask_token`` set), then
    ``num_oov_indices`` OOV indices, then the vocabulary terms.

    Arguments:
        max_tokens: cap on the vocabulary size (special tokens included) for ``adapt``.
        num_oov_indices: OOV indices; with more than one, an OOV string goes to the bucket of
            its FarmHash64 (SipHash-2-4 keyed by ``salt`` when given), as in Keras; with 0,
            an OOV input raises an error.
        mask_token: a string mapped to 0 in ``"int"`` mode and dropped in the other modes.
        oov_token: what ``invert`` returns for OOV indices.
        vocabulary: a list/array of strings or the path of a one-term-per-line file.
        idf_weights: ``"tf_idf"`` weights, one per vocabulary term.
        invert: map indices back to strings (``output_mode="int"`` only).
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        pad_to_max_tokens: encode over ``max_tokens`` bins whatever the vocabulary size.
        sparse: TensorFlow-only in Keras; refused here as on Keras's other backends.
        encoding: how bytes inputs are decoded.
        salt: an int or two ints keying the OOV hash.

    Where it runs: strings are mapped on the host (numpy; see `index_lookup`); only integer
    indices reach JAX. Eager calls return JAX arrays (float32 for the encodings, int32 indices
    unless x64 is enabled), and numpy string arrays with ``invert``.
    """

    _vocabulary_is_string = True

    def __init__(
        self,
        max_tokens=None,
        num_oov_indices=1,
        mask_token=None,
        oov_token="[UNK]",
        vocabulary=None,
        idf_weights=None,
        invert=False,
        output_mode="int",
        pad_to_max_tokens=False,
        sparse=False,
        encoding="utf-8",
        name=None,
        salt=None,
        **kwargs,
    ):
        if sparse:
            raise ValueError("`sparse=True` can only be used with the TensorFlow backend.")
        self.encoding = encoding
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens,
            sparse=sparse,
            name=name,
            salt=salt,
            vocabulary_dtype="string",
            **kwargs,
        )

    def _keys(self, values):
        return as_strings(values, self.encoding)

    def get_config(self):
        config = super().get_config()
        # Strings have one dtype: Keras leaves it out of the config.
        del config["vocabulary_dtype"]
        config["encoding"] = self.encoding
        return config
