"""`SpectralNormalization` vs Keras 3: weight order, training updates of ``vector_u`` (eagerly,
through the pure apply and through `train_on_batch`), wrapped layer kinds, config, errors."""

import jax
import keras
import numpy as np
import pytest
from layer_parity import raised

import kerasish
from kerasish import layers

RNG = np.random.default_rng(3)
X = RNG.standard_normal((4, 5)).astype("float32")


def _wrapped_dense(lib, power_iterations=1):
    return lib.layers.SpectralNormalization(lib.layers.Dense(3), power_iterations=power_iterations)


def _pair(power_iterations=1):
    keras.utils.set_random_seed(0)  # the same initial weights whatever ran before
    ours, theirs = (
        _wrapped_dense(kerasish, power_iterations),
        _wrapped_dense(keras, power_iterations),
    )
    theirs(X)
    ours(X)
    ours.set_weights(theirs.get_weights())
    return ours, theirs


def _without_names(config):
    if isinstance(config, dict):
        return {k: _without_names(v) for k, v in config.items() if k != "name"}
    return config


def test_weights_config_and_inference_match_keras():
    ours, theirs = _pair()
    assert [w.shape for w in ours.weights] == [(5, 3), (1, 3), (3,)]
    assert [v.name for v in ours.weights] == [v.name for v in theirs.weights]
    assert [v.name for v in ours.non_trainable_weights] == ["vector_u"]
    assert _without_names(ours.get_config()) == _without_names(theirs.get_config())
    revived = layers.SpectralNormalization.from_config(ours.get_config())
    assert isinstance(revived.layer, layers.Dense)
    assert revived.get_config() == ours.get_config()
    np.testing.assert_allclose(ours(X), np.asarray(theirs(X)), rtol=1e-6)


def test_eager_training_calls_update_like_keras():
    ours, theirs = _pair(power_iterations=2)
    for _ in range(2):
        np.testing.assert_allclose(
            ours(X, training=True), np.asarray(theirs(X, training=True)), rtol=1e-5, atol=1e-6
        )
    for got, want in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # Power iteration converges over training calls: the kernel's spectral norm goes to 1.
    for _ in range(30):
        ours(X, training=True)
    assert abs(np.linalg.norm(ours.get_weights()[0], 2) - 1.0) < 0.01


def test_pure_apply_returns_the_new_vector_and_leaves_the_kernel_to_the_optimizer():
    ours, theirs = _pair()
    params, state = ours.params_and_state()
    outputs, new_state = jax.jit(lambda p, s: ours.apply(p, s, X, training=True))(params, state)
    np.testing.assert_allclose(outputs, np.asarray(theirs(X, training=True)), rtol=1e-5)
    np.testing.assert_allclose(
        new_state["vector_u"], np.asarray(theirs.vector_u), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_array_equal(ours.kernel.value, params["kernel"])  # facade untouched
    inference, unchanged = ours.apply(params, new_state, X)
    np.testing.assert_allclose(
        inference, X @ params["kernel"] + params[ours.layer.name]["bias"], 1e-5
    )
    np.testing.assert_array_equal(unchanged["vector_u"], new_state["vector_u"])


def _model(lib):
    inputs = lib.Input((5,))
    hidden = lib.layers.SpectralNormalization(lib.layers.Dense(4, activation="tanh"))(inputs)
    return lib.Model(inputs, lib.layers.Dense(1)(hidden))


def test_train_on_batch_losses_match_keras():
    y = RNG.standard_normal((4, 1)).astype("float32")
    theirs, ours = _model(keras), _model(kerasish)
    ours.set_weights(theirs.get_weights())
    losses = {}
    for label, model, lib in (("ours", ours, kerasish), ("theirs", theirs, keras)):
        model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
        losses[label] = [float(np.asarray(model.train_on_batch(X, y))) for _ in range(3)]
    np.testing.assert_allclose(losses["ours"], losses["theirs"], rtol=1e-5)
    for got, want in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "make_layer, inputs",
    [
        (lambda lib: lib.layers.Embedding(6, 3), RNG.integers(0, 6, (2, 4)).astype("int32")),
        (lambda lib: lib.layers.Conv1D(2, 3), RNG.standard_normal((2, 5, 3)).astype("float32")),
    ],
)
def test_embedding_and_convolution_kernels_match_keras(make_layer, inputs):
    ours = layers.SpectralNormalization(make_layer(kerasish))
    theirs = keras.layers.SpectralNormalization(make_layer(keras))
    theirs(inputs)
    ours(inputs)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(
        ours(inputs, training=True), np.asarray(theirs(inputs, training=True)), 1e-5, 1e-6
    )
    assert ours.weights[1].shape == (1, ours.kernel.shape[-1])


def test_errors_match_keras():
    assert raised(lambda: _wrapped_dense(kerasish, power_iterations=0)) == raised(
        lambda: _wrapped_dense(keras, power_iterations=0)
    )
    assert raised(lambda: layers.SpectralNormalization(layers.Flatten()).build((2, 3))) == (
        raised(lambda: keras.layers.SpectralNormalization(keras.layers.Flatten()).build((2, 3)))
    )
