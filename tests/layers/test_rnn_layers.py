"""`SimpleRNN`, `LSTM`, `GRU` and their cells vs Keras 3: contract, every flag combination,
unroll semantics, dropout masks, errors."""

import itertools

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from layer_parity import assert_config_equals_keras, assert_same_error, check_layer, raised

from kerasish import layers

RNG = np.random.default_rng(0)
SEQUENCES = RNG.standard_normal((3, 3, 3)).astype("float32")
# A hole, left padding (masked steps at the start carry the initial state), right padding.
MASK = np.array([[True, False, True], [False, True, True], [True, True, False]])
RECURRENT_LAYERS = [
    ("SimpleRNN", {}),
    ("LSTM", {}),
    ("GRU", {}),
    ("GRU", {"reset_after": False}),
]


@pytest.fixture
def eager():
    """Op-by-op execution (no compilation of the time loop): the cheapest way to run many small
    layers of both libraries; the jitted pure apply is covered by the contract tests."""
    with jax.disable_jit():
        yield


def _random_weights(keras_layer, scale=0.5):
    return [RNG.standard_normal(w.shape).astype("float32") * scale for w in keras_layer.weights]


def _initial_states(class_name, batch=3, units=4):
    count = 2 if class_name == "LSTM" else 1
    return [RNG.standard_normal((batch, units)).astype("float32") for _ in range(count)]


def _flat(outputs):
    return [np.asarray(o) for o in jax.tree.leaves(outputs)]


def _assert_all_close(ours, theirs, what):
    ours, theirs = _flat(ours), _flat(theirs)
    assert len(ours) == len(theirs), f"{what}: {len(ours)} outputs vs Keras {len(theirs)}"
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5, err_msg=what)


def test_lstm_contract_and_config_match_keras():
    """The layer contract (jit, grad, vmap, config round trip, Keras parity and config)."""
    layer = check_layer(
        layers.LSTM,
        {
            "units": 3,
            "return_sequences": True,
            "unit_forget_bias": False,
            "bias_initializer": "ones",
            "kernel_regularizer": "l2",
            "recurrent_constraint": "non_neg",
        },
        (2, 4, 3),
        expected_output_shape=(2, 4, 3),
        expected_num_trainable_weights=3,
        supports_masking=True,
    )
    assert layer.weights[0].path == f"{layer.name}/lstm_cell/kernel"


def _variants(library, class_name, flag_names, kwargs):
    """One layer per combination of the boolean ``flag_names``, built, with cheap initializers
    (the weights are replaced)."""
    built = {}
    for values in itertools.product([False, True], repeat=len(flag_names)):
        layer = getattr(library, class_name)(
            4,
            kernel_initializer="zeros",
            recurrent_initializer="zeros",
            **dict(zip(flag_names, values)),
            **kwargs,
        )
        layer.build(SEQUENCES.shape)
        built[values] = layer
    return built


@pytest.mark.parametrize("class_name, kwargs", RECURRENT_LAYERS)
def test_every_flag_combination_matches_keras(class_name, kwargs, eager):
    """return_sequences x return_state x go_backwards x mask x initial_state, states included.

    Keras returns sequences and states for each (go_backwards, mask, initial_state); its last
    output is the last returned step (checked below)."""
    states = _initial_states(class_name)
    theirs = _variants(
        keras.layers,
        class_name,
        ("go_backwards",),
        {"return_sequences": True, "return_state": True, **kwargs},
    )
    weights = _random_weights(theirs[(False,)])
    expected = {}
    for (go_backwards,), layer in theirs.items():
        layer.set_weights(weights)
        for masked, with_state in itertools.product([False, True], repeat=2):
            sequence, *final_states = layer(
                SEQUENCES,
                mask=MASK if masked else None,
                initial_state=states if with_state else None,
            )
            expected[go_backwards, masked, with_state] = (sequence, final_states)

    ours = _variants(
        layers, class_name, ("return_sequences", "return_state", "go_backwards"), kwargs
    )
    for (return_sequences, return_state, go_backwards), layer in ours.items():
        layer.set_weights(weights)
        for masked, with_state in itertools.product([False, True], repeat=2):
            got = layer(
                SEQUENCES,
                mask=MASK if masked else None,
                initial_state=states if with_state else None,
            )
            sequence, final_states = expected[go_backwards, masked, with_state]
            output = sequence if return_sequences else sequence[:, -1]
            want = (output, *final_states) if return_state else output
            _assert_all_close(
                got,
                want,
                f"{class_name} return_sequences={return_sequences} return_state={return_state} "
                f"go_backwards={go_backwards} mask={masked} initial_state={with_state}",
            )

    last_only = getattr(keras.layers, class_name)(4, go_backwards=True, **kwargs)
    last_only.build(SEQUENCES.shape)
    last_only.set_weights(weights)
    _assert_all_close(
        last_only(SEQUENCES, mask=MASK, initial_state=states),
        expected[True, True, True][0][:, -1],
        "Keras's last output is its last returned step",
    )


@pytest.mark.parametrize(
    "class_name, flags",
    [
        ("SimpleRNN", {"unroll": True, "go_backwards": True}),
        ("LSTM", {"unroll": True}),
        ("GRU", {"unroll": True, "zero_output_for_mask": True}),
        ("LSTM", {"zero_output_for_mask": True, "go_backwards": True}),
    ],
)
def test_unroll_and_zero_output_for_mask_match_keras(class_name, flags, eager):
    """Keras's unrolled loop gives masked steps the previous *output* (zeros before the first)
    and ignores ``zero_output_for_mask``; its scan gives the previous state or zeros."""
    kwargs = {"return_sequences": True, "return_state": True, **flags}
    theirs = getattr(keras.layers, class_name)(4, **kwargs)
    ours = getattr(layers, class_name)(4, **kwargs)
    theirs.build(SEQUENCES.shape)
    ours.build(SEQUENCES.shape)
    weights = _random_weights(theirs)
    theirs.set_weights(weights)
    ours.set_weights(weights)
    states = _initial_states(class_name)
    _assert_all_close(
        ours(SEQUENCES, mask=MASK, initial_state=states),
        theirs(SEQUENCES, mask=MASK, initial_state=states),
        str(flags),
    )


@pytest.mark.parametrize(
    "class_name, kwargs",
    [
        ("LSTM", {"dropout": 0.3}),
        ("GRU", {"dropout": 0.3, "recurrent_dropout": 0.2, "reset_after": False}),
        ("SimpleRNN", {"dropout": 0.5, "recurrent_dropout": 0.5}),
    ],
)
def test_dropout_masks_match_keras_for_the_same_seed(class_name, kwargs, eager):
    """Masks are drawn once per sequence from the cell's SeedGenerator, as Keras draws them
    (one per gate once recurrent dropout is on), so a training call equals Keras's."""
    theirs = getattr(keras.layers, class_name)(4, seed=7, return_sequences=True, **kwargs)
    ours = getattr(layers, class_name)(4, seed=7, return_sequences=True, **kwargs)
    theirs.build(SEQUENCES.shape)
    ours.build(SEQUENCES.shape)
    ours.set_weights(theirs.get_weights())
    trained = ours(SEQUENCES, training=True)
    _assert_all_close(trained, theirs(SEQUENCES, training=True), "training call")
    inference = ours(SEQUENCES)
    assert not np.allclose(np.asarray(trained), np.asarray(inference))
    # Inference draws no mask: the seed state is left as it is.
    seed_state = np.asarray(ours.cell.seed_generator.state.value)
    ours(SEQUENCES)
    np.testing.assert_array_equal(ours.cell.seed_generator.state.value, seed_state)


def test_dropout_in_pure_apply_follows_the_rng_or_advances_the_seed_state():
    layer = layers.SimpleRNN(4, dropout=0.5, recurrent_dropout=0.5, seed=1)
    params, state = layer.init(jax.random.key(0), SEQUENCES.shape)

    @jax.jit
    def run(params, state, x):
        def apply(rng):
            return layer.apply(params, state, x, training=True, rng=rng)

        return apply(jax.random.key(1)), apply(jax.random.key(2)), apply(None)

    (first, kept), (other, _), (_, advanced) = run(params, state, SEQUENCES)
    assert not np.allclose(first, other)
    generator = layer.cell.seed_generator.name
    seed_state = state["simple_rnn_cell"][generator]["seed_generator_state"]
    kept_state = kept["simple_rnn_cell"][generator]["seed_generator_state"]
    advanced_state = advanced["simple_rnn_cell"][generator]["seed_generator_state"]
    np.testing.assert_array_equal(kept_state, seed_state)
    assert not np.array_equal(advanced_state, seed_state)


@pytest.mark.parametrize("class_name", ["SimpleRNNCell", "LSTMCell", "GRUCell"])
def test_cell_call_matches_keras(class_name, eager):
    theirs = getattr(keras.layers, class_name)(4)
    ours = getattr(layers, class_name)(4)
    step = SEQUENCES[:, 0]
    theirs.build(step.shape)
    ours.build(step.shape)
    ours.set_weights(_random_weights(theirs))
    theirs.set_weights(ours.get_weights())
    states = _initial_states(class_name.removesuffix("Cell"))
    _assert_all_close(ours(step, states), theirs(step, states), class_name)
    assert ours.get_config() | {"name": None} == theirs.get_config() | {"name": None}
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]


def test_lstm_unit_forget_bias_initializes_the_forget_gate_to_one():
    layer = layers.LSTM(3, bias_initializer="zeros")
    params, _ = layer.init(jax.random.key(0), (None, 4, 2))
    np.testing.assert_array_equal(
        params["lstm_cell"]["bias"], np.array([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0], "float32")
    )
    gru = layers.GRU(3, reset_after=True)
    gru.build((2, 4, 2))
    assert gru.cell.bias.shape == (2, 9)


@pytest.mark.parametrize(
    "class_name, kwargs",
    [
        ("SimpleRNN", {"activation": "relu", "use_bias": False, "seed": 3, "dropout": 0.2}),
        ("LSTM", {"implementation": 1, "recurrent_regularizer": "l1", "use_cudnn": False}),
        ("GRU", {"reset_after": False, "bias_constraint": "max_norm", "stateful": True}),
    ],
)
def test_configs_and_weight_names_match_keras(class_name, kwargs):
    """Keras's SimpleRNN config leaves out its seed; the others keep it."""
    ours = getattr(layers, class_name)(3, **kwargs)
    theirs = getattr(keras.layers, class_name)(3, **kwargs)
    assert_config_equals_keras(ours, theirs)
    ours.build((2, 4, 3))
    theirs.build((2, 4, 3))
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    assert [w.shape for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    assert_config_equals_keras(type(ours).from_config(ours.get_config()), theirs)


def test_layer_attributes_forward_to_the_cell():
    layer = layers.GRU(5, activation="relu", dropout=0.25, reset_after=False)
    assert (layer.units, layer.dropout, layer.reset_after) == (5, 0.25, False)
    assert layer.activation is layer.cell.activation


def test_errors_match_keras():
    assert_same_error(lambda: layers.LSTM(0), lambda: keras.layers.LSTM(0))
    assert_same_error(lambda: layers.GRUCell(-1), lambda: keras.layers.GRUCell(-1))
    assert_same_error(
        lambda: layers.LSTM(3, use_cudnn="yes"), lambda: keras.layers.LSTM(3, use_cudnn="yes")
    )
    not_a_cell = object()
    assert_same_error(lambda: layers.RNN(not_a_cell), lambda: keras.layers.RNN(not_a_cell))
    error_type, message = raised(
        lambda: layers.LSTM(3)(SEQUENCES, initial_state=[np.zeros((3, 3), "float32")])
    )
    assert error_type is ValueError
    assert "expects 2 initial state tensor(s), but it received 1" in message
    error_type, message = raised(
        lambda: layers.GRU(3)(SEQUENCES, initial_state=[np.zeros((3, 4), "float32")])
    )
    assert "has shape (3, 4), but the cell expects (3, 3)" in message
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        layers.LSTM(3)(jnp.ones((2, 3)))
