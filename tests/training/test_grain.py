"""fit/evaluate/predict read grain datasets (MapDataset, IterDataset, DataLoader), as Keras 3's
grain adapter does: each element is one batch."""

import numpy as np
import pytest

import kerasish

grain = pytest.importorskip("grain", reason="grain is not installed (pip install grain)")

RNG = np.random.default_rng(0)
X = RNG.standard_normal((40, 4)).astype("float32")
Y = RNG.standard_normal((40, 1)).astype("float32")


def _model():
    kerasish.utils.set_random_seed(0)
    model = kerasish.Sequential([kerasish.Input((4,)), kerasish.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _map_dataset():
    return grain.MapDataset.source([(X[i], Y[i]) for i in range(len(X))]).batch(8)


def test_fit_on_a_map_dataset_equals_fit_on_arrays():
    expected = _model().fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    history = _model().fit(_map_dataset(), epochs=2, verbose=0).history
    np.testing.assert_allclose(history["loss"], expected["loss"], rtol=1e-6)


def test_iter_dataset_and_data_loader():
    reference = _model()
    reference.fit(X, Y, batch_size=8, shuffle=False, verbose=0)
    model = _model()
    model.fit(_map_dataset().to_iter_dataset(), verbose=0)
    for ours, theirs in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    loader = grain.DataLoader(
        data_source=[(X[i], Y[i]) for i in range(len(X))],
        sampler=grain.samplers.IndexSampler(len(X), shuffle=False, num_epochs=1),
        operations=[grain.transforms.Batch(batch_size=8)],
    )
    np.testing.assert_allclose(
        model.evaluate(loader, verbose=0), model.evaluate(X, Y, verbose=0), rtol=1e-6
    )


def test_predict_on_a_dataset_of_inputs_only():
    model = _model()
    dataset = grain.MapDataset.source([X[i] for i in range(len(X))]).batch(16)
    np.testing.assert_allclose(
        model.predict(dataset, verbose=0), model.predict(X, verbose=0), rtol=1e-6
    )
