"""`run_layer_test`: the one contract every layer class is held to.

It checks, for one set of constructor arguments: the config round trip, symbolic and
eager output shapes, weight counts, that the pure ``apply`` (jitted) equals the eager
call, that ``jax.grad`` and ``jax.vmap`` of ``apply`` work, masking support, and -- when
Keras 3 is installed and has the class -- numerical parity with Keras given the same
weights, the same ``get_weights()`` shapes and order, ``count_params()`` and config keys.
"""

import jax
import jax.numpy as jnp
import numpy as np

_FLOAT_TOLERANCE = 1e-5


def _random_inputs(shape, dtype, rng, low=None, high=None):
    if shape is None:
        return None
    if isinstance(shape, dict):
        return {
            k: _random_inputs(v, dtype[k] if isinstance(dtype, dict) else dtype, rng)
            for k, v in shape.items()
        }
    if isinstance(shape, list):
        dtypes = dtype if isinstance(dtype, list) else [dtype] * len(shape)
        return [_random_inputs(s, d, rng) for s, d in zip(shape, dtypes)]
    if np.issubdtype(np.dtype(dtype), np.integer):
        return rng.integers(low or 0, high or 10, size=shape).astype(dtype)
    if np.dtype(dtype) == np.bool_:
        return rng.random(shape) > 0.3
    return rng.standard_normal(shape).astype(dtype)


def _symbolic_shape(shape):
    if isinstance(shape, dict):
        return {k: _symbolic_shape(v) for k, v in shape.items()}
    if isinstance(shape, list):
        return [_symbolic_shape(s) for s in shape]
    return (None, *tuple(shape)[1:])


def _as_list(x):
    return x if isinstance(x, (list, tuple)) else [x]


def _keras_tensors(shape, dtype):
    from kerasish.engine.input_layer import Input

    if isinstance(shape, dict):
        return {
            k: _keras_tensors(v, dtype[k] if isinstance(dtype, dict) else dtype)
            for k, v in shape.items()
        }
    if isinstance(shape, list):
        dtypes = dtype if isinstance(dtype, list) else [dtype] * len(shape)
        return [_keras_tensors(s, d) for s, d in zip(shape, dtypes)]
    return Input(batch_shape=shape, dtype=dtype)


def run_layer_test(
    layer_cls,
    init_kwargs=None,
    input_shape=None,
    input_dtype="float32",
    input_data=None,
    call_kwargs=None,
    expected_output_shape=None,
    expected_num_trainable_weights=None,
    expected_num_non_trainable_weights=None,
    expected_num_seed_generators=0,
    supports_masking=None,
    keras_parity=True,
    training=False,
    tolerance=_FLOAT_TOLERANCE,
    input_range=None,
):
    """Runs the layer contract; raises AssertionError on the first broken clause.

    Example:
    >>> run_layer_test(kerasish.layers.Dense, {"units": 3}, input_shape=(2, 4),
    ...                expected_output_shape=(2, 3), expected_num_trainable_weights=2)
    """
    import kerasish

    init_kwargs = dict(init_kwargs or {})
    call_kwargs = dict(call_kwargs or {})
    rng = np.random.default_rng(0)
    low, high = input_range or (None, None)
    if input_data is None:
        input_data = _random_inputs(input_shape, input_dtype, rng, low, high)
    elif input_shape is None:
        input_shape = jax.tree.map(lambda x: tuple(np.shape(x)), input_data)

    # 1. Config round trip.
    layer = layer_cls(**init_kwargs)
    config = layer.get_config()
    revived = layer_cls.from_config(config)
    assert revived.get_config() == config, (
        f"config round trip changed: {config} vs {revived.get_config()}"
    )
    serialized = kerasish.saving.serialize_keras_object(layer)
    assert serialized["class_name"] == layer_cls.__name__

    # 2. Symbolic call.
    symbolic_layer = layer_cls(**init_kwargs)
    symbolic_inputs = _keras_tensors(_symbolic_shape(input_shape), input_dtype)
    symbolic_outputs = symbolic_layer(symbolic_inputs, **call_kwargs)
    if expected_output_shape is not None:
        expected_symbolic = jax.tree.map(
            lambda s: (None, *tuple(s)[1:]),
            expected_output_shape,
            is_leaf=lambda s: isinstance(s, tuple),
        )
        got = jax.tree.map(
            lambda t: t.shape, symbolic_outputs, is_leaf=lambda t: hasattr(t, "_keras_history")
        )
        assert got == expected_symbolic, f"symbolic output shape {got} != {expected_symbolic}"

    # 3. Eager call, weights. The values before the call are kept for step 4: a training call
    # may update state (BatchNormalization statistics) that the call's own outputs did not see.
    if not layer.built:
        layer(_keras_tensors(_symbolic_shape(input_shape), input_dtype), **call_kwargs)
    values = {id(v): v.value for v in layer.variables}
    eager_outputs = (
        layer(input_data, training=training, **call_kwargs)
        if _accepts_training(layer)
        else layer(input_data, **call_kwargs)
    )
    if expected_output_shape is not None:
        got = jax.tree.map(lambda t: tuple(t.shape), eager_outputs)
        assert got == jax.tree.map(
            tuple, expected_output_shape, is_leaf=lambda s: isinstance(s, tuple)
        ), f"eager output shape {got} != {expected_output_shape}"
    if expected_num_trainable_weights is not None:
        assert len(layer.trainable_weights) == expected_num_trainable_weights, (
            f"{len(layer.trainable_weights)} trainable weights, expected {expected_num_trainable_weights}"
        )
    if expected_num_non_trainable_weights is not None:
        assert len(layer.non_trainable_weights) == expected_num_non_trainable_weights, (
            f"{len(layer.non_trainable_weights)} non-trainable weights, expected "
            f"{expected_num_non_trainable_weights}"
        )
    assert len(layer._seed_generators) == expected_num_seed_generators
    if supports_masking is not None:
        assert layer.supports_masking == supports_masking

    # 4. Pure apply under jit equals the eager call; grad and vmap work.
    from kerasish.engine import pure

    params, state = pure.split_values(layer, values)
    apply = jax.jit(lambda p, s, x: layer.apply(p, s, x, training=training, **call_kwargs))
    pure_outputs, _ = apply(params, state, input_data)
    if not training or not expected_num_seed_generators:
        _assert_close(pure_outputs, eager_outputs, tolerance, "jit(apply) vs eager call")

    if jax.tree.leaves(params) and _is_float_tree(input_data):

        def loss(p):
            outputs, _ = layer.apply(p, state, input_data, training=training, **call_kwargs)
            return sum(jnp.sum(jnp.asarray(o, jnp.float32) ** 2) for o in jax.tree.leaves(outputs))

        grads = jax.jit(jax.grad(loss))(params)
        assert all(bool(jnp.all(jnp.isfinite(g))) for g in jax.tree.leaves(grads)), (
            "non-finite gradients"
        )

    if not isinstance(input_data, dict):
        batched = jax.tree.map(lambda x: jnp.stack([x, x]), input_data)
        vmapped, _ = jax.vmap(lambda x: apply(params, state, x))(batched)
        if not training or not expected_num_seed_generators:
            _assert_close(
                jax.tree.map(lambda y: y[0], vmapped),
                eager_outputs,
                tolerance,
                "vmap(apply) vs eager call",
            )

    # 5. Parity with Keras 3.
    if keras_parity:
        _check_keras_parity(
            layer_cls,
            init_kwargs,
            layer,
            input_data,
            call_kwargs,
            eager_outputs,
            training,
            tolerance,
        )
    return layer


def _accepts_training(layer):
    return layer._call_has_training_arg


def _is_float_tree(tree):
    return all(np.issubdtype(np.asarray(x).dtype, np.floating) for x in jax.tree.leaves(tree))


def _assert_close(actual, expected, tolerance, what):
    actual_leaves = jax.tree.leaves(actual)
    expected_leaves = jax.tree.leaves(expected)
    assert len(actual_leaves) == len(expected_leaves), f"{what}: output structure differs"
    for a, e in zip(actual_leaves, expected_leaves):
        a, e = np.asarray(a), np.asarray(e)
        assert a.shape == e.shape, f"{what}: shape {a.shape} != {e.shape}"
        if np.issubdtype(e.dtype, np.floating):
            np.testing.assert_allclose(a, e, rtol=tolerance, atol=tolerance, err_msg=what)
        else:
            np.testing.assert_array_equal(a, e, err_msg=what)


def _check_keras_parity(
    layer_cls, init_kwargs, layer, input_data, call_kwargs, outputs, training, tolerance
):
    try:
        import keras
    except ImportError:
        return
    keras_cls = getattr(keras.layers, layer_cls.__name__, None)
    if keras_cls is None:
        return
    keras_layer = keras_cls(**init_kwargs)
    keras_layer(input_data, **call_kwargs)
    ours_config = layer.get_config()
    theirs_config = keras_layer.get_config()
    assert set(ours_config) == set(theirs_config), (
        f"config keys differ: only ours {set(ours_config) - set(theirs_config)}, "
        f"only Keras {set(theirs_config) - set(ours_config)}"
    )
    our_weights = layer.get_weights()
    their_shapes = [tuple(w.shape) for w in keras_layer.get_weights()]
    assert [w.shape for w in our_weights] == their_shapes, (
        f"weight shapes {[w.shape for w in our_weights]} != Keras {their_shapes}"
    )
    assert layer.count_params() == keras_layer.count_params()
    keras_layer.set_weights(our_weights)
    if (
        keras_layer._call_has_training_arg
        if hasattr(keras_layer, "_call_has_training_arg")
        else False
    ):
        theirs = keras_layer(input_data, training=training, **call_kwargs)
    else:
        theirs = keras_layer(input_data, **call_kwargs)
    if not training:
        _assert_close(outputs, jax.tree.map(np.asarray, theirs), tolerance, "kerasish vs Keras 3")
