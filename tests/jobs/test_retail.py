"""The retail job on a small catalog: data properties, training, recall, export."""

import numpy as np
import pytest

import kerasish as keras
from kerasish.export import load
from kerasish.jobs import retail, retail_data


@pytest.fixture(scope="module")
def data():
    return retail_data.generate(products=400, categories=8, users=300, history_length=6, seed=1)


@pytest.fixture(scope="module")
def model(data):
    keras.utils.set_random_seed(0)
    model = retail.TwoTower(data.products, data.categories, embedding_dim=16, units=(32, 16))
    model.compile(keras.optimizers.Adam(0.01))
    model.fit(retail.training_inputs(data), batch_size=128, epochs=3, verbose=0)
    return model


def test_generated_data_is_consistent_and_reproducible(data):
    assert data.train_history.shape[1] == 6
    assert data.train_history.max() <= data.products and data.train_history.min() >= 0
    assert set(np.unique(data.category_of)) <= set(range(8))
    again = retail_data.generate(products=400, categories=8, users=300, history_length=6, seed=1)
    np.testing.assert_array_equal(again.train_history, data.train_history)
    # Left padding: once a slot holds a purchase, every later slot does too.
    present = data.test_history != retail_data.PAD
    assert np.all(np.diff(present.astype(int), axis=1) >= 0)


def test_most_popular_excludes_what_was_bought(data):
    found = retail_data.most_popular(data, 10)
    for history, row in zip(data.test_history, found):
        assert not set(row) & set(history[history != 0] - 1)
    assert retail_data.recall_at(np.array([[1, 2], [3, 4]]), np.array([2, 5]), 2) == 0.5


def test_the_model_beats_the_most_popular_baseline(model, data):
    results = retail.evaluate(model, data, ks=(10, 50))
    assert results["model"][50] > results["most_popular"][50]


def test_recommendations_exclude_bought_products(model, data):
    retrieval = retail.build_retrieval(model, data, k=20)
    found = np.asarray(retail.recommend(model, retrieval, data.test_history[:50])["product_ids"])
    for history, row in zip(data.test_history[:50], found):
        assert not set(row) & set(history[history != 0] - 1)


def test_the_exported_artifact_serves_the_same_recommendations(model, data, tmp_path):
    retail.export(model, data, tmp_path / "retail" / "1", k=20, platforms=("cpu",))
    artifact = load(tmp_path / "retail" / "1")
    assert sorted(artifact.signatures) == ["candidate_embed", "query_embed", "serving_default"]
    history = data.test_history[:7]
    exported = artifact.signatures["serving_default"]({"history": history})
    expected = retail.recommend(model, retail.build_retrieval(model, data, 20), history)
    np.testing.assert_array_equal(exported["product_ids"], expected["product_ids"])
    embedded = artifact.signatures["query_embed"]({"history": history})["embedding"]
    np.testing.assert_allclose(embedded, model.embed_queries(history), rtol=1e-5, atol=1e-6)
