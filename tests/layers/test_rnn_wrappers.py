"""`Bidirectional` and `TimeDistributed` vs Keras 3: contract, merge modes, states, masks."""

import jax
import keras
import numpy as np
import pytest
from layer_parity import assert_same_error, raised

import kerasish
from kerasish import layers
from kerasish.testing import run_layer_test

RNG = np.random.default_rng(2)
SEQUENCES = RNG.standard_normal((3, 3, 3)).astype("float32")
# A hole, left padding (masked steps at the start carry the initial state), right padding.
MASK = np.array([[True, False, True], [False, True, True], [True, True, False]])


@pytest.fixture
def eager():
    """Op-by-op execution: no compilation of the time loop for one-off calls."""
    with jax.disable_jit():
        yield


def _assert_all_close(ours, theirs):
    ours, theirs = jax.tree.leaves(ours), jax.tree.leaves(theirs)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-5)


def _pair(make):
    """The same layer from both libraries, built, with Keras's random weights in both."""
    ours, theirs = make(layers), make(keras.layers)
    ours.build(SEQUENCES.shape)
    theirs.build(SEQUENCES.shape)
    theirs.set_weights(
        [RNG.standard_normal(w.shape).astype("float32") * 0.5 for w in theirs.weights]
    )
    ours.set_weights(theirs.get_weights())
    return ours, theirs


def test_bidirectional_contract():
    """The contract (its Keras half cannot build Keras's layer from ours: see the parity tests)."""
    layer = run_layer_test(
        layers.Bidirectional,
        {"layer": layers.LSTM(3, return_sequences=True)},
        input_shape=(3, 3, 3),
        expected_output_shape=(3, 3, 6),
        expected_num_trainable_weights=6,
        supports_masking=True,
        keras_parity=False,
    )
    assert layer.forward_layer.name.startswith("forward_lstm")
    assert layer.backward_layer.name.startswith("backward_lstm")
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_merge_modes_states_and_masks_match_keras(merge_mode, eager):
    for return_sequences, return_state in [(True, True), (False, False)]:
        ours, theirs = _pair(
            lambda library, sequences=return_sequences, state=return_state: library.Bidirectional(
                library.GRU(4, return_sequences=sequences, return_state=state),
                merge_mode=merge_mode,
            )
        )
        for mask in (None, MASK):
            _assert_all_close(ours(SEQUENCES, mask=mask), theirs(SEQUENCES, mask=mask))


def test_bidirectional_backward_layer_initial_state_and_config(eager):
    def make(library):
        return library.Bidirectional(
            library.LSTM(4, return_sequences=True, return_state=True),
            backward_layer=library.LSTM(
                4, activation="relu", return_sequences=True, return_state=True, go_backwards=True
            ),
            merge_mode="sum",
        )

    ours, theirs = _pair(make)
    states = [RNG.standard_normal((3, 4)).astype("float32") for _ in range(4)]
    _assert_all_close(
        ours(SEQUENCES, initial_state=states), theirs(SEQUENCES, initial_state=states)
    )
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    revived = layers.Bidirectional.from_config(ours.get_config())
    assert revived.backward_layer.get_config()["activation"] == "relu"
    ours_config = {k: v for k, v in ours.get_config().items() if k != "name"}
    theirs_config = {k: v for k, v in theirs.get_config().items() if k != "name"}
    assert ours_config.keys() == theirs_config.keys()
    assert ours_config["merge_mode"] == theirs_config["merge_mode"]


def test_bidirectional_stateful_reset_and_weights_argument():
    layer = layers.Bidirectional(layers.SimpleRNN(4, stateful=True))
    layer.build((3, 3, 3))
    layer(SEQUENCES)
    assert len(layer.states) == 2 and np.abs(np.asarray(layer.states[0].value)).sum() > 0
    layer.reset_states()
    assert all(np.all(np.asarray(s.value) == 0) for s in layer.states)
    assert raised(lambda: layers.Bidirectional(layers.GRU(2)).reset_state()) == (
        AttributeError,
        "Layer must be stateful.",
    )
    template = layers.Bidirectional(layers.SimpleRNN(2))
    template.build((3, 3, 3))
    weights = [RNG.standard_normal(w.shape).astype("float32") for w in template.weights]
    seeded = layers.Bidirectional(layers.SimpleRNN(2), weights=weights)
    seeded.build((3, 3, 3))
    for got, want in zip(seeded.get_weights(), weights):
        np.testing.assert_array_equal(got, want)


def test_bidirectional_errors_match_keras():
    assert_same_error(
        lambda: layers.Bidirectional(layers.LSTM(2), merge_mode="max"),
        lambda: keras.layers.Bidirectional(keras.layers.LSTM(2), merge_mode="max"),
    )
    assert_same_error(
        lambda: layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2)),
        lambda: keras.layers.Bidirectional(
            keras.layers.LSTM(2), backward_layer=keras.layers.LSTM(2)
        ),
    )
    assert_same_error(
        lambda: layers.Bidirectional(
            layers.LSTM(2), backward_layer=layers.LSTM(2, go_backwards=True, return_state=True)
        ),
        lambda: keras.layers.Bidirectional(
            keras.layers.LSTM(2),
            backward_layer=keras.layers.LSTM(2, go_backwards=True, return_state=True),
        ),
    )
    not_a_layer = object()
    assert_same_error(
        lambda: layers.Bidirectional(not_a_layer),
        lambda: keras.layers.Bidirectional(not_a_layer),
    )


def test_time_distributed_dense_contract_and_keras_parity():
    layer = run_layer_test(
        layers.TimeDistributed,
        {"layer": layers.Dense(5, activation="relu")},
        input_shape=(3, 3, 3),
        expected_output_shape=(3, 3, 5),
        expected_num_trainable_weights=2,
        supports_masking=True,
        keras_parity=False,
    )
    theirs = keras.layers.TimeDistributed(keras.layers.Dense(5, activation="relu"))
    theirs.build((None, 3, 3))
    theirs.set_weights(layer.get_weights())
    with jax.disable_jit():
        _assert_all_close(layer(SEQUENCES), theirs(SEQUENCES))
    assert [w.name for w in layer.weights] == [w.name for w in theirs.weights]
    ours_config, theirs_config = layer.get_config(), theirs.get_config()
    assert ours_config["layer"]["config"] | {"name": None} == theirs_config["layer"]["config"] | {
        "name": None
    }
    assert ours_config["layer"]["build_config"] == theirs_config["layer"]["build_config"]


@pytest.mark.skipif(not hasattr(layers, "Conv2D"), reason="Conv2D is not in kerasish yet")
def test_time_distributed_conv2d_matches_keras(eager):
    frames = RNG.standard_normal((2, 3, 6, 6, 2)).astype("float32")
    ours = layers.TimeDistributed(layers.Conv2D(4, 3, strides=2, padding="same"))
    theirs = keras.layers.TimeDistributed(keras.layers.Conv2D(4, 3, strides=2, padding="same"))
    ours.build(frames.shape)
    theirs.build(frames.shape)
    ours.set_weights(theirs.get_weights())
    _assert_all_close(ours(frames), theirs(frames))
    symbolic = ours(kerasish.Input((3, 6, 6, 2)))
    assert symbolic.shape == (None, 3, 3, 3, 4)


def test_time_distributed_passes_the_mask_on_and_checks_it(eager):
    """A wrapped layer that takes a mask gets each timestep's; the mask passes through."""
    from kerasish.engine.masking import get_keras_mask

    groups = RNG.standard_normal((3, 2, 3, 3)).astype("float32")
    group_mask = np.stack([MASK, MASK[::-1]], axis=1)
    ours, theirs = (
        layers.TimeDistributed(layers.LSTM(4)),
        keras.layers.TimeDistributed(keras.layers.LSTM(4)),
    )
    ours.build(groups.shape)
    theirs.build(groups.shape)
    ours.set_weights(theirs.get_weights())
    got = ours(groups, mask=group_mask)
    _assert_all_close(got, theirs(groups, mask=group_mask))
    np.testing.assert_array_equal(get_keras_mask(got), group_mask)
    assert_same_error(
        lambda: layers.TimeDistributed(layers.Dense(2))(SEQUENCES, mask=MASK[:, :2]),
        lambda: keras.layers.TimeDistributed(keras.layers.Dense(2))(SEQUENCES, mask=MASK[:, :2]),
    )
    assert_same_error(
        lambda: layers.TimeDistributed(layers.Dense(2)).build((2, 3)),
        lambda: keras.layers.TimeDistributed(keras.layers.Dense(2)).build((2, 3)),
    )
    not_a_layer = object()
    assert_same_error(
        lambda: layers.TimeDistributed(not_a_layer),
        lambda: keras.layers.TimeDistributed(not_a_layer),
    )
