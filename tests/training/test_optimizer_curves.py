"""Curve parity: the same model, weights and batches under each optimizer give Keras 3's
loss at every one of 24 steps (through `fit`'s jitted train step)."""

import keras as reference
import numpy as np
import pytest

import kerasish as keras

CASES = {
    "sgd": lambda lib: lib.optimizers.SGD(0.05),
    "sgd_nesterov": lambda lib: lib.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "adam_amsgrad": lambda lib: lib.optimizers.Adam(1e-2, amsgrad=True),
    "adamw": lambda lib: lib.optimizers.AdamW(1e-2, weight_decay=0.05),
    "adamax": lambda lib: lib.optimizers.Adamax(1e-2),
    "nadam": lambda lib: lib.optimizers.Nadam(1e-2),
    "rmsprop_centered": lambda lib: lib.optimizers.RMSprop(1e-2, centered=True, momentum=0.5),
    "adagrad": lambda lib: lib.optimizers.Adagrad(0.1),
    "adadelta": lambda lib: lib.optimizers.Adadelta(1.0),
    "adafactor": lambda lib: lib.optimizers.Adafactor(1e-2),
    "ftrl": lambda lib: lib.optimizers.Ftrl(0.1, l1_regularization_strength=0.01),
    "lion": lambda lib: lib.optimizers.Lion(1e-3),
    "lamb": lambda lib: lib.optimizers.Lamb(1e-2),
    "adam_clipnorm": lambda lib: lib.optimizers.Adam(1e-2, clipnorm=0.1),
    "sgd_clipvalue": lambda lib: lib.optimizers.SGD(0.05, clipvalue=0.01),
    "adam_global_clipnorm": lambda lib: lib.optimizers.Adam(1e-2, global_clipnorm=0.2),
    "sgd_exponential_decay": lambda lib: lib.optimizers.SGD(
        lib.optimizers.schedules.ExponentialDecay(0.1, decay_steps=5, decay_rate=0.5), momentum=0.9
    ),
    "adam_cosine_warmup": lambda lib: lib.optimizers.Adam(
        lib.optimizers.schedules.CosineDecay(
            0.0, decay_steps=20, warmup_target=1e-2, warmup_steps=5
        )
    ),
    "adam_piecewise": lambda lib: lib.optimizers.Adam(
        lib.optimizers.schedules.PiecewiseConstantDecay([5, 10], [1e-2, 5e-3, 1e-3])
    ),
}


def _model(lib):
    return lib.Sequential(
        [lib.Input((6,)), lib.layers.Dense(8, activation="tanh"), lib.layers.Dense(1)]
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_per_step_matches_keras(name):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((24 * 8, 6)).astype("float32")
    y = (x @ rng.standard_normal((6, 1)) + 0.1).astype("float32")
    theirs = _model(reference)
    ours = _model(keras)
    ours.set_weights(theirs.get_weights())
    losses = {}
    for label, model, lib in (("ours", ours, keras), ("theirs", theirs, reference)):
        model.compile(optimizer=CASES[name](lib), loss="mse")
        losses[label] = [
            float(np.asarray(model.train_on_batch(x[i * 8 : (i + 1) * 8], y[i * 8 : (i + 1) * 8])))
            for i in range(24)
        ]
    np.testing.assert_allclose(losses["ours"], losses["theirs"], rtol=1e-4, atol=1e-6)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    assert int(np.asarray(ours.optimizer.iterations.value)) == 24
