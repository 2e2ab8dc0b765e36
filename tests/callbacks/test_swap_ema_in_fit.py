"""SwapEMAWeights during a real `fit`: validation runs on the EMA weights, as in Keras 3."""

import keras
import numpy as np
import pytest

import kerasish


def _fit(lib, initial_weights, swap_on_epoch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 5)).astype("float32")
    y = rng.standard_normal((64, 2)).astype("float32")
    model = lib.Sequential(
        [lib.Input((5,)), lib.layers.Dense(8, activation="relu"), lib.layers.Dense(2)]
    )
    if initial_weights is not None:
        model.set_weights(initial_weights)
    model.compile(optimizer=lib.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.9), loss="mse")
    history = model.fit(
        x,
        y,
        batch_size=16,
        epochs=3,
        validation_data=(2 * x[:16], y[:16]),
        verbose=0,
        shuffle=False,
        callbacks=[lib.callbacks.SwapEMAWeights(swap_on_epoch=swap_on_epoch)],
    )
    return model, history.history


@pytest.mark.parametrize("swap_on_epoch", [False, True])
def test_validation_and_final_weights_match_keras(swap_on_epoch):
    keras.utils.set_random_seed(1)
    theirs, their_history = _fit(keras, None, swap_on_epoch)
    keras.utils.set_random_seed(1)  # the same initial weights, copied into ours
    start = keras.Sequential(
        [keras.Input((5,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)]
    ).get_weights()
    ours, our_history = _fit(kerasish, start, swap_on_epoch)
    np.testing.assert_allclose(our_history["loss"], their_history["loss"], rtol=1e-5)
    np.testing.assert_allclose(our_history["val_loss"], their_history["val_loss"], rtol=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_ema_variables_follow_keras_names_and_order():
    model = kerasish.Sequential([kerasish.Input((3,)), kerasish.layers.Dense(2)])
    optimizer = kerasish.optimizers.Adam(use_ema=True)
    assert not hasattr(optimizer, "_model_variables_moving_average")  # not built yet
    optimizer.build(model.trainable_variables)
    averages = optimizer._model_variables_moving_average
    assert [v.shape for v in averages] == [v.shape for v in model.trainable_variables]
    assert not hasattr(kerasish.optimizers.Adam(), "_model_variables_moving_average")
    with pytest.raises(ValueError, match="SwapEMAWeights must be used when `use_ema=True`"):
        no_ema = kerasish.Sequential([kerasish.Input((3,)), kerasish.layers.Dense(2)])
        no_ema.compile(optimizer="sgd", loss="mse")
        no_ema.fit(
            np.ones((4, 3)),
            np.ones((4, 2)),
            validation_data=(np.ones((4, 3)), np.ones((4, 2))),
            verbose=0,
            callbacks=[kerasish.callbacks.SwapEMAWeights()],
        )
