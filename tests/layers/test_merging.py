"""Merge layers and their functional forms vs Keras 3: values, shapes, masks and errors."""

import jax.numpy as jnp
import keras
import numpy as np
import pytest
from layer_parity import check_layer, raised

import kerasish
from kerasish import layers
from kerasish.engine.masking import get_keras_mask

ELEMENTWISE = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]


@pytest.mark.parametrize(
    "name, input_shape, output_shape",
    [
        *[(name, [(2, 3), (2, 3)], (2, 3)) for name in ELEMENTWISE],
        ("Add", [(2, 3, 4), (2, 4)], (2, 3, 4)),  # ranks differ: axes inserted after the batch
        ("Multiply", [(2, 3, 4), (2, 1, 4)], (2, 3, 4)),
        ("Maximum", [(2, 3, 4), (2, 4)], (2, 3, 4)),
        ("Average", [(2, 3)] * 3, (2, 3)),
        ("Minimum", [(2, 3)] * 3, (2, 3)),
    ],
)
def test_elementwise_contract(name, input_shape, output_shape):
    check_layer(
        getattr(layers, name),
        {},
        input_shape,
        expected_output_shape=output_shape,
        supports_masking=True,
    )


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape",
    [
        ({}, [(2, 3), (2, 4)], (2, 7)),
        ({"axis": 1}, [(2, 3, 4), (2, 5, 4)], (2, 8, 4)),
        ({"axis": -2}, [(2, 3, 4), (2, 1, 4), (2, 2, 4)], (2, 6, 4)),
    ],
)
def test_concatenate_contract(kwargs, input_shape, output_shape):
    check_layer(layers.Concatenate, kwargs, input_shape, expected_output_shape=output_shape)


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape",
    [
        ({"axes": 1}, [(2, 3), (2, 3)], (2, 1)),
        ({"axes": -1, "normalize": True}, [(2, 3), (2, 3)], (2, 1)),
        ({"axes": (2, 2)}, [(2, 3, 4), (2, 5, 4)], (2, 3, 5)),
        ({"axes": [1, 2]}, [(2, 3, 4), (2, 5, 3)], (2, 4, 5)),
        ({"axes": (2, 1), "normalize": True}, [(2, 3, 4), (2, 4)], (2, 3)),
    ],
)
def test_dot_contract(kwargs, input_shape, output_shape):
    layer = check_layer(layers.Dot, kwargs, input_shape, expected_output_shape=output_shape)
    assert layer.compute_output_shape(input_shape) == keras.layers.Dot(
        **kwargs
    ).compute_output_shape(input_shape)


@pytest.mark.parametrize(
    "function, kwargs",
    [
        ("add", {}),
        ("subtract", {}),
        ("multiply", {}),
        ("average", {}),
        ("maximum", {}),
        ("minimum", {}),
        ("concatenate", {"axis": 1}),
        ("dot", {"axes": 1}),
    ],
)
def test_functional_helpers_match_keras(function, kwargs):
    rng = np.random.default_rng(1)
    x1, x2 = rng.standard_normal((2, 2, 3)).astype("float32")
    ours = getattr(layers, function)([x1, x2], **kwargs)
    theirs = getattr(keras.layers, function)([x1, x2], **kwargs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)
    i1, i2 = kerasish.Input((3,)), kerasish.Input((3,))
    model = kerasish.Model([i1, i2], getattr(layers, function)([i1, i2], **kwargs))
    np.testing.assert_allclose(model([x1, x2]), theirs, rtol=1e-6, atol=1e-6)


def _symbolic(module, shapes):
    return [module.Input(batch_shape=shape) for shape in shapes]


@pytest.mark.parametrize(
    "name, kwargs, shapes",
    [
        ("Add", {}, [(None, 3), (None, 4)]),
        ("Maximum", {}, [(None, 2, 3), (None, 5, 3)]),
        ("Subtract", {}, [(None, 3), (None, 3), (None, 3)]),
        ("Concatenate", {}, [(None, 2, 3), (None, 3, 4)]),
        ("Concatenate", {"axis": 1}, [(None, 2, 3), (None, 3, 4)]),
        ("Concatenate", {}, [(None, 2, 3), (None, 2, 3, 1)]),
        ("Dot", {"axes": 1}, [(None, 3), (None, 4)]),
        ("Dot", {"axes": 1}, [(None, 3), (None, 3), (None, 3)]),
        ("Add", {}, [(2, 3), (5, 3)]),
    ],
)
def test_shape_errors_match_keras(name, kwargs, shapes):
    ours = raised(lambda: getattr(layers, name)(**kwargs)(_symbolic(kerasish, shapes)))
    theirs = raised(lambda: getattr(keras.layers, name)(**kwargs)(_symbolic(keras, shapes)))
    assert ours == theirs
    assert ours[0] is ValueError


def test_concatenate_error_names_the_shapes():
    with pytest.raises(
        ValueError,
        match=r"A `Concatenate` layer requires inputs with matching shapes except for the "
        r"concatenation axis. Received: input_shape=\[\(None, 2, 3\), \(None, 3, 4\)\]",
    ):
        layers.Concatenate()(_symbolic(kerasish, [(None, 2, 3), (None, 3, 4)]))


def test_merge_needs_a_list():
    ours = raised(lambda: layers.Add()(kerasish.Input((3,))))
    theirs = raised(lambda: keras.layers.Add()(keras.Input((3,))))
    assert ours == (ValueError, theirs[1])
    assert ours[1].startswith("A merge layer should be called on a list of inputs.")


def test_dot_axes_validation_matches_keras():
    for axes in ("x", (1, 2, 3), (1.0, 2)):
        assert raised(lambda a=axes: layers.Dot(axes=a)) == raised(
            lambda a=axes: keras.layers.Dot(axes=a)
        )


def _masked_pair(module):
    ids1 = np.array([[1, 2, 0, 0], [3, 0, 4, 0]])
    ids2 = np.array([[1, 0, 0, 0], [0, 0, 2, 3]])
    table = np.linspace(-1.0, 1.0, 15, dtype="float32").reshape(5, 3)
    embedding = module.layers.Embedding(5, 3, mask_zero=True, weights=table)
    return embedding(ids1), embedding(ids2)


def _mask_of(module, x):
    return get_keras_mask(x) if module is kerasish else x._keras_mask


@pytest.mark.parametrize("name", [*ELEMENTWISE, "Concatenate"])
def test_masks_are_merged_like_keras(name):
    ours_inputs, theirs_inputs = _masked_pair(kerasish), _masked_pair(keras)
    ours = getattr(layers, name)()(list(ours_inputs))
    theirs = getattr(keras.layers, name)()(list(theirs_inputs))
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)
    their_mask = _mask_of(keras, theirs)
    if their_mask is None:
        assert _mask_of(kerasish, ours) is None
    else:
        np.testing.assert_array_equal(_mask_of(kerasish, ours), their_mask)


def test_dot_drops_masks_and_partial_masks_drop_too():
    x1, x2 = _masked_pair(kerasish)
    assert get_keras_mask(layers.Dot(axes=2)([x1, x2])) is None
    assert get_keras_mask(layers.Add()([x1, jnp.ones((2, 4, 3))])) is None
    mask = get_keras_mask(layers.Concatenate(axis=1)([x1, jnp.ones((2, 4, 3))]))
    np.testing.assert_array_equal(
        mask, np.concatenate([np.asarray(get_keras_mask(x1)), np.ones((2, 4), bool)], 1)
    )


def test_masks_flow_through_a_functional_merge():
    ids = kerasish.Input((4,), dtype="int32")
    a = layers.Embedding(5, 3, mask_zero=True)(ids)
    b = layers.Embedding(5, 3, mask_zero=True)(ids)
    merged = layers.Maximum()([a, b])
    assert merged._keras_mask is not None and merged._keras_mask.shape == (None, 4)
    model = kerasish.Model(ids, merged)
    outputs = model(np.array([[1, 0, 2, 0]], "int32"))
    np.testing.assert_array_equal(get_keras_mask(outputs), [[True, False, True, False]])
