"""Pipeline: layers in order, training passed on, config as Keras 3."""

import keras
import numpy as np

import kerasish


def test_pipeline_applies_layers_in_order_like_keras():
    x = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")

    def build(lib):
        return lib.layers.Pipeline(
            [lib.layers.Rescaling(1 / 255.0), lib.layers.CenterCrop(4, 4), lib.layers.RandomFlip()]
        )

    ours, theirs = build(kerasish), build(keras)
    np.testing.assert_allclose(ours(x, training=False), theirs(x, training=False), rtol=1e-6)
    assert [type(layer).__name__ for layer in ours.layers] == [
        "Rescaling",
        "CenterCrop",
        "RandomFlip",
    ]
    config = ours.get_config()
    assert set(config) == set(theirs.get_config()) == {"layers", "name"}
    rebuilt = kerasish.layers.Pipeline.from_config(config)
    np.testing.assert_allclose(rebuilt(x, training=False), ours(x, training=False))
    # Keras reads our config and we read Keras's.
    keras.layers.Pipeline.from_config(config)
    kerasish.layers.Pipeline.from_config(theirs.get_config())


def test_training_reaches_the_augmentation_layers():
    pipeline = kerasish.layers.Pipeline([kerasish.layers.RandomFlip("horizontal", seed=1)])
    x = np.arange(2 * 4 * 4 * 1, dtype="float32").reshape(2, 4, 4, 1)
    np.testing.assert_array_equal(pipeline(x, training=False), x)
    flipped = [np.asarray(pipeline(x, training=True)) for _ in range(6)]
    assert any(not np.array_equal(f, x) for f in flipped)
