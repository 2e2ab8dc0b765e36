"""The lookup-layer cases recorded from Keras 3 (`make_lookup_golden.py`) or run live on it,
and replayed on kerasish by `lookup_replay.check_case`.

Each case is its constructor arguments and a list of steps (``adapt``, ``set_vocabulary``,
``call``, ``get_vocabulary``, ``vocabulary_size``, ``config``).
"""

VOCAB = ["a", "b", "c", "d"]
WORDS = [["a", "c", "d"], ["d", "z", "b"]]
OOV_WORDS = [["a", "zebra", "yak"], ["xylophone", "b", "wolf"], ["vole", "umbrella", "c"]]
INTS = [[12, 1138, 42], [42, 1000, 36]]
OOV_INTS = [[5, 6, 7, 8], [-1, -2, -3, 10**12 + 7]]
TEXT = ["The Cat sat.", "the dog, the CAT!", "  Dogs   bark\tloudly  ", "Élan café éCOLE"]


def call(data, dtype=None):
    step = {"op": "call", "input": data}
    if dtype is not None:
        step["dtype"] = dtype
    return step


def adapt(data, batches=False, dtype=None):
    step = {"op": "adapt", "data": data, "batches": batches}
    if dtype is not None:
        step["dtype"] = dtype
    return step


VOCABULARY = [
    {"op": "get_vocabulary"},
    {"op": "get_vocabulary", "include_special_tokens": False},
    {"op": "vocabulary_size"},
]
CONFIG = [{"op": "config"}]


def string_cases():
    cases = {
        "int": ({"vocabulary": VOCAB}, [call(WORDS), *VOCABULARY, *CONFIG]),
        "int_1d": ({"vocabulary": VOCAB}, [call(["a", "q", "d"])]),
        "int_3d": ({"vocabulary": VOCAB}, [call([[["a"], ["q"]], [["d"], ["b"]]])]),
        "no_oov": ({"vocabulary": VOCAB, "num_oov_indices": 0}, [call([["a", "d"]]), *VOCABULARY]),
        "no_oov_error": ({"vocabulary": VOCAB, "num_oov_indices": 0}, [call([["a", "q"]])]),
        "two_oov": (
            {"vocabulary": VOCAB, "num_oov_indices": 2},
            [call(WORDS), call(OOV_WORDS), *VOCABULARY],
        ),
        "five_oov": ({"vocabulary": VOCAB, "num_oov_indices": 5}, [call(OOV_WORDS)]),
        "oov_salt": (
            {"vocabulary": VOCAB, "num_oov_indices": 3, "salt": [7, 11]},
            [call(OOV_WORDS)],
        ),
        "oov_salt_int": ({"vocabulary": VOCAB, "num_oov_indices": 4, "salt": 5}, [call(OOV_WORDS)]),
        "mask": (
            {"vocabulary": VOCAB, "mask_token": "[MASK]"},
            [call([["a", "[MASK]", "z"], ["[MASK]", "d", "b"]]), *VOCABULARY, *CONFIG],
        ),
        "mask_two_oov": (
            {"vocabulary": VOCAB, "mask_token": "", "num_oov_indices": 2},
            [call([["a", "", "zebra"], ["", "yak", "b"]]), *VOCABULARY],
        ),
        "special_tokens_given": (
            {"vocabulary": ["", "[UNK]", "a", "b"], "mask_token": ""},
            [call([["a", "", "q"]]), *VOCABULARY],
        ),
        "one_hot_1d": ({"vocabulary": VOCAB, "output_mode": "one_hot"}, [call(["a", "d", "z"])]),
        "one_hot_column": (
            {"vocabulary": VOCAB, "output_mode": "one_hot"},
            [call([["a"], ["d"], ["z"]]), *CONFIG],
        ),
        "one_hot_2d": ({"vocabulary": VOCAB, "output_mode": "one_hot"}, [call(WORDS)]),
        "one_hot_mask": (
            {"vocabulary": VOCAB, "output_mode": "one_hot", "mask_token": "[M]"},
            [call(["a", "[M]", "z"]), *VOCABULARY],
        ),
        "multi_hot": (
            {"vocabulary": VOCAB, "output_mode": "multi_hot"},
            [call([["a", "c", "d", "d"], ["d", "z", "b", "z"]]), *VOCABULARY],
        ),
        "multi_hot_1d": (
            {"vocabulary": VOCAB, "output_mode": "multi_hot"},
            [call(["a", "z", "z"])],
        ),
        "multi_hot_mask": (
            {"vocabulary": VOCAB, "output_mode": "multi_hot", "mask_token": "[M]"},
            [call([["a", "[M]", "z"], ["[M]", "[M]", "b"]]), *VOCABULARY],
        ),
        "multi_hot_two_oov": (
            {"vocabulary": VOCAB, "output_mode": "multi_hot", "num_oov_indices": 2},
            [call(OOV_WORDS)],
        ),
        "binary_alias": ({"vocabulary": VOCAB, "output_mode": "binary"}, [call(WORDS), *CONFIG]),
        "count": (
            {"vocabulary": VOCAB, "output_mode": "count"},
            [call([["a", "c", "d", "d"], ["d", "z", "b", "z"]])],
        ),
        "count_pad": (
            {
                "vocabulary": VOCAB,
                "output_mode": "count",
                "max_tokens": 8,
                "pad_to_max_tokens": True,
            },
            [call([["a", "c", "d", "d"], ["d", "z", "b", "z"]]), *VOCABULARY, *CONFIG],
        ),
        "tf_idf": (
            {"vocabulary": VOCAB, "output_mode": "tf_idf", "idf_weights": [0.25, 0.75, 0.6, 0.4]},
            [call([["a", "c", "d", "d"], ["d", "z", "b", "z"]]), *CONFIG],
        ),
        "tf_idf_special": (
            {
                "output_mode": "tf_idf",
                "vocabulary": ["[UNK]", "a", "b", "c", "d"],
                "idf_weights": [0.9, 0.25, 0.75, 0.6, 0.4],
            },
            [call([["a", "c", "d", "d"], ["d", "z", "b", "z"]])],
        ),
        "tf_idf_pad": (
            {
                "vocabulary": VOCAB,
                "output_mode": "tf_idf",
                "idf_weights": [0.25, 0.75, 0.6, 0.4],
                "max_tokens": 7,
                "pad_to_max_tokens": True,
            },
            [call([["a", "c", "d", "d"], ["d", "z", "b", "z"]])],
        ),
        "invert": (
            {"vocabulary": VOCAB, "invert": True},
            [call([[1, 3, 4], [4, 0, 2], [7, -1, 1]], "int64"), *VOCABULARY, *CONFIG],
        ),
        "invert_mask": (
            {"vocabulary": VOCAB, "invert": True, "mask_token": "[M]", "num_oov_indices": 2},
            [call([[0, 1, 2, 3], [4, 5, 6, 9]], "int64"), *VOCABULARY],
        ),
        "adapt": ({}, [adapt(WORDS), call(WORDS), *VOCABULARY, *CONFIG]),
        "adapt_1d": ({}, [adapt(["b", "a", "b", "c", "c", "c"]), *VOCABULARY]),
        "adapt_max_tokens": (
            {"max_tokens": 4, "mask_token": "[M]"},
            [
                adapt([["d", "d", "e", "[M]", "[M]"], ["a", "e", "d", "[UNK]", "b"]]),
                call([["d", "e", "a", "[M]"]]),
                *VOCABULARY,
            ],
        ),
        "adapt_batches": (
            {"num_oov_indices": 2},
            [
                adapt([[["x", "y"], ["y", "z"]], [["z", "z"], ["w", "y"]]], batches=True),
                *VOCABULARY,
            ],
        ),
        "adapt_twice": (
            {},
            [adapt([["p", "q", "q"]]), adapt([["r", "r", "s"]]), *VOCABULARY],
        ),
        "adapt_tf_idf": (
            {"output_mode": "tf_idf"},
            [
                adapt([["a", "b", "b"], ["b", "c", "c"], ["c", "d", "a"]]),
                call([["a", "b", "q"], ["c", "c", "c"]]),
                *VOCABULARY,
                *CONFIG,
            ],
        ),
        "adapt_tf_idf_pad": (
            {"output_mode": "tf_idf", "max_tokens": 6, "pad_to_max_tokens": True},
            [adapt([["a", "b", "b"], ["b", "c", "c"]]), call([["a", "b", "q"]])],
        ),
        "adapt_multi_hot": (
            {"output_mode": "multi_hot", "max_tokens": 3},
            [
                adapt([["a", "b", "b"], ["b", "c", "c"], ["c", "c", "a"]]),
                call([["a", "b", "c"]]),
                *CONFIG,
            ],
        ),
        "unicode": (
            {"vocabulary": ["ü", "日本", "ça va", "😀"]},
            [call([["日本", "😀", "x"], ["ça va", "ü", "ü"]]), *VOCABULARY],
        ),
        "set_vocabulary": (
            {"mask_token": "[M]", "num_oov_indices": 2},
            [
                {"op": "set_vocabulary", "vocabulary": ["[M]", "[UNK]", "[UNK]", "x", "y"]},
                call([["x", "y", "q", "[M]"]]),
                *VOCABULARY,
                *CONFIG,
            ],
        ),
        "set_vocabulary_tf_idf": (
            {"output_mode": "tf_idf"},
            [
                {"op": "set_vocabulary", "vocabulary": ["x", "y"], "idf_weights": [0.5, 1.5]},
                call([["x", "y", "y", "q"]]),
            ],
        ),
        # Errors.
        "error_duplicates": ({"vocabulary": ["a", "b", "a", "c", "b"]}, []),
        "error_output_mode": ({"vocabulary": VOCAB, "output_mode": "bag"}, []),
        "error_invert_mode": ({"vocabulary": VOCAB, "invert": True, "output_mode": "count"}, []),
        "error_idf_mode": ({"vocabulary": VOCAB, "idf_weights": [1.0, 1.0, 1.0, 1.0]}, []),
        "error_tf_idf_no_weights": ({"vocabulary": VOCAB, "output_mode": "tf_idf"}, []),
        "error_max_tokens": ({"max_tokens": 1}, []),
        "error_pad": ({"pad_to_max_tokens": True, "output_mode": "count"}, []),
        "error_num_oov": ({"num_oov_indices": -1}, []),
        "error_sparse": ({"vocabulary": VOCAB, "sparse": True, "output_mode": "int"}, []),
        "error_mask_position": ({"vocabulary": ["a", "[M]", "b"], "mask_token": "[M]"}, []),
        "error_oov_position": ({"vocabulary": ["a", "[UNK]", "b"], "invert": True}, []),
        "error_too_large": ({"vocabulary": VOCAB, "max_tokens": 3}, []),
        "error_empty_vocabulary": ({"vocabulary": []}, []),
        "error_idf_length": (
            {"vocabulary": VOCAB, "output_mode": "tf_idf", "idf_weights": [1.0, 2.0]},
            [],
        ),
        "error_salt": ({"vocabulary": VOCAB, "salt": [1, 2, 3]}, []),
        "error_adapt_static": ({"vocabulary": VOCAB}, [adapt(WORDS)]),
        "error_no_vocabulary": ({"output_mode": "multi_hot"}, [call(WORDS)]),
        "error_set_idf_not_tf_idf": (
            {},
            [{"op": "set_vocabulary", "vocabulary": ["x"], "idf_weights": [1.0]}],
        ),
        "error_set_tf_idf_without_idf": (
            {"output_mode": "tf_idf"},
            [{"op": "set_vocabulary", "vocabulary": ["x"]}],
        ),
        "error_vocab_size_changed": (
            {"vocabulary": VOCAB, "output_mode": "multi_hot"},
            [{"op": "set_vocabulary", "vocabulary": ["x", "y"]}],
        ),
    }
    return cases


def integer_cases():
    vocab = [12, 36, 1138, 42]
    cases = {
        "int": ({"vocabulary": vocab}, [call(INTS, "int64"), *VOCABULARY, *CONFIG]),
        "floormod": (
            {"vocabulary": vocab, "num_oov_indices": 3},
            [call(OOV_INTS, "int64"), *VOCABULARY, *CONFIG],
        ),
        "farmhash": (
            {"vocabulary": vocab, "num_oov_indices": 3, "oov_method": "farmhash"},
            [call(OOV_INTS, "int64"), *CONFIG],
        ),
        "farmhash_salt": (
            {"vocabulary": vocab, "num_oov_indices": 4, "oov_method": "farmhash", "salt": 9},
            [call(OOV_INTS, "int64"), *CONFIG],
        ),
        "mask": (
            {"vocabulary": vocab, "mask_token": 0},
            [call([[12, 0, 5], [0, 42, 36]], "int64"), *VOCABULARY, *CONFIG],
        ),
        "no_oov": ({"vocabulary": vocab, "num_oov_indices": 0}, [call([[12, 42]], "int64")]),
        "no_oov_error": ({"vocabulary": vocab, "num_oov_indices": 0}, [call([[12, 7]], "int64")]),
        "one_hot": ({"vocabulary": vocab, "output_mode": "one_hot"}, [call([12, 7, 42], "int64")]),
        "multi_hot": (
            {"vocabulary": vocab, "output_mode": "multi_hot", "mask_token": -5},
            [call([[12, 12, -5, 7], [36, 36, 36, 36]], "int64"), *VOCABULARY],
        ),
        "count": ({"vocabulary": vocab, "output_mode": "count"}, [call(INTS, "int64")]),
        "tf_idf": (
            {"vocabulary": vocab, "output_mode": "tf_idf", "idf_weights": [1.0, 2.0, 3.0, 4.0]},
            [call(INTS, "int64")],
        ),
        "invert": (
            {"vocabulary": vocab, "invert": True},
            [call([[1, 3, 4], [4, 0, 2], [9, -3, 1]], "int64"), *VOCABULARY, *CONFIG],
        ),
        "invert_mask": (
            {"vocabulary": vocab, "invert": True, "mask_token": 0, "oov_token": -7},
            [call([[0, 1, 2, 3, 4, 5, 6]], "int64")],
        ),
        "large_values": (
            {"vocabulary": [2**40, 3, 2**33 + 1]},
            [call([[2**40, 2**33 + 1, 3, 2**33]], "int64")],
        ),
        "adapt": (
            {},
            [
                adapt([[5, 5, 3], [3, 3, 9], [7, 7, 1]], dtype="int64"),
                call([[5, 3, 9, 2]], "int64"),
                *VOCABULARY,
                *CONFIG,
            ],
        ),
        "adapt_ties": ({}, [adapt([40, 30, 20, 10, 20, 30], dtype="int64"), *VOCABULARY]),
        "adapt_tf_idf": (
            {"output_mode": "tf_idf", "max_tokens": 4},
            [
                adapt([[1, 2, 2], [2, 3, 3], [3, 4, 1]], dtype="int64"),
                call([[1, 2, 3, 4]], "int64"),
                *VOCABULARY,
            ],
        ),
        "error_dtype": ({"vocabulary_dtype": "int32"}, []),
        "error_salt_floormod": ({"vocabulary": vocab, "salt": 3}, []),
        "error_oov_method": ({"vocabulary": vocab, "oov_method": "modulo"}, []),
        "error_max_tokens": ({"max_tokens": 0}, []),
        "error_num_oov": ({"num_oov_indices": -2}, []),
        "error_duplicates": ({"vocabulary": [1, 2, 2]}, []),
    }
    return cases


def text_cases():
    vocab = ["the", "cat", "sat", "dog"]
    cases = {
        "adapt_int": (
            {},
            [adapt(TEXT), call(TEXT), *VOCABULARY, *CONFIG],
        ),
        "sequence_length_pad": (
            {"vocabulary": vocab, "output_sequence_length": 6},
            [call(["the cat", "a dog sat on the cat mat"]), *VOCABULARY, *CONFIG],
        ),
        "column_input": (
            {"vocabulary": vocab, "output_sequence_length": 3},
            [call([["the cat sat"], ["dog"]])],
        ),
        "lower": ({"vocabulary": vocab, "standardize": "lower"}, [call(["The CAT.", "dog, sat"])]),
        "strip_punctuation": (
            {"standardize": "strip_punctuation"},
            [adapt(["Hello, World! It's (fun) a-b_c.", "#$%&*+/:;<=>?@[\\]^`{|}~"]), *VOCABULARY],
        ),
        "no_standardize": (
            {"standardize": None},
            [adapt(["The the THE, the."]), *VOCABULARY],
        ),
        "unicode_lower": (
            {"standardize": "lower"},
            [adapt(["Élan ÉLAN élan ÇA Ça", "Straße STRASSE"]), *VOCABULARY],
        ),
        "whitespace_kinds": (
            {"standardize": None},
            [adapt(["a\tb\nc\rd\x0be\x0cf g\u00a0h\u2003i\x1cj"]), *VOCABULARY],
        ),
        "character": (
            {"split": "character", "standardize": "lower"},
            [adapt(["Abc ab", "日本é"]), call(["cab", "本x"]), *VOCABULARY, *CONFIG],
        ),
        "no_split": (
            {"split": None, "standardize": None},
            [
                adapt(["red", "blue", "red", "green"]),
                call(["red", "pink", "blue"]),
                call([["red"], ["blue"]]),
                *VOCABULARY,
                *CONFIG,
            ],
        ),
        "no_split_sequence": (
            {"split": None, "vocabulary": ["red", "blue"], "output_sequence_length": 3},
            [call(["red", "pink"])],
        ),
        "ngrams_2": (
            {"ngrams": 2},
            [adapt(["a b c", "b c d e"]), call(["a b c d", "e", ""]), *VOCABULARY, *CONFIG],
        ),
        "ngrams_tuple": (
            {"ngrams": (1, 3), "vocabulary": ["a", "b", "a b c", "b c d"]},
            [call(["a b c d", "b c"]), *CONFIG],
        ),
        "multi_hot": (
            {"output_mode": "multi_hot"},
            [adapt(TEXT), call(TEXT), *VOCABULARY, *CONFIG],
        ),
        "count_pad": (
            {"output_mode": "count", "max_tokens": 12, "pad_to_max_tokens": True},
            [adapt(TEXT), call(["the the cat unknown words", ""]), *VOCABULARY],
        ),
        "tf_idf": (
            {"output_mode": "tf_idf", "max_tokens": 6},
            [adapt(TEXT), call(["the the cat unknown", "dog dogs"]), *VOCABULARY, *CONFIG],
        ),
        "max_tokens": ({"max_tokens": 5}, [adapt(TEXT), call(TEXT), *VOCABULARY]),
        "vocabulary": (
            {"vocabulary": vocab},
            [call(["The dog sat, the cat ran"]), *VOCABULARY, *CONFIG],
        ),
        "adapt_batches": (
            {"max_tokens": 6},
            [adapt([["x y", "y z"], ["z z w", "y"]], batches=True), *VOCABULARY],
        ),
        "error_sequence_length_mode": ({"output_mode": "count", "output_sequence_length": 3}, []),
        "error_ngrams": ({"ngrams": [1, 2]}, []),
        "error_standardize": ({"standardize": "upper"}, []),
        "error_split": ({"split": "comma"}, []),
        "error_output_mode": ({"output_mode": "bag"}, []),
        "error_rank": ({"vocabulary": vocab}, [call([["the cat", "a dog"]])]),
        "error_sequence_length_type": ({"output_sequence_length": 2.5}, []),
    }
    return cases


CASE_SETS = {
    "lookup_string": string_cases,
    "lookup_integer": integer_cases,
    "lookup_text_vectorization": text_cases,
}
