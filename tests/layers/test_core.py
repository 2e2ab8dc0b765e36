"""Core layers (`Dense`, `EinsumDense`, `Embedding`, `Identity`, `Masking`, `Lambda`) vs Keras 3."""

import builtins
import marshal
import os
import sys

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from layer_parity import (
    assert_config_equals_keras,
    check_layer,
    keras_weights_into,
    raised,
    to_numpy,
)

import kerasish
from kerasish import layers
from kerasish.engine.masking import get_keras_mask

# -- Dense -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, input_shape",
    [
        ({"units": 3}, (2, 4)),
        ({"units": 2, "activation": "relu", "use_bias": False}, (2, 3, 4)),
        (
            {
                "units": 4,
                "kernel_initializer": "he_normal",
                "bias_initializer": "ones",
                "kernel_regularizer": "l2",
                "bias_regularizer": "l1",
                "activity_regularizer": "l2",
                "kernel_constraint": "max_norm",
            },
            (3, 5),
        ),
    ],
)
def test_dense_contract(kwargs, input_shape):
    num_weights = 1 if kwargs.get("use_bias") is False else 2
    expected = (*input_shape[:-1], kwargs["units"])
    check_layer(
        layers.Dense,
        kwargs,
        input_shape,
        expected_output_shape=expected,
        expected_num_trainable_weights=num_weights,
    )


def test_dense_invalid_units_message_matches_keras():
    assert raised(lambda: layers.Dense(0)) == raised(lambda: keras.layers.Dense(0))


def test_dense_lora_is_not_implemented():
    with pytest.raises(NotImplementedError, match="lora_rank"):
        layers.Dense(2, lora_rank=2)


# -- EinsumDense -----------------------------------------------------------------------------

EINSUM_CASES = [
    ({"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "c"}, (2, 3), (2, 4)),
    (
        {"equation": "abc,cd->abd", "output_shape": (None, 5), "bias_axes": "d"},
        (2, 3, 4),
        (2, 3, 5),
    ),
    (
        {"equation": "abc,cde->abde", "output_shape": (None, 5, 6), "bias_axes": "de"},
        (2, 3, 4),
        (2, 3, 5, 6),
    ),
    ({"equation": "abc,cd->abd", "output_shape": (3, 5), "bias_axes": "b"}, (2, 3, 4), (2, 3, 5)),
    (
        {"equation": "abcd,cde->abe", "output_shape": (None, 7), "activation": "relu"},
        (2, 3, 4, 5),
        (2, 3, 7),
    ),
    ({"equation": "abc,bcd->ad", "output_shape": 6, "bias_axes": "d"}, (2, 3, 4), (2, 6)),
    ({"equation": "...b,bc->...c", "output_shape": 4, "bias_axes": "c"}, (2, 3, 6), (2, 3, 4)),
    (
        {"equation": "ab...,bc->ac...", "output_shape": 6, "bias_axes": "c"},
        (2, 3, 4, 5),
        (2, 6, 4, 5),
    ),
]


@pytest.mark.parametrize("kwargs, input_shape, output_shape", EINSUM_CASES)
def test_einsum_dense_contract(kwargs, input_shape, output_shape):
    layer = check_layer(
        layers.EinsumDense,
        kwargs,
        input_shape,
        expected_output_shape=output_shape,
        expected_num_trainable_weights=2 if kwargs.get("bias_axes") else 1,
    )
    keras_layer = keras.layers.EinsumDense(**kwargs)
    keras_layer.build(input_shape)
    assert layer.compute_output_shape(input_shape) == keras_layer.compute_output_shape(input_shape)


def test_einsum_dense_kernel_fans_use_einsum_axes_like_keras():
    # Kernel (64, 8, 8): the fans are 64 and 8 * 8 = 64, not the conv-style 512 and 512.
    layer = layers.EinsumDense(
        "abc,cde->abde",
        output_shape=(None, 8, 8),
        kernel_initializer=kerasish.initializers.GlorotUniform(seed=1),
    )
    layer.build((None, 3, 64))
    limit = np.sqrt(6.0 / (64 + 64))
    kernel = np.asarray(layer.kernel.value)
    assert np.abs(kernel).max() <= limit
    assert np.abs(kernel).max() > 0.9 * limit
    theirs = keras.layers.EinsumDense(
        "abc,cde->abde",
        output_shape=(None, 8, 8),
        kernel_initializer=keras.initializers.GlorotUniform(seed=1),
    )
    theirs.build((None, 3, 64))
    assert np.abs(np.asarray(theirs.kernel)).max() <= limit
    assert layer.get_config()["kernel_initializer"] == theirs.get_config()["kernel_initializer"]


@pytest.mark.parametrize(
    "equation, bias_axes, output_shape",
    [
        ("ab,bc", None, 4),  # not an einsum of the supported forms
        ("ab,bc->ac", "x", 4),  # bias letter not in the output
        ("ab,bcd->ac", None, 4),  # kernel letter nowhere else
        ("ab,bc->ad", None, 4),  # output letter nowhere else
        ("abc,cd->abd", None, (5, 4)),  # shared letter b: 3 in the input, 5 in output_shape
    ],
)
def test_einsum_dense_errors_match_keras(equation, bias_axes, output_shape):
    def build(module):
        layer = module.layers.EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes)
        layer.build((None, 3, 4) if equation.startswith("abc") else (None, 3))

    assert raised(lambda: build(kerasish)) == raised(lambda: build(keras))


# -- Embedding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, input_shape",
    [
        ({"input_dim": 10, "output_dim": 4}, (2, 5)),
        ({"input_dim": 10, "output_dim": 3, "mask_zero": True}, (2, 3, 4)),
        (
            {
                "input_dim": 7,
                "output_dim": 2,
                "embeddings_initializer": "glorot_uniform",
                "embeddings_regularizer": "l2",
                "embeddings_constraint": "non_neg",
                "activity_regularizer": "l1",
            },
            (3, 4),
        ),
    ],
)
def test_embedding_contract(kwargs, input_shape):
    check_layer(
        layers.Embedding,
        kwargs,
        input_shape,
        input_dtype="int32",
        expected_output_shape=(*input_shape, kwargs["output_dim"]),
        expected_num_trainable_weights=1,
        supports_masking=kwargs.get("mask_zero", False),
        input_range=(0, kwargs["input_dim"]),
    )


def test_embedding_mask_zero_and_initial_weights():
    table = np.arange(12, dtype="float32").reshape(4, 3)
    layer = layers.Embedding(4, 3, mask_zero=True, weights=table)
    assert layer.built
    ids = jnp.array([[1, 0, 3]])
    outputs = layer(ids)
    np.testing.assert_array_equal(outputs, table[[[1, 0, 3]]])
    np.testing.assert_array_equal(get_keras_mask(outputs), [[True, False, True]])
    np.testing.assert_array_equal(layer.compute_mask(ids, None), [[True, False, True]])
    assert layers.Embedding(4, 3).compute_mask(ids, None) is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"input_dim": 0, "output_dim": 2},
        {"input_dim": 3, "output_dim": "2"},
        {"input_dim": True, "output_dim": 2},
    ],
)
def test_embedding_invalid_dims_match_keras(kwargs):
    assert raised(lambda: layers.Embedding(**kwargs)) == raised(
        lambda: keras.layers.Embedding(**kwargs)
    )


class _KerasMaskedSum(keras.layers.Layer):
    def call(self, inputs, mask=None):
        return keras.ops.sum(inputs * keras.ops.cast(mask, inputs.dtype)[..., None], axis=1)


class _MaskedSum(kerasish.layers.Layer):
    def call(self, inputs, mask=None):
        return jnp.sum(inputs * mask.astype(inputs.dtype)[..., None], axis=1)


def _mask_model(module, masked_sum_cls):
    ids = module.Input((5,), dtype="int32")
    x = module.layers.Embedding(10, 4, mask_zero=True)(ids)
    x = module.layers.Dense(3)(x)
    x = module.layers.BatchNormalization()(x)
    return module.Model(ids, masked_sum_cls()(x))


@pytest.mark.filterwarnings("ignore:Layer .* does not support masking")
def test_embedding_mask_propagates_through_functional_model_like_keras():
    ours, theirs = _mask_model(kerasish, _MaskedSum), _mask_model(keras, _KerasMaskedSum)
    params, state = keras_weights_into(ours, theirs)
    ids = np.array([[1, 2, 0, 0, 0], [3, 0, 4, 5, 0], [6, 7, 8, 9, 1]], dtype="int32")
    expected_inference = np.asarray(theirs(ids, training=False))
    expected_training = np.asarray(theirs(ids, training=True))  # masked batch statistics
    np.testing.assert_allclose(ours(ids), expected_inference, rtol=1e-5, atol=1e-5)
    outputs, new_state = jax.jit(lambda p, s, x: ours.apply(p, s, x, training=True))(
        params, state, ids
    )
    np.testing.assert_allclose(outputs, expected_training, rtol=1e-5, atol=1e-5)
    bn = theirs.layers[3]
    ours_bn = to_numpy(new_state[ours.layers[3].name])
    np.testing.assert_allclose(ours_bn["moving_mean"], bn.moving_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours_bn["moving_variance"], bn.moving_variance, rtol=1e-5, atol=1e-6)


# -- Identity, Masking -----------------------------------------------------------------------


@pytest.mark.parametrize("input_shape", [(2, 3, 4)])
def test_identity_contract(input_shape):
    check_layer(
        layers.Identity, {}, input_shape, expected_output_shape=input_shape, supports_masking=True
    )


@pytest.mark.parametrize("kwargs", [{}, {"mask_value": 1.5}])
def test_masking_contract(kwargs):
    check_layer(
        layers.Masking, kwargs, (2, 3, 4), expected_output_shape=(2, 3, 4), supports_masking=True
    )


@pytest.mark.parametrize("mask_value", [0.0, -1.0])
def test_masking_values_and_mask_match_keras(mask_value):
    x = np.random.default_rng(0).standard_normal((2, 4, 3)).astype("float32")
    x[0, 1] = mask_value
    x[1, 3] = mask_value
    x[1, 0, 0] = mask_value  # only partly equal: not masked
    ours = layers.Masking(mask_value=mask_value)(x)
    theirs = keras.layers.Masking(mask_value=mask_value)(x)
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(get_keras_mask(ours), theirs._keras_mask)
    np.testing.assert_array_equal(
        get_keras_mask(ours), [[True, False, True, True], [True, True, True, False]]
    )


@pytest.mark.filterwarnings("ignore:Layer .* does not support masking")
def test_masking_mask_reaches_next_layer_in_a_model():
    inputs = kerasish.Input((4, 3))
    model = kerasish.Model(inputs, _MaskedSum()(layers.Masking()(inputs)))
    x = np.ones((1, 4, 3), "float32")
    x[0, 2] = 0.0
    np.testing.assert_allclose(model(x), [[3.0, 3.0, 3.0]])


# -- Lambda ----------------------------------------------------------------------------------


@kerasish.saving.register_keras_serializable(package="kerasish_tests")
@keras.saving.register_keras_serializable(package="kerasish_tests")
def scale_by(x, factor=1.0):
    return x * factor


@kerasish.saving.register_keras_serializable(package="kerasish_tests")
@keras.saving.register_keras_serializable(package="kerasish_tests")
def double_last_axis(input_shape):
    return (*input_shape[:-1], 2 * input_shape[-1])


@kerasish.saving.register_keras_serializable(package="kerasish_tests")
@keras.saving.register_keras_serializable(package="kerasish_tests")
def repeat_last_axis(x):
    return jnp.concatenate([x, x], axis=-1)


@pytest.mark.parametrize(
    "kwargs, output_shape",
    [
        ({"function": kerasish.activations.relu}, (2, 3)),
        ({"function": scale_by, "arguments": {"factor": 3.0}}, (2, 3)),
        ({"function": repeat_last_axis, "output_shape": (6,)}, (2, 6)),
        ({"function": repeat_last_axis, "output_shape": double_last_axis}, (2, 6)),
    ],
)
def test_lambda_contract(kwargs, output_shape):
    check_layer(
        layers.Lambda,
        kwargs,
        (2, 3),
        expected_output_shape=output_shape,
        expected_num_trainable_weights=0,
    )


@pytest.mark.filterwarnings("ignore:Layer .* does not support masking")
def test_lambda_output_shape_and_mask():
    layer = layers.Lambda(repeat_last_axis, output_shape=(6,), mask=lambda inputs, mask: mask)
    assert layer.compute_output_shape((None, 3)) == (None, 6)
    assert layers.Lambda(repeat_last_axis, output_shape=double_last_axis).compute_output_shape(
        (4, 3)
    ) == (4, 6)
    assert layers.Lambda(repeat_last_axis).compute_output_shape((4, 3)) == (4, 6)
    embedded = layers.Embedding(5, 3, mask_zero=True)(jnp.array([[1, 0]]))
    np.testing.assert_array_equal(get_keras_mask(layer(embedded)), [[True, False]])
    assert get_keras_mask(layers.Lambda(repeat_last_axis)(embedded)) is None


@pytest.mark.filterwarnings("ignore:Layer .* does not support masking")
def test_lambda_passes_mask_and_training_when_the_function_names_them():
    seen = {}

    def function(x, mask=None, training=None):
        seen.update(mask=mask, training=training)
        return x

    embedded = layers.Embedding(5, 3, mask_zero=True)(jnp.array([[1, 0]]))
    layers.Lambda(function)(embedded, training=True)
    assert seen["training"] is True
    np.testing.assert_array_equal(seen["mask"], [[True, False]])


def test_lambda_config_matches_keras_for_named_functions():
    for kwargs in (
        {"function": scale_by, "arguments": {"factor": 2.0}},
        {"function": repeat_last_axis, "output_shape": double_last_axis},
        {"function": repeat_last_axis, "output_shape": (6,), "mask": np.array([True, False])},
    ):
        assert_config_equals_keras(layers.Lambda(**kwargs), keras.layers.Lambda(**kwargs))


def test_lambda_round_trips_registered_builtin_and_custom_functions():
    layer = layers.Lambda(scale_by, output_shape=double_last_axis, arguments={"factor": 2.0})
    revived = kerasish.saving.deserialize_keras_object(
        kerasish.saving.serialize_keras_object(layer), safe_mode=False
    )
    assert revived.function is scale_by and revived._output_shape is double_last_axis
    assert revived.arguments == {"factor": 2.0}
    assert (
        layers.Lambda.from_config(layers.Lambda(kerasish.activations.gelu).get_config()).function
        is kerasish.activations.gelu
    )

    def unregistered(x):
        return x + 1

    config = layers.Lambda(unregistered, output_shape=[3]).get_config()
    with pytest.raises(ValueError, match="Could not locate function 'unregistered'"):
        layers.Lambda.from_config(config)
    revived = layers.Lambda.from_config(config, custom_objects={"unregistered": unregistered})
    assert revived.function is unregistered and revived._output_shape == (3,)
    serialized = kerasish.saving.serialize_keras_object(layers.Lambda(unregistered))
    revived = kerasish.saving.deserialize_keras_object(
        serialized, custom_objects={"unregistered": unregistered}, safe_mode=False
    )
    assert revived.function is unregistered


def test_lambda_config_of_python_lambda_has_keras_form():
    function = lambda x, k=2: x * k  # noqa: E731
    ours = layers.Lambda(function, output_shape=lambda s: s).get_config()
    theirs = keras.layers.Lambda(function, output_shape=lambda s: s).get_config()
    assert ours["function"] == theirs["function"]
    assert ours["function"]["class_name"] == "__lambda__"
    assert set(ours["output_shape"]["config"]) == {"code", "defaults", "closure"}


def _lambda_configs():
    function = lambda x: x * 2  # noqa: E731
    bytecode = layers.Lambda(function).get_config()["function"]
    yield "ours", layers.Lambda(function).get_config()
    yield "keras", keras.layers.Lambda(function).get_config()
    yield "output_shape", layers.Lambda(scale_by, output_shape=lambda s: s).get_config()
    yield "mask", {**layers.Lambda(scale_by).get_config(), "mask": bytecode}


@pytest.mark.parametrize("safe_mode", [True, False])
@pytest.mark.parametrize(
    "which, config", list(_lambda_configs()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_lambda_bytecode_is_refused_even_with_safe_mode_false(which, config, safe_mode):
    with pytest.raises(ValueError, match="safe_mode") as info:
        layers.Lambda.from_config(dict(config), safe_mode=safe_mode)
    assert "register_keras_serializable" in str(info.value)
    serialized = {
        "module": "keras.layers",
        "class_name": "Lambda",
        "config": dict(config),
        "registered_name": None,
    }
    with pytest.raises(ValueError, match="safe_mode"):
        kerasish.saving.deserialize_keras_object(serialized, safe_mode=safe_mode)


@pytest.mark.parametrize(
    "function_config",
    [
        {
            "class_name": "__lambda__",
            "config": {"code": "not even base64", "defaults": None, "closure": None},
        },
        {
            "module": "webbrowser",
            "class_name": "function",
            "config": "open",
            "registered_name": "function",
        },
        {
            "module": "os",
            "class_name": "function",
            "config": "system",
            "registered_name": "function",
        },
        {
            "module": "keras.utils",
            "class_name": "function",
            "config": "get_file",
            "registered_name": "function",
        },
        {
            "module": "keras.config",
            "class_name": "function",
            "config": "enable_unsafe_deserialization",
            "registered_name": "function",
        },
        {
            "module": "kerasish_evil_module",
            "class_name": "Payload",
            "config": {},
            "registered_name": "kerasish_evil_module>Payload",
        },
    ],
)
def test_refusing_a_lambda_config_imports_nothing_and_writes_nothing(
    function_config, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    modules_before = set(sys.modules)
    calls = []
    real_import = builtins.__import__

    def watching_import(name, *args, **kwargs):
        if not (name.startswith("kerasish") or name in sys.modules):
            calls.append(("import", name))
        return real_import(name, *args, **kwargs)

    def forbidden(*args, **kwargs):
        calls.append(("forbidden", args))
        raise AssertionError("must not be called")

    real_open = builtins.open

    def read_only_open(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            calls.append(("open", file, mode))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", watching_import)
    monkeypatch.setattr(builtins, "open", read_only_open)
    monkeypatch.setattr(marshal, "loads", forbidden)
    monkeypatch.setattr(os, "system", forbidden)
    config = {"name": "lambda", "trainable": True, "function": function_config, "arguments": {}}
    with pytest.raises((ValueError, TypeError)):
        layers.Lambda.from_config(config, safe_mode=False)
    with pytest.raises((ValueError, TypeError)):
        kerasish.saving.deserialize_keras_object(
            {
                "module": "keras.layers",
                "class_name": "Lambda",
                "config": config,
                "registered_name": None,
            },
            safe_mode=False,
        )
    assert calls == []
    assert set(sys.modules) == modules_before
    assert os.listdir(tmp_path) == []


def test_lambda_arguments_cannot_smuggle_bytecode():
    bytecode = layers.Lambda(lambda x: x).get_config()["function"]
    config = {**layers.Lambda(scale_by).get_config(), "arguments": {"factor": bytecode}}
    with pytest.raises((ValueError, TypeError)):
        layers.Lambda.from_config(config, safe_mode=False)
