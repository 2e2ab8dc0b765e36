"""`Normalization` (preprocessing) vs Keras 3: adapted statistics and outputs, weights as
state, batch adapt (golden: Keras needs TensorFlow for it), and errors."""

import doctest

import keras
import numpy as np
import pytest
import tabular_golden
from layer_parity import assert_same_error, check_layer, current_trees

import kerasish
from kerasish import layers
from kerasish.utils import PyDataset

CASES = tabular_golden.load_cases("tabular.json", "Normalization")
DATA = (np.random.default_rng(0).standard_normal((16, 2, 3)) * [1, 10, 100] + [0, 4, -9]).astype(
    "float32"
)


@pytest.mark.parametrize(
    "kwargs, num_weights",
    [({"axis": None, "invert": True}, 3), ({"mean": [1.0, 2.0, 3.0], "variance": 4.0}, 0)],
)
def test_contract(kwargs, num_weights):
    if "variance" in kwargs:
        kwargs = {**kwargs, "variance": [4.0, 4.0, 4.0]}
    check_layer(
        layers.Normalization,
        kwargs,
        (4, 2, 3),
        expected_output_shape=(4, 2, 3),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=num_weights,
        supports_masking=True,
    )


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"axis": None}, {"axis": (1, 2)}, {"axis": 1, "invert": True}, {"axis": [-1, 0]}],
)
def test_adapt_matches_keras(kwargs):
    ours, theirs = layers.Normalization(**kwargs), keras.layers.Normalization(**kwargs)
    ours.adapt(DATA)
    theirs.adapt(DATA)
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    for got, expected in zip(ours.get_weights(), theirs.get_weights()):
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=1e-5)
    np.testing.assert_allclose(ours(DATA), theirs(DATA), rtol=1e-5, atol=1e-5)
    assert ours.get_config() == {**theirs.get_config(), "name": ours.name}


def test_fixed_statistics_broadcast_like_keras():
    kwargs = {"axis": (1, 2), "mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 9.0]}
    ours, theirs = layers.Normalization(**kwargs), keras.layers.Normalization(**kwargs)
    np.testing.assert_allclose(ours(DATA[:2]), theirs(DATA[:2]), rtol=1e-6)
    assert ours.weights == [] and ours.get_config()["mean"] == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_batch_adapt_matches_keras_golden(name):
    tabular_golden.replay(layers.Normalization, CASES[name])


def test_adapt_reads_generators_pydatasets_and_xy_batches_alike():
    class Batches(PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, index):
            return DATA[4 * index : 4 * index + 4], np.zeros(4)

    expected = [DATA.reshape(-1, 3).mean(0), DATA.reshape(-1, 3).var(0)]
    for data in (Batches(), (DATA[i : i + 5] for i in range(0, 16, 5)), [DATA]):
        layer = layers.Normalization()
        layer.adapt(data)
        np.testing.assert_allclose(layer.get_weights()[:2], expected, rtol=1e-5)


def test_adapted_statistics_are_state_of_the_pure_apply():
    layer = layers.Normalization()
    layer.adapt(DATA)
    params, state = current_trees(layer)
    assert params == {} and sorted(state) == ["count", "mean", "variance"]
    shifted = {**state, "mean": state["mean"] + 1.0}
    outputs, _ = layer.apply(params, shifted, DATA[:2])
    np.testing.assert_allclose(
        outputs, layer(DATA[:2]) - 1.0 / np.sqrt(state["variance"]), atol=1e-5
    )


def test_adapted_model_round_trips_through_config_and_weights():
    inputs = kerasish.Input((2, 3))
    normalization = layers.Normalization()
    normalization.adapt(DATA)
    model = kerasish.Model(inputs, layers.Dense(2)(normalization(inputs)))
    clone = kerasish.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(DATA, verbose=0), model.predict(DATA, verbose=0))
    model.compile("sgd", "mse")
    before = normalization.get_weights()
    model.fit(DATA, np.zeros((16, 2, 2)), epochs=1, verbose=0)
    for got, expected in zip(normalization.get_weights(), before):
        np.testing.assert_array_equal(got, expected)  # not trained


@pytest.mark.parametrize(
    "kwargs",
    [
        {"mean": 1.0},
        {"mean": [1.0, 2.0], "variance": [1.0]},
        {"axis": -1, "mean": [[1.0]], "variance": [[1.0]]},
    ],
)
def test_argument_errors_match_keras(kwargs):
    assert_same_error(
        lambda: layers.Normalization(**kwargs), lambda: keras.layers.Normalization(**kwargs)
    )


def test_build_errors_match_keras():
    assert_same_error(
        lambda: layers.Normalization(axis=3).build((2, 3)),
        lambda: keras.layers.Normalization(axis=3).build((2, 3)),
    )
    assert_same_error(
        lambda: layers.Normalization(axis=1).build((2, None)),
        lambda: keras.layers.Normalization(axis=1).build((2, None)),
    )
    ours, theirs = layers.Normalization(), keras.layers.Normalization()
    ours.adapt(DATA)
    theirs.adapt(DATA)
    assert_same_error(lambda: ours.adapt(DATA[..., :2]), lambda: theirs.adapt(DATA[..., :2]))


def test_adapt_with_fixed_statistics_names_the_layer():
    layer = layers.Normalization(mean=1.0, variance=2.0, name="fixed")
    with pytest.raises(ValueError, match="Layer 'fixed' was given `mean` and `variance`"):
        layer.adapt(DATA)


def test_adapt_on_empty_data_names_the_layer():
    layer = layers.Normalization(name="features")
    with pytest.raises(ValueError, match="Layer 'features' cannot adapt on an empty array"):
        layer.adapt(np.zeros((0, 3), "float32"))
    with pytest.raises(ValueError, match="empty iterable"):
        layer.adapt(iter([]))


def test_docstring_examples_run():
    from kerasish.layers import preprocessing

    for module in (preprocessing.normalization,):
        result = doctest.testmod(module, extraglobs={"kerasish": kerasish, "np": np})
        assert result.failed == 0 and result.attempted > 0
