"""Convolution layers vs Keras 3: numerics, configs, shapes with None dims, errors."""

import doctest
import importlib

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from layer_parity import assert_same_error, check_layer

import kerasish
from kerasish import layers

FIRST = "channels_first"

# (class name, constructor arguments, input shape): each row runs the whole contract, Keras
# parity with copied weights included, so the rows cover each class in both data formats and
# the padding / strides / dilation / groups / output_padding cases that change the arithmetic.
CONTRACT_CASES = [
    ("Conv1D", {"filters": 4, "kernel_size": 3, "padding": "causal", "dilation_rate": 2,
                "data_format": FIRST}, (2, 3, 7)),
    ("Conv1D", {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "groups": 2,
                "activation": "relu"}, (2, 9, 4)),
    ("Conv2D", {"filters": 4, "kernel_size": (3, 2), "strides": (2, 1), "padding": "same",
                "groups": 2, "data_format": FIRST}, (2, 4, 7, 6)),
    ("Conv2D", {"filters": 3, "kernel_size": 3, "dilation_rate": (2, 1),
                "kernel_initializer": "he_normal", "bias_initializer": "ones",
                "kernel_regularizer": "l2", "activity_regularizer": "l1"}, (2, 7, 5, 2)),
    ("Conv3D", {"filters": 2, "kernel_size": 2, "strides": (1, 2, 1), "padding": "same"},
     (2, 4, 3, 5, 2)),
    ("Conv3D", {"filters": 4, "kernel_size": (2, 1, 2), "groups": 2, "data_format": FIRST,
                "kernel_constraint": "non_neg"}, (2, 2, 3, 3, 3)),
    ("Conv1DTranspose", {"filters": 3, "kernel_size": 2, "strides": 3, "output_padding": 0,
                         "data_format": FIRST}, (2, 2, 5)),
    ("Conv1DTranspose", {"filters": 2, "kernel_size": 4, "strides": 3, "padding": "same",
                         "output_padding": 2, "use_bias": False}, (2, 5, 2)),
    ("Conv2DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same",
                         "output_padding": 1}, (2, 4, 5, 2)),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": (2, 3), "strides": (1, 2),
                         "data_format": FIRST, "activation": "tanh"}, (2, 3, 4, 3)),
    ("Conv3DTranspose", {"filters": 3, "kernel_size": 2, "dilation_rate": 2, "padding": "same"},
     (2, 3, 4, 3, 2)),
    ("Conv3DTranspose", {"filters": 2, "kernel_size": 2, "strides": 2, "data_format": FIRST},
     (2, 2, 2, 3, 2)),
    ("DepthwiseConv1D", {"kernel_size": 3, "dilation_rate": 2, "depth_multiplier": 2},
     (2, 8, 3)),
    ("DepthwiseConv1D", {"kernel_size": 2, "strides": 2, "padding": "same", "data_format": FIRST},
     (2, 3, 7)),
    ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2, "padding": "same",
                         "strides": 2, "data_format": FIRST}, (2, 3, 6, 5)),
    ("DepthwiseConv2D", {"kernel_size": (2, 3), "depthwise_regularizer": "l2",
                         "use_bias": False, "activation": "relu"}, (2, 5, 6, 2)),
    ("SeparableConv1D", {"filters": 4, "kernel_size": 3, "data_format": FIRST, "strides": 2},
     (2, 3, 9)),
    ("SeparableConv1D", {"filters": 2, "kernel_size": 2, "padding": "same", "dilation_rate": 2,
                         "depth_multiplier": 3}, (2, 6, 2)),
    ("SeparableConv2D", {"filters": 4, "kernel_size": 3, "depth_multiplier": 2,
                         "padding": "same", "pointwise_initializer": "ones"}, (2, 6, 5, 3)),
    ("SeparableConv2D", {"filters": 3, "kernel_size": (3, 2), "data_format": FIRST,
                         "use_bias": False}, (2, 2, 5, 4)),
]  # fmt: skip


def _num_weights(class_name, kwargs):
    kernels = 2 if class_name.startswith("Separable") else 1
    return kernels + int(kwargs.get("use_bias", True))


@pytest.mark.parametrize("class_name, kwargs, input_shape", CONTRACT_CASES)
def test_contract_and_keras_parity(class_name, kwargs, input_shape):
    expected = tuple(getattr(keras.layers, class_name)(**kwargs).compute_output_shape(input_shape))
    check_layer(
        getattr(layers, class_name),
        kwargs,
        input_shape,
        expected_output_shape=expected,
        expected_num_trainable_weights=_num_weights(class_name, kwargs),
        expected_num_non_trainable_weights=0,
    )


@pytest.mark.parametrize(
    "class_name, kwargs, input_shape",
    [
        ("Conv1D", {"filters": 2, "kernel_size": 3, "padding": "causal", "strides": 2}, (None, None, 3)),
        ("Conv2D", {"filters": 2, "kernel_size": 3, "strides": 2}, (None, None, 9, 3)),
        ("Conv2D", {"filters": 2, "kernel_size": 3, "padding": "same", "data_format": FIRST},
         (4, 3, None, 7)),
        ("Conv3D", {"filters": 2, "kernel_size": 2, "dilation_rate": 2}, (None, 5, None, 6, 1)),
        ("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2}, (None, None, 3)),
        ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same",
                             "output_padding": 1, "data_format": FIRST}, (None, 3, 5, None)),
        ("Conv3DTranspose", {"filters": 2, "kernel_size": 3, "dilation_rate": 2},
         (2, None, 4, 5, 1)),
        ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 3}, (None, None, 8, 2)),
        ("SeparableConv1D", {"filters": 5, "kernel_size": 3, "data_format": FIRST},
         (None, 2, None)),
    ],
)  # fmt: skip
def test_compute_output_shape_with_unknown_dims_matches_keras(class_name, kwargs, input_shape):
    ours = getattr(layers, class_name)(**kwargs)
    theirs = getattr(keras.layers, class_name)(**kwargs)
    assert ours.compute_output_shape(input_shape) == tuple(theirs.compute_output_shape(input_shape))


def test_causal_outputs_do_not_depend_on_future_steps():
    layer = layers.Conv1D(2, 3, padding="causal", dilation_rate=2)
    x = np.random.default_rng(0).standard_normal((1, 9, 2)).astype("float32")
    changed = x.copy()
    changed[:, 5:] += 10.0
    before, after = np.asarray(layer(x)), np.asarray(layer(changed))
    np.testing.assert_allclose(before[:, :5], after[:, :5])
    assert not np.allclose(before[:, 5:], after[:, 5:])


def test_variable_spatial_size_model_runs_under_jit():
    inputs = kerasish.Input((None, None, 3))
    x = layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    x = layers.Conv2DTranspose(2, 2, strides=2)(x)
    model = kerasish.Model(inputs, layers.GlobalAveragePooling2D()(x))
    assert model.output.shape == (None, 2)
    params, state = model.init(jax.random.key(0), (None, None, None, 3))
    apply = jax.jit(lambda p, x: model.apply(p, state, x)[0])
    for size in (4, 7):
        assert apply(params, jnp.ones((2, size, size + 1, 3))).shape == (2, 2)


def test_data_format_defaults_to_the_image_data_format():
    previous = kerasish.config.image_data_format()
    kerasish.config.set_image_data_format(FIRST)
    try:
        layer = layers.Conv2D(2, 3)
    finally:
        kerasish.config.set_image_data_format(previous)
    assert layer.data_format == FIRST
    assert layer(jnp.ones((1, 3, 5, 5))).shape == (1, 2, 3, 3)


def test_mixed_precision_computes_in_bfloat16_with_float32_weights():
    x = np.random.default_rng(0).standard_normal((2, 6, 6, 3)).astype("float32")
    ours = layers.Conv2D(4, 3, dtype="mixed_bfloat16")
    theirs = keras.layers.Conv2D(4, 3, dtype="mixed_bfloat16")
    ours.build(x.shape)
    theirs.build(x.shape)
    theirs.set_weights(ours.get_weights())
    assert ours.kernel.dtype == "float32"
    got, expected = ours(x), theirs(x)
    assert got.dtype == expected.dtype == jnp.bfloat16
    np.testing.assert_allclose(np.asarray(got, "float32"), np.asarray(expected, "float32"))


def test_default_names_match_keras():
    # Regression: the engine once named Conv2D "conv2_d" where Keras says "conv2d".
    for class_name, keras_name in [("Conv2D", "conv2d"), ("Conv1DTranspose", "conv1d_transpose")]:
        assert getattr(layers, class_name)(2, 3).name.startswith(keras_name)
        assert getattr(keras.layers, class_name)(2, 3).name.startswith(keras_name)


def test_keras_aliases_are_the_same_classes():
    keras_names = {
        name
        for name in dir(keras.layers)
        if name.startswith(("Conv", "Convolution", "DepthwiseConv", "SeparableConv"))
        and "LSTM" not in name
    }
    for name in keras_names:
        assert getattr(layers, name) is getattr(layers, getattr(keras.layers, name).__name__)
    config = kerasish.saving.serialize_keras_object(layers.Convolution2D(2, 3))
    assert config["class_name"] == "Conv2D"
    assert isinstance(kerasish.saving.deserialize_keras_object(config), layers.Conv2D)


def test_lora_is_refused():
    with pytest.raises(NotImplementedError, match="LoRA"):
        layers.Conv2D(2, 3, lora_rank=2)


# -- errors, compared with Keras's ---------------------------------------------------------
@pytest.mark.parametrize(
    "class_name, kwargs",
    [
        ("Conv2D", {"filters": 5, "kernel_size": 3, "groups": 2}),
        ("Conv2D", {"filters": 4, "kernel_size": 3, "groups": 0}),
        ("Conv2D", {"filters": 0, "kernel_size": 3}),
        ("Conv2D", {"filters": 2, "kernel_size": (3, 3, 3)}),
        ("Conv2D", {"filters": 2, "kernel_size": (3, "a")}),
        ("Conv2D", {"filters": 2, "kernel_size": 3, "strides": (1, -1)}),
        ("Conv2D", {"filters": 2, "kernel_size": 3, "padding": "causal"}),
        ("Conv1D", {"filters": 2, "kernel_size": 3, "padding": "full"}),
        ("Conv2D", {"filters": 2, "kernel_size": 3, "data_format": "channels_middle"}),
        ("Conv2D", {"filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2}),
        ("Conv2D", {"filters": 2, "kernel_size": 3, "unknown_argument": 1}),
        ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 2}),
        ("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "output_padding": -1}),
        ("Conv3DTranspose", {"filters": -1, "kernel_size": 3}),
        ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 0}),
        ("SeparableConv1D", {"filters": 2, "kernel_size": 3, "depth_multiplier": -2}),
        ("SeparableConv2D", {"filters": 0, "kernel_size": 3}),
    ],
)
def test_constructor_errors_match_keras(class_name, kwargs):
    assert_same_error(
        lambda: getattr(layers, class_name)(**kwargs),
        lambda: getattr(keras.layers, class_name)(**kwargs),
    )


@pytest.mark.parametrize(
    "class_name, args, kwargs, input_shape",
    [
        ("Conv2D", (4, 3), {"groups": 2}, (None, 5, 5, 3)),
        ("Conv2D", (2, 5), {}, (None, 3, 7, 1)),
        ("Conv1D", (2, 3), {"dilation_rate": 3}, (None, 6, 1)),
        ("Conv1D", (2, 3), {}, (None, 5, 5, 3)),
        ("DepthwiseConv2D", (4,), {"data_format": FIRST}, (None, 2, 3, 3)),
        ("SeparableConv2D", (2, 3), {}, (None, 2, 2, 3)),
    ],
)
def test_build_errors_match_keras(class_name, args, kwargs, input_shape):
    assert_same_error(
        lambda: getattr(layers, class_name)(*args, **kwargs).build(input_shape),
        lambda: getattr(keras.layers, class_name)(*args, **kwargs).build(input_shape),
    )


def test_wrong_channel_count_after_build_matches_keras():
    x, other = np.ones((1, 5, 5, 3), "float32"), np.ones((1, 5, 5, 2), "float32")
    ours, theirs = layers.Conv2D(2, 3, name="c"), keras.layers.Conv2D(2, 3, name="c")
    ours(x)
    theirs(x)
    assert_same_error(lambda: ours(other), lambda: theirs(other))


@pytest.mark.parametrize(
    "module",
    [
        "kerasish.layers.convolution.arguments",
        "kerasish.layers.convolution.base_conv",
        "kerasish.layers.convolution.conv",
        pytest.param("kerasish.layers.convolution.conv_transpose", marks=pytest.mark.slow),
        pytest.param("kerasish.layers.convolution.depthwise_conv", marks=pytest.mark.slow),
        pytest.param("kerasish.layers.convolution.separable_conv", marks=pytest.mark.slow),
    ],
)
def test_docstring_examples_run(module):
    # Eager examples compile op by op; the costlier modules run with -m slow.
    result = doctest.testmod(
        importlib.import_module(module),
        extraglobs={"kerasish": kerasish, "jnp": jnp, "jax": jax},
        verbose=False,
    )
    assert result.failed == 0
