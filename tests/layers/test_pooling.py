"""Pooling layers vs Keras 3: windowed, global (with masks) and adaptive pooling."""

import doctest
import importlib
import warnings

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from layer_parity import assert_same_error, check_layer

import kerasish
from kerasish import layers

FIRST = "channels_first"

CONTRACT_CASES = [
    ("MaxPooling1D", {}, (2, 7, 3)),
    ("MaxPooling1D", {"pool_size": 3, "strides": 1, "padding": "same", "data_format": FIRST},
     (2, 3, 7)),
    ("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 6, 3)),
    ("MaxPooling2D", {"pool_size": (2, 3), "data_format": FIRST}, (2, 2, 5, 7)),
    ("MaxPooling3D", {"strides": (1, 2, 1)}, (2, 4, 5, 3, 2)),
    ("MaxPooling3D", {"pool_size": 2, "padding": "same", "data_format": FIRST}, (2, 2, 3, 5, 3)),
    ("AveragePooling1D", {"pool_size": 2}, (2, 7, 3)),
    ("AveragePooling1D", {"pool_size": 3, "strides": 2, "padding": "same", "data_format": FIRST},
     (2, 3, 8)),
    ("AveragePooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 6, 3)),
    ("AveragePooling2D", {"pool_size": (3, 2), "strides": 1, "padding": "same",
                          "data_format": FIRST}, (2, 3, 5, 4)),
    ("AveragePooling3D", {"pool_size": 2, "padding": "same"}, (2, 3, 5, 3, 2)),
    ("AveragePooling3D", {"pool_size": (2, 1, 2), "strides": 1, "data_format": FIRST},
     (2, 2, 3, 2, 4)),
    ("GlobalAveragePooling1D", {"keepdims": True}, (2, 7, 3)),
    ("GlobalAveragePooling1D", {"data_format": FIRST}, (2, 3, 7)),
    ("GlobalAveragePooling2D", {}, (2, 4, 5, 3)),
    ("GlobalAveragePooling2D", {"data_format": FIRST, "keepdims": True}, (2, 3, 4, 5)),
    ("GlobalAveragePooling3D", {"data_format": FIRST}, (2, 3, 4, 3, 2)),
    ("GlobalMaxPooling1D", {"data_format": FIRST, "keepdims": True}, (2, 3, 7)),
    ("GlobalMaxPooling2D", {}, (2, 4, 5, 3)),
    ("GlobalMaxPooling3D", {"keepdims": True}, (2, 3, 4, 3, 2)),
    ("AdaptiveAveragePooling1D", {"output_size": 3}, (2, 7, 2)),
    # Keras's eager adaptive pooling costs seconds a case here: the others run with -m slow.
    *(
        pytest.param(*case, marks=pytest.mark.slow)
        for case in [
            ("AdaptiveMaxPooling1D", {"output_size": [4], "data_format": FIRST}, (2, 2, 9)),
            ("AdaptiveAveragePooling2D", {"output_size": (3, 2), "data_format": FIRST},
             (2, 3, 7, 5)),
            ("AdaptiveAveragePooling3D", {"output_size": 2}, (2, 3, 5, 4, 2)),
            ("AdaptiveMaxPooling2D", {"output_size": 3, "data_format": FIRST}, (2, 2, 7, 5)),
            ("AdaptiveMaxPooling3D", {"output_size": (2, 3, 1)}, (2, 3, 5, 4, 2)),
        ]
    ),
]  # fmt: skip


@pytest.mark.parametrize("class_name, kwargs, input_shape", CONTRACT_CASES)
def test_contract_and_keras_parity(class_name, kwargs, input_shape):
    expected = tuple(getattr(keras.layers, class_name)(**kwargs).compute_output_shape(input_shape))
    check_layer(
        getattr(layers, class_name),
        kwargs,
        input_shape,
        expected_output_shape=expected,
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
    )


@pytest.mark.parametrize(
    "class_name, kwargs, input_shape",
    [
        ("MaxPooling1D", {"pool_size": 3, "strides": 2}, (None, None, 3)),
        ("AveragePooling2D", {"pool_size": 2, "padding": "same", "data_format": FIRST},
         (None, 3, None, 7)),
        ("MaxPooling3D", {"pool_size": (2, 3, 1)}, (4, None, 6, None, 2)),
        ("GlobalAveragePooling2D", {"keepdims": True}, (None, None, None, 3)),
        ("GlobalMaxPooling3D", {"data_format": FIRST}, (None, 4, None, None, None)),
        ("AdaptiveMaxPooling2D", {"output_size": (2, 3)}, (None, None, None, 5)),
    ],
)  # fmt: skip
def test_compute_output_shape_with_unknown_dims_matches_keras(class_name, kwargs, input_shape):
    ours = getattr(layers, class_name)(**kwargs)
    theirs = getattr(keras.layers, class_name)(**kwargs)
    assert ours.compute_output_shape(input_shape) == tuple(theirs.compute_output_shape(input_shape))


def test_average_pooling_same_padding_does_not_count_the_padding():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0], "float32").reshape(1, 5, 1)
    layer = layers.AveragePooling1D(pool_size=2, strides=1, padding="same")
    # The last window holds 5.0 and one padded position: its mean is 5.0, not 2.5.
    assert np.asarray(layer(x))[0, :, 0].tolist() == [1.5, 2.5, 3.5, 4.5, 5.0]


def test_strides_default_to_the_pool_size():
    assert layers.MaxPooling2D((2, 3)).strides == (2, 3)
    assert layers.AveragePooling1D(4, strides=1).strides == (1,)


@pytest.mark.parametrize("data_format", ["channels_last", FIRST])
def test_global_average_pooling_1d_mask_matches_keras(data_format):
    rng = np.random.default_rng(0)
    shape = (3, 6, 2) if data_format == "channels_last" else (3, 2, 6)
    x = rng.standard_normal(shape).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1], [1, 0, 1, 0, 1, 0]], bool)
    ours = layers.GlobalAveragePooling1D(data_format=data_format)
    theirs = keras.layers.GlobalAveragePooling1D(data_format=data_format)
    np.testing.assert_allclose(ours(x, mask=mask), theirs(x, mask=mask), rtol=1e-6, atol=1e-6)
    steps_axis = 1 if data_format == "channels_last" else 2
    expected_first = np.take(x[0], [0, 1, 2], axis=steps_axis - 1).mean(axis=steps_axis - 1)
    np.testing.assert_allclose(np.asarray(ours(x, mask=mask))[0], expected_first, rtol=1e-6)


def test_global_average_pooling_1d_uses_the_mask_carried_by_its_input():
    x = np.random.default_rng(0).standard_normal((2, 5, 3)).astype("float32")
    x[0, 3:] = 0.0
    inputs = kerasish.Input((5, 3))
    outputs = layers.GlobalAveragePooling1D()(layers.Masking()(inputs))
    assert getattr(outputs, "_keras_mask", None) is None
    model = kerasish.Model(inputs, outputs)
    keras_inputs = keras.Input((5, 3))
    keras_model = keras.Model(
        keras_inputs, keras.layers.GlobalAveragePooling1D()(keras.layers.Masking()(keras_inputs))
    )
    np.testing.assert_allclose(model(x), keras_model(x), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(np.asarray(model(x))[0], x[0, :3].mean(axis=0), rtol=1e-6)


def test_global_max_pooling_1d_drops_a_mask_with_a_warning_as_keras():
    x = np.ones((1, 4, 2), "float32")
    x[:, 2:] = 0.0
    masked = layers.Masking()(x)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layers.GlobalMaxPooling1D()(masked)
    assert any("does not support masking" in str(w.message) for w in caught)


def test_keras_aliases_are_the_same_classes():
    keras_names = {
        name
        for name in dir(keras.layers)
        if "Pool" in name and not name.startswith("_") and name[0].isupper()
    }
    for name in keras_names:
        assert getattr(layers, name) is getattr(layers, getattr(keras.layers, name).__name__)
    config = kerasish.saving.serialize_keras_object(layers.GlobalAvgPool2D())
    assert config["class_name"] == "GlobalAveragePooling2D"
    assert isinstance(kerasish.saving.deserialize_keras_object(config), layers.GlobalAvgPool2D)


def test_default_names_match_keras():
    assert layers.MaxPooling2D(name=None).name.startswith("max_pooling2d")
    assert layers.GlobalAveragePooling1D().name.startswith("global_average_pooling1d")


# -- errors, compared with Keras's ---------------------------------------------------------
@pytest.mark.parametrize(
    "class_name, kwargs",
    [
        ("MaxPooling2D", {"pool_size": (2, 2, 2)}),
        ("MaxPooling1D", {"pool_size": 0}),
        ("AveragePooling2D", {"pool_size": 2, "strides": (1, -1)}),
        ("AveragePooling3D", {"pool_size": 2, "data_format": "channels_middle"}),
        ("GlobalMaxPooling2D", {"data_format": "nhwc"}),
        ("AdaptiveAveragePooling1D", {"output_size": (2, 3)}),
        ("AdaptiveAveragePooling1D", {"output_size": 2.0}),
        ("AdaptiveMaxPooling2D", {"output_size": (2, 3, 4)}),
        ("AdaptiveMaxPooling3D", {"output_size": "2"}),
        ("AdaptiveAveragePooling2D", {"output_size": 2, "data_format": "nhwc"}),
    ],
)
def test_constructor_errors_match_keras(class_name, kwargs):
    assert_same_error(
        lambda: getattr(layers, class_name)(**kwargs),
        lambda: getattr(keras.layers, class_name)(**kwargs),
    )


@pytest.mark.parametrize(
    "class_name, kwargs, input_shape",
    [
        ("MaxPooling2D", {"pool_size": 3}, (None, 2, 5, 1)),
        ("AveragePooling1D", {"pool_size": 2, "padding": "causal"}, (None, 6, 2)),
    ],
)
def test_symbolic_call_errors_match_keras(class_name, kwargs, input_shape):
    assert_same_error(
        lambda: getattr(layers, class_name)(**kwargs)(kerasish.Input(batch_shape=input_shape)),
        lambda: getattr(keras.layers, class_name)(**kwargs)(keras.Input(batch_shape=input_shape)),
    )


def test_invalid_padding_on_arrays_matches_keras():
    x = np.ones((1, 6, 2), "float32")
    assert_same_error(
        lambda: layers.MaxPooling1D(padding="causal")(x),
        lambda: keras.layers.MaxPooling1D(padding="causal")(x),
    )


def test_wrong_rank_matches_keras():
    x = np.ones((1, 6, 2), "float32")
    assert_same_error(
        lambda: layers.GlobalAveragePooling2D(name="g")(x),
        lambda: keras.layers.GlobalAveragePooling2D(name="g")(x),
    )


@pytest.mark.parametrize(
    "module",
    [
        "kerasish.layers.pooling.base_pooling",
        "kerasish.layers.pooling.window_pooling",
        "kerasish.layers.pooling.global_pooling",
        pytest.param("kerasish.layers.pooling.adaptive_pooling", marks=pytest.mark.slow),
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
