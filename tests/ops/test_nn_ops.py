"""`kerasish.ops` neural-network functions against `keras.ops`."""

import itertools

import keras
import numpy as np
import pytest
from ops_comparison import case, check_case, parametrize_cases, run_cases

from kerasish import ops
from kerasish.backend import config

rng = np.random.default_rng(1)


def normal(*shape, dtype="float32"):
    return rng.standard_normal(shape).astype(dtype)


X = normal(3, 4)
H = normal(3, 4, dtype="float16")
LOGITS = normal(2, 3, 5)
PROBS = np.asarray(keras.ops.softmax(LOGITS))
LABELS = rng.integers(0, 5, (2, 3)).astype("int32")
ONE_HOT = np.eye(5, dtype="float32")[LABELS]
BINARY = (rng.random((3, 4)) > 0.5).astype("float32")

ACTIVATIONS = [
    "relu", "relu6", "sigmoid", "sparse_sigmoid", "softplus", "softsign", "sparse_plus", "silu",
    "swish", "log_sigmoid", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh", "selu",
    "tanh_shrink", "leaky_relu", "elu", "celu", "gelu", "glu", "squareplus", "soft_shrink",
    "hard_shrink", "softmax", "log_softmax", "sparsemax",
]  # fmt: skip
ACTIVATION_CASES = [case(name, x) for name in ACTIVATIONS for x in (X, H)]

OTHER_CASES = [
    case("leaky_relu", X, negative_slope=0.1), case("elu", X, alpha=0.5), case("celu", X, alpha=2.0),
    case("gelu", X, approximate=False), case("glu", LOGITS[..., :4], axis=-1),
    case("glu", LOGITS[:, :2], axis=1), case("squareplus", X, b=2),
    case("soft_shrink", X, threshold=1.0), case("hard_shrink", X, threshold=0.2),
    case("threshold", X, 0.1, -1.0), case("softmax", LOGITS, axis=1),
    case("softmax", LOGITS, axis=(1, 2)), case("log_softmax", LOGITS, axis=(0, 2)),
    case("sparsemax", LOGITS, axis=1), case("polar", np.abs(X), X),
    # encodings
    case("one_hot", LABELS, 5), case("one_hot", LABELS, 5, axis=0, dtype="int32"),
    case("multi_hot", LABELS, 6), case("multi_hot", LABELS[0], 6, dtype="bool"),
    case("multi_hot", LABELS, num_tokens=5),
    # losses
    case("categorical_crossentropy", ONE_HOT, PROBS),
    case("categorical_crossentropy", ONE_HOT, LOGITS, from_logits=True),
    case("categorical_crossentropy", PROBS, LOGITS, from_logits=True, axis=1),
    case("sparse_categorical_crossentropy", LABELS, PROBS),
    case("sparse_categorical_crossentropy", LABELS[..., None], LOGITS, from_logits=True),
    case("binary_crossentropy", BINARY, np.asarray(keras.ops.sigmoid(X))),
    case("binary_crossentropy", BINARY, X, from_logits=True),
    # statistics and normalization
    case("moments", LOGITS, [0, 2]), case("moments", LOGITS, 1, keepdims=True), case("moments", H, [0]),
    case("batch_normalization", LOGITS, normal(5), np.abs(normal(5)), -1),
    case(
        "batch_normalization", LOGITS, normal(3), np.abs(normal(3)), 1,
        offset=normal(3), scale=normal(3), epsilon=0.1,
    ),
    case("normalize", LOGITS), case("normalize", LOGITS, axis=1, order=1),
    case("normalize", X, order=3, epsilon=1e-3), case("layer_normalization", LOGITS),
    case("layer_normalization", LOGITS, normal(5), normal(5), epsilon=1e-5),
    case("layer_normalization", LOGITS, normal(3, 5), normal(3, 5), axis=(1, 2)),
    case("layer_normalization", H, normal(4)), case("rms_normalization", LOGITS),
    case("rms_normalization", LOGITS, normal(5), epsilon=1e-3),
    case("rms_normalization", LOGITS, normal(3, 5), axis=[1, 2]), case("rms_normalization", H),
    case("psnr", np.abs(X), np.abs(X[::-1]), 1.0),
    # patches and pixel shuffles
    case("unfold", normal(2, 3, 6, 5), 2),
    case("unfold", normal(2, 3, 6, 5), (3, 2), dilation=(1, 2), padding=1, stride=2),
    case("fold", normal(2, 12, 20), (6, 5), 2),
    case("fold", normal(2, 18, 9), (6, 5), (3, 2), dilation=(1, 2), padding=1, stride=2),
    case("depth_to_space", normal(2, 3, 4, 8), 2),
    case("depth_to_space", normal(2, 8, 3, 4), 2, data_format="channels_first"),
    case("space_to_depth", normal(2, 4, 6, 3), 2),
    case("space_to_depth", normal(2, 3, 4, 6), 2, data_format="channels_first"),
]  # fmt: skip


def _images(data_format, height=7, width=8, channels=3):
    if data_format == "channels_last":
        return normal(2, height, width, channels)
    return normal(2, channels, height, width)


FORMATS = ("channels_last", "channels_first")
PADDINGS = ("valid", "same")


def _conv_cases():
    cases = []
    for data_format, padding, (strides, dilation) in itertools.product(
        FORMATS, PADDINGS, [(1, 1), (2, 1), (1, 2)]
    ):
        images = _images(data_format)
        options = dict(
            strides=strides, padding=padding, data_format=data_format, dilation_rate=dilation
        )
        cases.append(case("conv", images, normal(3, 2, 3, 4), **options))
        cases.append(case("depthwise_conv", images, normal(3, 3, 3, 2), **options))
        cases.append(
            case("separable_conv", images, normal(2, 2, 3, 2), normal(1, 1, 6, 5), **options)
        )
    return cases + [
        case("conv", normal(2, 9, 4), normal(3, 4, 5), padding="same", strides=2),
        case("conv", normal(2, 4, 9), normal(3, 4, 5), data_format="channels_first"),
        case("conv", normal(1, 5, 6, 4, 2), normal(2, 3, 2, 2, 3), padding="same"),
        case("conv", normal(2, 6, 6, 4), normal(3, 3, 2, 6)),  # two groups
    ]


def _conv_transpose_cases():
    cases = []
    for data_format, padding, (strides, output_padding, dilation) in itertools.product(
        FORMATS, PADDINGS, [(1, None, 1), (2, None, 1), (2, 1, 1), (3, 2, 1), (1, None, 2)]
    ):
        options = dict(
            strides=strides,
            padding=padding,
            output_padding=output_padding,
            data_format=data_format,
            dilation_rate=dilation,
        )
        images = _images(data_format, 5, 6)
        cases.append(case("conv_transpose", images, normal(3, 2, 4, 3), **options))
    return cases + [case("conv_transpose", normal(2, 7, 3), normal(4, 2, 3), strides=3)]


def _pool_cases():
    # Keras's JAX pooling fails when `strides` is None, so strides are always given here.
    cases = [
        case(name, _images(data_format), pool, strides, padding=padding, data_format=data_format)
        for name, data_format, padding, (pool, strides) in itertools.product(
            ("max_pool", "average_pool"), FORMATS, PADDINGS, [(2, 2), (3, 2), ((2, 3), (1, 2))]
        )
    ]
    for name in ("max_pool", "average_pool"):
        cases.append(case(name, normal(2, 9, 3), 3, 3, padding="same"))
        cases.append(case(name, normal(1, 4, 5, 6, 2), 2, 2))
    adaptive_inputs = [
        ("channels_last", normal(2, 7, 9, 3)),
        ("channels_first", normal(2, 3, 7, 9)),
        ("channels_last", normal(2, 7, 3)),
        ("channels_first", normal(1, 2, 5, 6, 7)),
    ]
    for name, (data_format, inputs) in itertools.product(
        ("adaptive_average_pool", "adaptive_max_pool"), adaptive_inputs
    ):
        cases.append(case(name, inputs, 3, data_format=data_format))
    return cases + [case("adaptive_max_pool", normal(2, 10, 9, 3), (4, 2))]


def _attention_cases():
    query, key, value = normal(2, 5, 4, 8), normal(2, 6, 4, 8), normal(2, 6, 4, 8)
    mask = rng.random((2, 1, 5, 6)) > 0.3
    name = "dot_product_attention"
    return [
        case(name, query, key, value),
        case(name, query, key, value, bias=normal(2, 4, 5, 6)),
        case(name, query, key, value, mask=mask, scale=0.3),
        case(name, query, query, query, is_causal=True),
        case(name, query, key[:, :, :2], value[:, :, :2]),  # grouped-query attention
    ]


def _ctc_cases():
    logits = normal(3, 8, 5)
    labels = rng.integers(1, 5, (3, 4)).astype("int32")
    label_lengths, logit_lengths = np.array([4, 2, 3]), np.array([8, 6, 7])
    return [
        case("ctc_loss", labels, logits, label_lengths, logit_lengths),
        case("ctc_loss", labels - 1, logits, label_lengths, logit_lengths, mask_index=4),
        case("ctc_decode", logits, logit_lengths),
        case("ctc_decode", logits, logit_lengths, merge_repeated=False, mask_index=None),
        case(
            "ctc_decode", logits, logit_lengths, strategy="beam_search", beam_width=4, top_paths=3
        ),
    ]


CASES = (
    ACTIVATION_CASES
    + OTHER_CASES
    + _conv_cases()
    + _conv_transpose_cases()
    + _pool_cases()
    + _attention_cases()
    + _ctc_cases()
)


@pytest.fixture(scope="module")
def outcomes():
    return run_cases(CASES, ops, keras.ops)


@parametrize_cases(CASES)
def test_matches_keras(key, c, outcomes):
    check_case(key, c, outcomes, ops, keras.ops, rtol=1e-4, atol=1e-5)


def test_eager_calls_match_keras(same):
    images, kernel = _images("channels_last"), normal(3, 3, 3, 2)
    same(ops.conv(images, kernel, padding="same"), keras.ops.conv(images, kernel, padding="same"))
    same(ops.softmax(LOGITS), keras.ops.softmax(LOGITS))
    gamma = normal(3)
    with pytest.warns(UserWarning, match="deprecated"):
        expected = keras.ops.layer_normalization(LOGITS, gamma, axis=1, rms_scaling=True)
    same(ops.layer_normalization(LOGITS, gamma, axis=1, rms_scaling=True), expected, rtol=1e-4)


def test_default_data_format_follows_config(same):
    images, kernel = _images("channels_first"), normal(3, 3, 3, 2)
    previous = keras.config.image_data_format()
    try:
        config.set_image_data_format("channels_first")
        keras.config.set_image_data_format("channels_first")
        same(ops.conv(images, kernel), keras.ops.conv(images, kernel))
        same(ops.max_pool(images, 2, 2), keras.ops.max_pool(images, 2, 2))
    finally:
        config.set_image_data_format(previous)
        keras.config.set_image_data_format(previous)


def test_pool_strides_default_to_pool_size():
    # keras.ops.max_pool(x, 2) without strides fails on Keras's JAX backend.
    images = _images("channels_last")
    np.testing.assert_array_equal(ops.max_pool(images, 2), ops.max_pool(images, 2, strides=2))
    np.testing.assert_allclose(
        ops.average_pool(images, (2, 3)), ops.average_pool(images, (2, 3), (2, 3))
    )


def test_unsupported_arguments_raise():
    query = normal(1, 2, 1, 4)
    with pytest.raises(ValueError, match="Flash attention"):
        ops.dot_product_attention(query, query, query, flash_attention=True)
    with pytest.raises(NotImplementedError, match="sparse"):
        ops.one_hot(LABELS, 5, sparse=True)
    with pytest.raises(ValueError, match="padding"):
        ops.max_pool(normal(1, 4, 4, 1), 2, padding="full")
