import jax
import jax.numpy as jnp
import keras as reference
import numpy as np
import pytest

import kerasish as keras
from kerasish import layers


def _two_branch(lib, n):
    x = lib.Input((6,), name=f"x{n}")
    a = lib.layers.Dense(5, activation="relu", name=f"a{n}")(x)
    b = lib.layers.Dense(4, activation="tanh", name=f"b{n}")(x)
    c = lib.layers.Dense(3, name=f"c{n}")(a)
    merged = lib.ops.concatenate([c, b], axis=-1)
    y = lib.layers.Dense(2, name=f"y{n}")(merged)
    return lib.Model(x, y)


def test_branching_model_matches_keras_weights_order_and_outputs():
    ours = _two_branch(keras, 0)
    theirs = _two_branch(reference, 0)
    assert [layer.name for layer in ours.layers] == [layer.name for layer in theirs.layers]
    assert [w.shape for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]
    assert ours.count_params() == theirs.count_params()
    ours.set_weights(theirs.get_weights())
    x = np.random.default_rng(0).standard_normal((7, 6)).astype("float32")
    np.testing.assert_allclose(ours(x), theirs(x), atol=1e-5)


def test_multi_input_multi_output_dict_and_list():
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    shared = layers.Dense(4, name="shared")
    h = keras.ops.concatenate(
        [shared(keras.ops.concatenate([a, b[:, :1], b[:, 1:]], axis=-1))], axis=-1
    )
    out1 = layers.Dense(1, name="out1")(h)
    out2 = layers.Dense(2, name="out2")(h)
    model = keras.Model({"a": a, "b": b}, {"first": out1, "second": out2})
    result = model({"a": np.ones((5, 3), "float32"), "b": np.ones((5, 2), "float32")})
    assert set(result) == {"first", "second"}
    assert result["first"].shape == (5, 1) and result["second"].shape == (5, 2)
    list_model = keras.Model([a, b], [out1, out2])
    outs = list_model([np.ones((5, 3), "float32"), np.ones((5, 2), "float32")])
    np.testing.assert_allclose(outs[0], result["first"])


def test_shared_layer_used_twice_has_one_set_of_weights():
    a = keras.Input((4,))
    b = keras.Input((4,))
    shared = layers.Dense(3)
    model = keras.Model([a, b], keras.ops.add(shared(a), shared(b)))
    assert len(model.weights) == 2
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(model([x, x]), 2 * shared(x), atol=1e-6)


def test_nested_model_as_layer():
    inner_in = keras.Input((4,))
    inner = keras.Model(inner_in, layers.Dense(3, name="inner_dense")(inner_in), name="inner")
    x = keras.Input((4,))
    y = layers.Dense(2, name="head")(inner(x))
    outer = keras.Model(x, y)
    assert [layer.name for layer in outer.layers][-2:] == ["inner", "head"]
    assert len(outer.weights) == 4
    params, state = outer.init(jax.random.key(0))
    assert set(params) == {"inner", "head"}
    assert set(params["inner"]["inner_dense"]) == {"kernel", "bias"}
    out, _ = outer.apply(params, state, jnp.ones((3, 4)))
    assert out.shape == (3, 2)


def test_get_layer_and_errors():
    model = _two_branch(keras, 1)
    assert model.get_layer("a1").name == "a1"
    assert model.get_layer(index=1).name == "a1"
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")


def test_symbolic_ops_build_graph_nodes():
    x = keras.Input((3,))
    y = (x + 1) * 2 - keras.ops.mean(x, axis=-1, keepdims=True)
    model = keras.Model(x, y)
    data = np.arange(6, dtype="float32").reshape(2, 3)
    expected = (data + 1) * 2 - data.mean(-1, keepdims=True)
    np.testing.assert_allclose(model(data), expected, rtol=1e-6)
    assert y.shape == (None, 3)


def test_functional_config_round_trip_keys_and_predictions():
    ours = _two_branch(keras, 2)
    theirs = _two_branch(reference, 2)
    our_config = ours.get_config()
    their_config = theirs.get_config()
    assert set(our_config) == set(their_config)
    assert [layer["class_name"] for layer in our_config["layers"]] == [
        layer["class_name"] for layer in their_config["layers"]
    ]
    assert our_config["input_layers"] == their_config["input_layers"]
    assert our_config["output_layers"] == their_config["output_layers"]
    revived = keras.Model.from_config(our_config)
    revived.set_weights(ours.get_weights())
    x = np.random.default_rng(1).standard_normal((3, 6)).astype("float32")
    np.testing.assert_allclose(revived(x), ours(x), atol=1e-6)
    # Keras reads our config too.
    keras_revived = reference.Model.from_config(our_config)
    keras_revived.set_weights(ours.get_weights())
    np.testing.assert_allclose(keras_revived(x), ours(x), atol=1e-5)


def test_clone_model_same_structure_fresh_weights():
    model = _two_branch(keras, 3)
    clone = keras.models.clone_model(model)
    assert [type(layer) for layer in clone.layers] == [type(layer) for layer in model.layers]
    clone.set_weights(model.get_weights())
    x = np.ones((2, 6), "float32")
    np.testing.assert_allclose(clone(x), model(x), atol=1e-6)
    assert clone.weights[0] is not model.weights[0]


def test_inputs_cast_and_rank_adjusted():
    x = keras.Input((3, 1))
    model = keras.Model(x, keras.ops.sum(x, axis=(1, 2)))
    out = model(np.ones((2, 3), dtype="float64"))
    assert out.dtype == jnp.float32
    np.testing.assert_allclose(out, [3.0, 3.0])


def test_from_config_of_an_in_memory_keras_config_and_shapes_like_keras():
    """Keras's `get_config()` (tuples, not JSON lists) rebuilds in kerasish; input_shape and
    output_shape are flat lists as in Keras, also for dict inputs and outputs."""
    a, b = reference.Input((2,), name="a"), reference.Input((3,), name="b")
    joined = reference.layers.Concatenate()([a, b])
    theirs = reference.Model(
        {"b": b, "a": a}, {"out": reference.layers.Dense(1)(joined), "c": joined}
    )
    ours = keras.Model.from_config(theirs.get_config())
    assert ours.input_shape == theirs.input_shape == [(None, 2), (None, 3)]
    assert ours.output_shape == theirs.output_shape == [(None, 5), (None, 1)]
    single = reference.Sequential([reference.Input((4,)), reference.layers.Dense(3)])
    rebuilt = keras.Sequential.from_config(single.get_config())
    assert rebuilt.input_shape == (None, 4) and rebuilt.output_shape == (None, 3)
