"""`RandomFlip` and `RandomCrop` vs Keras 3: the transform given Keras's random parameters, the
draws, identity (flip) and resize-crop (crop) at inference, seeds, and shapes."""

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from image_parity import (
    NCHW,
    NHWC,
    assert_transform_matches_keras,
    batch_shape,
    check_image_layer,
    draw,
    images,
)

import kerasish
from kerasish import layers


@pytest.mark.parametrize(
    "kwargs, training",
    [
        ({"mode": "horizontal", "seed": 1}, True),
        ({"mode": "vertical", "data_format": "channels_first"}, False),
    ],
)
def test_random_flip_contract(kwargs, training):
    check_image_layer(
        "RandomFlip",
        kwargs,
        batch_shape(kwargs),
        training=training,
        expected_output_shape=batch_shape(kwargs),
        expected_num_seed_generators=1,
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"mode": "vertical"},
        {"mode": "horizontal_and_vertical", "data_format": "channels_first"},
    ],
)
def test_random_flip_transform_matches_keras(kwargs):
    x = images((16, 3, 4, 2))
    transformation = assert_transform_matches_keras("RandomFlip", kwargs, x)
    assert 0 < np.asarray(transformation["flips"]).sum() < 16


def test_single_image_is_transformed_as_a_batch_of_one():
    x = images(NHWC)[0]
    single = layers.RandomFlip(seed=3)(x, training=True)
    batch = layers.RandomFlip(seed=3)(x[None], training=True)
    np.testing.assert_array_equal(single, batch[0])
    np.testing.assert_array_equal(layers.RandomFlip()(x, training=False), x)


def test_random_flip_draws_and_outputs():
    layer = layers.RandomFlip("horizontal", seed=2)
    flips = draw(layer, np.zeros((4000, 2, 2, 1)))["flips"]
    assert flips.shape == (4000, 1, 1, 1) and abs(flips.mean() - 0.5) < 0.03
    x = jnp.asarray(images((64, 3, 4, 1)))
    outputs = np.asarray(layer(x, training=True))
    flipped = np.all(outputs == np.asarray(x)[:, :, ::-1], axis=(1, 2, 3))
    kept = np.all(outputs == np.asarray(x), axis=(1, 2, 3))
    assert np.all(flipped | kept) and 0 < flipped.sum() < 64
    uint8 = (np.asarray(x) * 255).astype("uint8")
    assert (
        layer(uint8, training=False).dtype == keras.layers.RandomFlip()(uint8, training=False).dtype
    )


@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape, training",
    [
        (
            {"height": 3, "width": 2, "data_format": "channels_first", "seed": 1},
            NCHW,
            (2, 2, 3, 2),
            True,
        ),
        ({"height": 6, "width": 5, "seed": 1}, NHWC, NHWC, False),
    ],
)
def test_random_crop_contract(kwargs, input_shape, output_shape, training):
    check_image_layer(
        "RandomCrop",
        kwargs,
        input_shape,
        training=training,
        expected_output_shape=output_shape,
        expected_num_seed_generators=1,
    )


@pytest.mark.parametrize(
    "kwargs, shape",
    [
        ({"height": 3, "width": 4, "data_format": "channels_first"}, NCHW),
        ({"height": 8, "width": 4}, NHWC),
        ({"height": 6, "width": 3}, NHWC),
    ],
)
def test_random_crop_training_transform_matches_keras(kwargs, shape):
    assert_transform_matches_keras("RandomCrop", {**kwargs, "seed": 4}, images(shape))


def test_random_crop_draws_one_window_per_batch_within_bounds():
    layer = layers.RandomCrop(2, 3, seed=9)
    x = np.arange(6 * 8, dtype="float32").reshape(1, 6, 8, 1).repeat(2, axis=0)
    seen = set()
    for _ in range(40):
        top, left = (int(v) for v in layer.get_random_transformation(x))
        assert 0 <= top <= 4 and 0 <= left <= 5
        seen.add((top, left))
        out = np.asarray(layer.transform_images(x, (top, left)))
        np.testing.assert_array_equal(out[0], x[0, top : top + 2, left : left + 3])
    assert len(seen) > 10
    outputs = np.asarray(layer(x, training=True))
    np.testing.assert_array_equal(outputs[0], outputs[1])


def test_random_crop_is_jittable_with_the_apply_rng():
    layer = layers.RandomCrop(2, 2, seed=0)
    x = jnp.asarray(images((3, 5, 5, 1)))
    layer.build(x.shape)
    params, state = layer.params_and_state()
    apply = jax.jit(lambda key: layer.apply(params, state, x, training=True, rng=key)[0])
    first = apply(jax.random.key(0))
    assert first.shape == (3, 2, 2, 1)
    np.testing.assert_array_equal(first, apply(jax.random.key(0)))


@pytest.mark.parametrize(
    "kwargs, shape",
    [({"height": 7, "width": 2, "data_format": "channels_first"}, NCHW)],
)
def test_random_crop_at_inference_resizes_the_centred_aspect_ratio_window(kwargs, shape):
    x = images(shape)
    ours = layers.RandomCrop(**kwargs)(x, training=False)
    expected = keras.layers.Resizing(**kwargs, crop_to_aspect_ratio=True)(x)
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)
    model_input = kerasish.Input(shape[1:])
    model = kerasish.Model(model_input, layers.RandomCrop(**kwargs)(model_input))
    assert model.predict(x, verbose=0).shape == ours.shape


def test_random_crop_seed_is_drawn_when_not_given_like_keras():
    config = layers.RandomCrop(2, 2).get_config()
    assert isinstance(config["seed"], int)
    assert layers.RandomCrop.from_config(config).get_config()["seed"] == config["seed"]
