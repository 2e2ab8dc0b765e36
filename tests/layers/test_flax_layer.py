"""`JaxLayer` and `FlaxLayer` (linen and nnx) vs Keras 3 and vs calling the modules directly;
training with `fit`; and the reverse direction: kerasish models inside plain JAX/Flax code."""

import doctest

import flax
import flax.linen as nn
import jax
import jax.numpy as jnp
import keras
import numpy as np
import optax
import pytest
from flax import nnx

import kerasish
from kerasish import layers

X = np.random.default_rng(0).standard_normal((64, 4)).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5], [3.0]], "float32")).astype("float32")


def stateful_call(params, state, rng, inputs, training):
    outputs = inputs @ params["dense"]["w"] + params["dense"]["b"]
    if training:
        outputs = outputs + 0.0 * jax.random.uniform(rng)  # the key must be a usable key
    return outputs * state["scale"], {"scale": state["scale"], "calls": state["calls"] + 1}


def initial_trees():
    params = {
        "dense": {
            "w": np.random.default_rng(1).standard_normal((4, 2)).astype("float32"),
            "b": np.array([0.5, -0.5], "float32"),
        }
    }
    return params, {"scale": np.float32(2.0), "calls": np.int32(0)}


def fit_model(layer, epochs=6):
    inputs = kerasish.Input((4,))
    model = kerasish.Model(inputs, layer(inputs))
    model.compile(kerasish.optimizers.Adam(0.05), "mse")
    history = model.fit(X, Y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    return model, history.history["loss"]


# -- JaxLayer ------------------------------------------------------------------------------
def test_jax_layer_matches_keras_jax_layer():
    params, state = initial_trees()
    ours = layers.JaxLayer(stateful_call, params=params, state=state, seed=3)
    theirs = keras.layers.JaxLayer(stateful_call, params=params, state=state, seed=3)
    for training in (False, True):
        np.testing.assert_allclose(
            ours(X[:5], training=training), theirs(X[:5], training=training), rtol=1e-6
        )
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    for got, expected in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_array_equal(got, expected)  # state["calls"] counted both calls
    assert [w.name for w in ours.weights] == [
        "params.dense.b",
        "params.dense.w",
        "state.calls",
        "state.scale",
    ]
    assert set(ours.get_config()) == set(theirs.get_config())
    copy = layers.JaxLayer(stateful_call, params=params, state=state)
    copy.set_weights([w * 2 for w in ours.get_weights()])
    ours.set_weights(copy.get_weights())
    np.testing.assert_allclose(ours(X[:5]), copy(X[:5]), rtol=1e-6)


def test_jax_layer_signature_errors_match_keras():
    for function, kwargs in (
        (lambda params, x: x, {"params": {}}),
        (lambda params, inputs, other: inputs, {"params": {}}),
        (lambda params, inputs: inputs, {}),
    ):
        with pytest.raises(ValueError) as ours:
            layers.JaxLayer(function, **kwargs)
        with pytest.raises(ValueError) as theirs:
            keras.layers.JaxLayer(function, **kwargs)
        assert str(ours.value).split(", supported")[0] == str(theirs.value).split(", supported")[0]


def test_jax_layer_init_fn_draws_from_the_init_key():
    def call_fn(params, inputs):
        return inputs @ params["w"] + params["b"]

    def init_fn(rng, inputs):
        return {"w": jax.random.normal(rng, (inputs.shape[-1], 1)) * 0.1, "b": jnp.zeros(1)}

    layer = layers.JaxLayer(call_fn, init_fn)
    first, _ = layer.init(jax.random.key(0), (None, 4))
    again, _ = layer.init(jax.random.key(0), (None, 4))
    other, _ = layer.init(jax.random.key(1), (None, 4))
    np.testing.assert_array_equal(first["params.w"], again["params.w"])
    assert not np.allclose(first["params.w"], other["params.w"])
    outputs, _ = layer.apply(first, {}, X[:3])
    np.testing.assert_allclose(outputs, X[:3] @ first["params.w"], rtol=1e-5, atol=1e-6)


# -- FlaxLayer: linen ----------------------------------------------------------------------
class LinenMLP(nn.Module):
    @nn.compact
    def __call__(self, inputs, training):
        x = nn.relu(nn.Dense(16)(inputs))
        x = nn.BatchNorm(use_running_average=not training, momentum=0.9)(x)
        x = nn.Dropout(0.1, deterministic=not training)(x)
        return nn.Dense(1)(x)


class LinenBatchNorm(nn.Module):
    @nn.compact
    def __call__(self, inputs, training):
        x = nn.Dense(3)(inputs)
        return nn.BatchNorm(use_running_average=not training, momentum=0.5)(x)


def test_linen_layer_matches_keras_flax_layer():
    variables = LinenBatchNorm().init(jax.random.key(0), X[:2], training=False)
    ours = layers.FlaxLayer(LinenBatchNorm(), variables=variables)
    theirs = keras.layers.FlaxLayer(LinenBatchNorm(), variables=variables)
    for training in (True, False):  # training updates batch_stats in both
        np.testing.assert_allclose(
            ours(X, training=training), theirs(X, training=training), rtol=1e-5, atol=1e-6
        )
    for got, expected in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert len(ours.trainable_weights) == 4 and len(ours.non_trainable_weights) == 2


def test_linen_mlp_trains_with_fit_and_equals_the_module():
    layer = layers.FlaxLayer(LinenMLP())
    model, losses = fit_model(layer)
    assert losses[-1] < 0.7 * losses[0]
    variables = {"params": {}, "batch_stats": {}}
    for weight in layer.weights:
        collection, *path = weight.name.split(".")
        node = variables[collection]
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = weight.numpy()
    assert np.any(variables["batch_stats"]["BatchNorm_0"]["var"] != 1.0)  # statistics moved
    expected = LinenMLP().apply(variables, X, training=False)
    np.testing.assert_allclose(model.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-5)


# -- FlaxLayer: nnx ------------------------------------------------------------------------
class NnxMLP(nnx.Module):
    def __init__(self, rngs):
        self.hidden = nnx.Linear(4, 16, rngs=rngs)
        self.norm = nnx.BatchNorm(16, momentum=0.9, rngs=rngs)
        self.dropout = nnx.Dropout(0.1, rngs=rngs)
        self.out = nnx.Linear(16, 1, rngs=rngs)

    def __call__(self, inputs):
        return self.out(self.dropout(self.norm(nnx.relu(self.hidden(inputs)))))


def test_nnx_mlp_trains_with_fit_equals_the_module_and_drops_out_in_training():
    module = NnxMLP(nnx.Rngs(0))
    layer = layers.FlaxLayer(module)
    initial = layer.get_weights()
    module.eval()
    np.testing.assert_allclose(layer(X), module(X), rtol=1e-6)
    model, losses = fit_model(layer)
    assert losses[-1] < 0.7 * losses[0]
    assert all(np.any(a != b) for a, b in zip(initial, layer.get_weights()))
    trained = {"params": {}, "state": {}}
    for weight in layer.weights:
        collection, *path = weight.name.split(".")
        node = trained[collection]
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = jnp.asarray(weight.numpy())
    _, params, rest = nnx.split(module, nnx.Param, ...)
    nnx.replace_by_pure_dict(params, trained["params"])
    nnx.replace_by_pure_dict(rest, trained["state"])
    nnx.update(module, params, rest)
    module.eval()
    np.testing.assert_allclose(model.predict(X, verbose=0), module(X), rtol=1e-5, atol=1e-5)

    # Dropout follows the training flag, with masks drawn from the apply's rng.
    params, state = layer.params_and_state()

    @jax.jit
    def apply(key):
        return layer.apply(params, state, X[:8], training=True, rng=key)[0]

    np.testing.assert_array_equal(apply(jax.random.key(1)), apply(jax.random.key(1)))
    assert not np.allclose(apply(jax.random.key(1)), apply(jax.random.key(2)))


# -- the reverse: kerasish inside plain JAX and Flax -----------------------------------------
def small_model():
    return kerasish.Sequential(
        [kerasish.Input((4,)), layers.Dense(8, activation="tanh"), layers.Dense(1)]
    )


def test_optax_loop_over_the_pure_apply_reaches_the_loss_of_fit():
    model = small_model()
    params, state = model.params_and_state()
    weights = model.get_weights()
    optimizer = optax.sgd(0.05)
    opt_state = optimizer.init(params)

    @jax.jit
    def step(params, opt_state, x, y):
        def loss_fn(params):
            predictions, _ = model.apply(params, state, x, training=True)
            return jnp.mean((predictions - y) ** 2)

        loss, grads = jax.value_and_grad(loss_fn)(params)
        updates, opt_state = optimizer.update(grads, opt_state)
        return optax.apply_updates(params, updates), opt_state, loss

    losses = []
    for start in range(0, 64, 16):
        params, opt_state, loss = step(
            params, opt_state, X[start : start + 16], Y[start : start + 16]
        )
        losses.append(float(loss))
    model.set_weights(weights)
    model.compile(kerasish.optimizers.SGD(0.05), "mse")
    history = model.fit(X, Y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], np.mean(losses), rtol=1e-5)
    fitted, _ = model.params_and_state()
    jax.tree.map(
        lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6), params, fitted
    )


def test_kerasish_model_inside_a_linen_module_trains_with_optax():
    model = small_model()

    class Head(nn.Module):
        @nn.compact
        def __call__(self, inputs):
            params = self.param("kerasish", lambda rng: model.init(rng, (None, 4))[0])
            _, state = model.init(jax.random.key(0), (None, 4))
            features, _ = model.apply(params, state, inputs)
            return nn.Dense(1)(features)

    head = Head()
    variables = head.init(jax.random.key(0), X[:2])
    optimizer = optax.adam(0.02)
    opt_state = optimizer.init(variables)

    @jax.jit
    def step(variables, opt_state):
        def loss_fn(variables):
            return jnp.mean((head.apply(variables, X) - Y) ** 2)

        loss, grads = jax.value_and_grad(loss_fn)(variables)
        updates, opt_state = optimizer.update(grads, opt_state)
        return optax.apply_updates(variables, updates), opt_state, loss

    losses = []
    for _ in range(20):
        variables, opt_state, loss = step(variables, opt_state)
        losses.append(float(loss))
    assert losses[-1] < 0.7 * losses[0]
    assert jax.tree.structure(variables["params"]["kerasish"]) == jax.tree.structure(
        model.init(jax.random.key(0), (None, 4))[0]
    )


def test_docstring_examples_run():
    from kerasish.layers.interop import flax_layer, jax_layer

    for module in (jax_layer, flax_layer):
        result = doctest.testmod(
            module, extraglobs={"kerasish": kerasish, "jax": jax, "jnp": jnp, "flax": flax}
        )
        assert result.failed == 0 and result.attempted > 0
