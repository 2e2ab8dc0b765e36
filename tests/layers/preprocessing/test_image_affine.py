"""`RandomRotation`, `RandomZoom`, `RandomTranslation` vs Keras 3: the deterministic transform
given Keras's own random parameters, the ranges and independence of the draws, identity at
inference, seeds and the ``apply`` rng, and argument errors."""

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from image_parity import (
    NHWC,
    assert_transform_matches_keras,
    batch_shape,
    check_image_layer,
    draw,
    images,
    raised,
)

from kerasish import layers


@pytest.mark.parametrize(
    "cls, kwargs, training",
    [
        (
            "RandomRotation",
            {"factor": (-0.1, 0.3), "seed": 1, "data_format": "channels_first"},
            True,
        ),
        ("RandomZoom", {"height_factor": (-0.2, 0.1), "width_factor": 0.4}, False),
        (
            "RandomTranslation",
            {"height_factor": 0.2, "width_factor": (-0.3, 0.1), "data_format": "channels_first"},
            False,
        ),
    ],
)
def test_affine_layer_contract(cls, kwargs, training):
    shape = batch_shape(kwargs)
    check_image_layer(
        cls,
        kwargs,
        shape,
        training=training,
        expected_output_shape=shape,
        expected_num_seed_generators=1,
    )


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        ("RandomRotation", {"factor": 0.3}),
        ("RandomRotation", {"factor": (0.1, 0.4), "interpolation": "nearest", "fill_mode": "wrap"}),
        (
            "RandomRotation",
            {
                "factor": 0.5,
                "fill_mode": "constant",
                "fill_value": 0.5,
                "data_format": "channels_first",
            },
        ),
        (
            "RandomZoom",
            {"height_factor": (-0.5, -0.2), "width_factor": (0.1, 0.6), "interpolation": "nearest"},
        ),
        (
            "RandomZoom",
            {
                "height_factor": 0.4,
                "fill_mode": "constant",
                "fill_value": 2.0,
                "data_format": "channels_first",
            },
        ),
        (
            "RandomTranslation",
            {"height_factor": (-0.5, 0.0), "width_factor": 0.2, "fill_mode": "nearest"},
        ),
        (
            "RandomTranslation",
            {
                "height_factor": 0.4,
                "width_factor": 0.4,
                "interpolation": "nearest",
                "data_format": "channels_first",
            },
        ),
    ],
)
def test_affine_transform_matches_keras(cls, kwargs):
    assert_transform_matches_keras(cls, kwargs, images(batch_shape(kwargs)))


def test_half_turn_reverses_the_image():
    x = images(NHWC)
    ours = layers.RandomRotation(factor=(0.5, 0.5))(x, training=True)
    np.testing.assert_allclose(ours, x[:, ::-1, ::-1], atol=1e-5)


def test_rotation_draws_cover_the_factor_range_independently():
    layer = layers.RandomRotation((-0.1, 0.25), seed=5)
    angles = draw(layer, np.zeros((2000, 4, 4, 1)))["angle"]
    assert angles.min() >= -36.0 and angles.max() <= 90.0
    assert angles.min() < -34.0 and angles.max() > 88.0
    assert abs(angles.mean() - 27.0) < 2.0 and len(np.unique(angles)) == 2000


def test_zoom_and_translation_draws_stay_in_range():
    zoom = draw(layers.RandomZoom((-0.2, 0.3), (0.1, 0.5), seed=1), np.zeros((1000, 8, 10, 1)))
    assert 0.8 <= zoom["height_zoom"].min() and zoom["height_zoom"].max() <= 1.3
    assert 1.1 <= zoom["width_zoom"].min() and zoom["width_zoom"].max() <= 1.5
    same = draw(layers.RandomZoom(0.3, seed=1), np.zeros((10, 8, 10, 1)))
    np.testing.assert_array_equal(same["height_zoom"], same["width_zoom"])
    shifts = draw(layers.RandomTranslation(0.25, (0.0, 0.5), seed=1), np.zeros((1000, 8, 10, 1)))
    dx, dy = shifts["translations"][:, 0], shifts["translations"][:, 1]
    assert 0.0 <= dx.min() and dx.max() <= 5.0 and dx.max() > 4.8
    assert -2.0 <= dy.min() and dy.max() <= 2.0 and dy.min() < -1.9
    assert np.corrcoef(dx, dy)[0, 1] < 0.1


def test_seeds_and_the_apply_rng_reproduce_draws():
    x = jnp.asarray(images(NHWC))
    first = layers.RandomZoom(0.3, seed=7)
    second = layers.RandomZoom(0.3, seed=7)
    np.testing.assert_array_equal(first(x, training=True), second(x, training=True))
    assert not np.array_equal(first(x, training=True), first(x, training=True))
    params, state = first.params_and_state()
    apply = jax.jit(lambda key: first.apply(params, state, x, training=True, rng=key)[0])
    np.testing.assert_array_equal(apply(jax.random.key(1)), apply(jax.random.key(1)))
    assert not np.array_equal(apply(jax.random.key(1)), apply(jax.random.key(2)))
    np.testing.assert_array_equal(first.apply(params, state, x)[0], x)


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        ("RandomRotation", {"factor": 1.5}),
        ("RandomRotation", {"factor": (0.1, 0.2, 0.3)}),
        ("RandomRotation", {"factor": "big"}),
        ("RandomRotation", {"factor": 0.1, "fill_mode": "mirror"}),
        ("RandomRotation", {"factor": 0.1, "interpolation": "bicubic"}),
        ("RandomZoom", {"height_factor": -1.0}),
        ("RandomZoom", {"height_factor": 0.2, "width_factor": (0.1, 1.2)}),
        ("RandomZoom", {"height_factor": [0.1]}),
        ("RandomZoom", {"height_factor": 0.2, "fill_mode": "mirror"}),
        ("RandomTranslation", {"height_factor": -1.5, "width_factor": 0.1}),
        ("RandomTranslation", {"height_factor": 0.1, "width_factor": None}),
        ("RandomTranslation", {"height_factor": 0.1, "width_factor": 0.1, "interpolation": "area"}),
    ],
)
def test_affine_argument_errors_match_keras(cls, kwargs):
    assert raised(lambda: getattr(layers, cls)(**kwargs)) == raised(
        lambda: getattr(keras.layers, cls)(**kwargs)
    )
