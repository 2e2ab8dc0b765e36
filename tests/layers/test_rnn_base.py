"""`RNN` over user cells and `StackedRNNCells`, stateful carry-over, masks, long-sequence
gradients and configs, vs Keras 3."""

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from layer_parity import assert_config_equals_keras, current_trees, raised

import kerasish
from kerasish import layers

RNG = np.random.default_rng(1)
SEQUENCES = RNG.standard_normal((3, 3, 3)).astype("float32")
# A hole, left padding (masked steps at the start carry the initial state), right padding.
MASK = np.array([[True, False, True], [False, True, True], [True, True, False]])


@pytest.fixture
def eager():
    """Op-by-op execution: no compilation of the time loop for one-off calls."""
    with jax.disable_jit():
        yield


def _minimal_cell_class(base, ops):
    """The same user cell for both libraries: two states of different sizes, an output size."""

    class MinimalCell(base):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = [units, 2 * units]
            self.output_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.recurrent_kernel = self.add_weight(
                shape=(self.units, self.units), name="recurrent_kernel"
            )

        def call(self, inputs, states):
            h, memory = states
            output = ops.tanh(
                ops.matmul(inputs, self.kernel) + ops.matmul(h, self.recurrent_kernel)
            )
            return output, [output, ops.concatenate([memory[:, self.units :], output], axis=-1)]

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return MinimalCell


OurCell = _minimal_cell_class(layers.Layer, kerasish.ops)
KerasCell = _minimal_cell_class(keras.layers.Layer, keras.ops)


def _copy_weights(ours, theirs):
    theirs.set_weights(
        [RNG.standard_normal(w.shape).astype("float32") * 0.5 for w in theirs.weights]
    )
    ours.set_weights(theirs.get_weights())


def _assert_all_close(ours, theirs):
    ours, theirs = jax.tree.leaves(ours), jax.tree.leaves(theirs)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "make_cell",
    [
        pytest.param(lambda library, cell_class: cell_class(4), id="user_cell"),
        pytest.param(
            lambda library, cell_class: [library.GRUCell(4, reset_after=False), cell_class(4)],
            id="stacked_list",
        ),
    ],
)
def test_rnn_over_any_cell_matches_keras(make_cell, eager):
    kwargs = {"return_sequences": True, "return_state": True, "go_backwards": True}
    ours = layers.RNN(make_cell(layers, OurCell), **kwargs)
    theirs = keras.layers.RNN(make_cell(keras.layers, KerasCell), **kwargs)
    ours.build(SEQUENCES.shape)
    theirs.build(SEQUENCES.shape)
    _copy_weights(ours, theirs)
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    got, expected = ours(SEQUENCES, mask=MASK), theirs(SEQUENCES, mask=MASK)
    # The same structure: stacked cells return each cell's states as a list, as Keras does.
    assert jax.tree.structure(got) == jax.tree.structure(tuple(expected))
    _assert_all_close(got, expected)


def test_rnn_config_round_trips_through_keras_format():
    ours = layers.RNN([layers.LSTMCell(3), layers.GRUCell(2)], return_sequences=True, unroll=True)
    theirs = keras.layers.RNN(
        [keras.layers.LSTMCell(3), keras.layers.GRUCell(2)], return_sequences=True, unroll=True
    )
    config = kerasish.saving.serialize_keras_object(ours)
    revived = kerasish.saving.deserialize_keras_object(config)
    assert isinstance(revived.cell, layers.StackedRNNCells)
    assert [type(c).__name__ for c in revived.cell.cells] == ["LSTMCell", "GRUCell"]
    assert_config_equals_keras(revived, theirs)
    # A Keras-written config of a built layer (build_config included) loads and builds.
    theirs.build((3, 3, 3))
    loaded = kerasish.saving.deserialize_keras_object(keras.saving.serialize_keras_object(theirs))
    assert loaded.built and [w.shape for w in loaded.weights] == [
        tuple(w.shape) for w in theirs.weights
    ]
    assert loaded.get_build_config() == theirs.get_build_config()


def test_rnn_of_a_user_cell_deserializes_with_custom_objects():
    layer = layers.RNN(OurCell(3))
    config = kerasish.saving.serialize_keras_object(layer)
    revived = kerasish.saving.deserialize_keras_object(
        config, custom_objects={"MinimalCell": OurCell}
    )
    assert isinstance(revived.cell, OurCell) and revived.cell.units == 3


def test_stateful_carry_over_equals_one_long_sequence_and_reset_zeroes_it():
    long = RNG.standard_normal((3, 6, 3)).astype("float32")
    layer = layers.LSTM(4, stateful=True, return_sequences=True, return_state=True)
    reference = layers.LSTM(4, return_sequences=True)
    layer.build(long.shape)
    reference.build(long.shape)
    reference.set_weights(layer.get_weights())
    # The carried states are variables of the layer but not weights (as in Keras).
    assert len(layer.weights) == 3 and len(layer.states) == 2
    state_ids = {id(v) for v in layer.states}
    assert [v.path for v in layer.non_trainable_variables if id(v) in state_ids] == [
        f"{layer.name}/rnn_state",
        f"{layer.name}/rnn_state",
    ]

    params, state = current_trees(layer)
    apply = jax.jit(lambda p, s, x: layer.apply(p, s, x))
    (first, h, c), state = apply(params, state, long[:, :3])
    np.testing.assert_allclose(state["rnn_state"], h)
    np.testing.assert_allclose(state["rnn_state_1"], c)
    (second, _, _), _ = apply(params, state, long[:, 3:])
    expected = jax.jit(lambda p, s, x: reference.apply(p, s, x)[0])(*current_trees(reference), long)
    np.testing.assert_allclose(
        np.concatenate([first, second], axis=1), expected, rtol=1e-5, atol=1e-6
    )

    # The stateful facade: calls carry over, `reset_states()` zeroes the carried states.
    layer(long[:, :3])
    assert np.abs(np.asarray(layer.states[0].value)).sum() > 0
    layer.reset_states()
    assert all(np.all(np.asarray(v.value) == 0) for v in layer.states)
    fresh_state = layer.init(jax.random.key(0))[1]
    np.testing.assert_array_equal(fresh_state["rnn_state"], np.zeros((3, 4)))


def test_stateful_errors_match_keras():
    ours = raised(lambda: layers.GRU(3, stateful=True)(kerasish.Input((4, 3))))
    theirs = raised(lambda: keras.layers.GRU(3, stateful=True)(keras.Input((4, 3))))
    assert ours == theirs
    layer = layers.SimpleRNN(3, stateful=True)
    layer.build((2, 3, 3))
    error_type, message = raised(lambda: layer(SEQUENCES))
    assert error_type is ValueError and message.startswith(
        "If an RNN is stateful, the batch size of the input sequences must be the same"
    )


def test_gradients_stay_finite_over_200_timesteps():
    sequences = RNG.standard_normal((2, 200, 3)).astype("float32")
    model = kerasish.Sequential([kerasish.Input((200, 3)), layers.LSTM(4)])
    params, state = model.init(jax.random.key(0))

    def loss(params, x):
        return jnp.sum(model.apply(params, state, x)[0] ** 2)

    grads, input_grads = jax.jit(jax.grad(loss, argnums=(0, 1)))(params, sequences)
    leaves = jax.tree.leaves(grads)
    assert leaves and all(bool(jnp.all(jnp.isfinite(g))) for g in leaves)
    assert all(float(jnp.abs(g).sum()) > 0 for g in leaves)
    # The first timestep still receives a gradient through 200 recurrent steps.
    assert bool(jnp.all(jnp.isfinite(input_grads))) and float(jnp.abs(input_grads[:, 0]).sum()) > 0


def test_symbolic_outputs_and_masks():
    tokens = kerasish.Input((5,), dtype="int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(tokens)
    sequence, h, c = layers.LSTM(4, return_sequences=True, return_state=True)(embedded)
    assert (sequence.shape, h.shape, c.shape) == ((None, 5, 4), (None, 4), (None, 4))
    assert sequence._keras_mask.shape == (None, 5)
    assert getattr(h, "_keras_mask", None) is None
    last = layers.GRU(2)(sequence)
    assert last.shape == (None, 2) and getattr(last, "_keras_mask", None) is None
    assert layers.LSTM(4, return_state=True).compute_output_shape((2, 5, 3)) == (
        (2, 4),
        (2, 4),
        (2, 4),
    )


def test_eager_output_mask_propagates_only_with_return_sequences(eager):
    from kerasish.engine.masking import get_keras_mask

    sequences = layers.SimpleRNN(4, return_sequences=True)(SEQUENCES, mask=MASK)
    np.testing.assert_array_equal(get_keras_mask(sequences), MASK)
    assert get_keras_mask(layers.SimpleRNN(4)(SEQUENCES, mask=MASK)) is None


def test_time_loop_is_a_scan():
    layer = layers.GRU(3, unroll=True)
    params, state = layer.init(jax.random.key(0), (2, 50, 3))
    jaxpr = jax.make_jaxpr(lambda x: layer.apply(params, state, x)[0])(jnp.ones((2, 50, 3)))
    assert "scan" in str(jaxpr) and str(jaxpr).count("dot_general") < 10
