import jax
import jax.numpy as jnp
import numpy as np
import pytest

import kerasish as keras
from kerasish import layers


class Scale(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def build(self, input_shape):
        self.scale = self.add_weight(
            shape=(input_shape[-1],), initializer="ones", regularizer="l2", name="scale"
        )
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False, name="count")

    def call(self, inputs):
        self.count.assign(self.count + 1.0)
        self.add_loss(keras.ops.sum(inputs) * 0.0 + 1.0)
        return inputs * self.scale


def test_add_weight_paths_and_trainability():
    layer = Scale(name="scale_layer")
    layer(np.ones((2, 3), "float32"))
    assert [v.path for v in layer.weights] == ["scale_layer/scale", "scale_layer/count"]
    assert [v.name for v in layer.trainable_weights] == ["scale"]
    assert [v.name for v in layer.non_trainable_weights] == ["count"]
    assert float(layer.count.numpy()) == 1.0
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


def test_losses_from_add_loss_and_regularizer():
    layer = Scale()
    layer(np.ones((2, 3), "float32"))
    losses = layer.losses
    assert len(losses) == 2
    np.testing.assert_allclose(float(losses[1]), 0.01 * 3.0, rtol=1e-6)


def test_apply_returns_state_updates_and_losses_stay_pure():
    from kerasish.engine import pure

    layer = Scale()
    params, state = layer.init(jax.random.key(0), (None, 3))
    out, new_state = jax.jit(layer.apply)(params, state, jnp.ones((2, 3)))
    assert float(new_state["count"]) == float(state["count"]) + 1.0
    assert float(layer.count.numpy()) == 0.0  # the facade is untouched
    _, _, losses = pure.apply_with_losses(layer, params, state, jnp.ones((2, 3)))
    assert len(losses) == 2


def test_stateless_call_keras_convention():
    layer = Scale()
    layer.build((None, 3))
    trainable = [jnp.full((3,), 2.0)]
    non_trainable = [jnp.asarray(5.0)]
    outputs, new_non_trainable = layer.stateless_call(trainable, non_trainable, jnp.ones((1, 3)))
    np.testing.assert_allclose(outputs, [[2.0, 2.0, 2.0]])
    assert float(new_non_trainable[0]) == 6.0
    outputs, _, losses = layer.stateless_call(
        trainable, non_trainable, jnp.ones((1, 3)), return_losses=True
    )
    assert len(losses) == 2
    with pytest.raises(ValueError, match="must be a list of tensors corresponding 1:1"):
        layer.stateless_call([], non_trainable, jnp.ones((1, 3)))


def test_init_is_deterministic_in_the_key():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
    p1, _ = model.init(jax.random.key(0))
    p2, _ = model.init(jax.random.key(0))
    p3, _ = model.init(jax.random.key(1))

    def kernel(tree):
        return next(iter(tree.values()))["kernel"]

    np.testing.assert_array_equal(kernel(p1), kernel(p2))
    assert not np.allclose(kernel(p1), kernel(p3))


def test_call_shape_error_names_layer_and_shapes():
    dense = layers.Dense(3, name="dense_784")
    dense.build((None, 784))
    with pytest.raises(
        ValueError,
        match=r"layer 'dense_784'.*expected axis -1 of input shape to have value 784.*\(2, 10\)",
    ):
        dense(np.ones((2, 10), "float32"))


def test_definition_time_shape_error():
    x = keras.Input((10,))
    dense = layers.Dense(3, name="fixed")
    dense.build((None, 784))
    with pytest.raises(ValueError, match=r"layer 'fixed'.*value 784.*\(None, 10\)"):
        dense(x)


def test_functional_call_shape_error():
    x = keras.Input((4,), name="features")
    model = keras.Model(x, layers.Dense(2)(x), name="clf")
    with pytest.raises(
        ValueError,
        match=r"name 'features' of layer 'clf'.*expected shape=\(None, 4\), found shape=\(2, 10\)",
    ):
        model(np.ones((2, 10), "float32"))


def test_set_weights_errors():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
    with pytest.raises(
        ValueError, match="weight list of length 1, but the layer was expecting 2 weights"
    ):
        model.set_weights([np.zeros((4, 3))])
    with pytest.raises(
        ValueError,
        match=r"weight shape \(4, 3\) is not compatible with provided weight shape \(4, 2\)",
    ):
        model.set_weights([np.zeros((4, 2)), np.zeros(3)])


def test_unknown_activation_and_initializer_names():
    with pytest.raises(
        ValueError, match="Could not interpret activation function identifier: nope"
    ):
        layers.Dense(3, activation="nope")
    with pytest.raises(ValueError, match="Could not interpret initializer identifier: nope"):
        layers.Dense(3, kernel_initializer="nope")


def test_missing_super_init_is_reported():
    class Broken(layers.Layer):
        def __init__(self):
            pass

    with pytest.raises(RuntimeError, match="super\\(\\).__init__\\(\\)"):
        Broken()(np.ones((1, 2)))


def test_mixed_precision_policy_computes_in_bfloat16_with_float32_weights():
    dense = layers.Dense(3, dtype="mixed_bfloat16")
    out = dense(np.ones((2, 4), "float32"))
    assert out.dtype == jnp.bfloat16
    assert dense.kernel.dtype == "float32"
    assert dense.compute_dtype == "bfloat16" and dense.variable_dtype == "float32"


def test_mask_survives_a_layer_with_its_own_compute_output_spec():
    from kerasish.engine.keras_tensor import KerasTensor

    class PassThrough(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, x):
            return x

        def compute_output_spec(self, x):
            return KerasTensor(x.shape, dtype=x.dtype)

    ids = keras.Input((4,), dtype="int32")
    embedded = layers.Embedding(5, 3, mask_zero=True)(ids)
    out = PassThrough()(embedded)
    assert out._keras_mask is not None and out._keras_mask.shape == (None, 4)


def test_functional_call_runs_compiled_and_keeps_state_semantics():
    x = keras.Input((4,))
    h = layers.BatchNormalization()(layers.Dense(4)(x))
    model = keras.Model(x, layers.Dropout(0.5)(h))
    data = np.random.default_rng(0).standard_normal((8, 4)).astype("float32")
    first = np.asarray(model(data, training=True))
    second = np.asarray(model(data, training=True))
    assert not np.array_equal(first, second)  # the dropout seed state advanced between calls
    moving_mean = model.layers[2].moving_mean.numpy()
    assert not np.allclose(moving_mean, 0.0)  # statistics updated and written back
    assert len(model._compiled_calls) == 1
    inference = np.asarray(model(data))
    model.jit_call = False
    np.testing.assert_allclose(inference, np.asarray(model(data)), rtol=1e-6, atol=1e-6)
