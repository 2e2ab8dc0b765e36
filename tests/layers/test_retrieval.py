"""`BruteForceRetrieval` and the in-batch softmax loss against numpy references."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import kerasish as keras
from kerasish.export import load
from kerasish.layers.retrieval import BruteForceRetrieval


def _catalog(count=300, dim=8, seed=0):
    rng = np.random.default_rng(seed)
    embeddings = rng.standard_normal((count, dim)).astype("float32")
    ids = rng.permutation(10 * count)[:count].astype("int32")
    queries = rng.standard_normal((5, dim)).astype("float32")
    return embeddings, ids, queries


def _reference(queries, embeddings, ids, k, mask=None):
    scores = queries @ embeddings.T
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(scores, order, axis=1), ids[order]


def test_top_k_equals_a_numpy_brute_force():
    embeddings, ids, queries = _catalog()
    layer = BruteForceRetrieval(k=10, candidate_embeddings=embeddings, candidate_ids=ids)
    scores, found = layer(queries)
    expected_scores, expected_ids = _reference(queries, embeddings, ids, 10)
    np.testing.assert_allclose(scores, expected_scores, rtol=1e-5)
    np.testing.assert_array_equal(found, expected_ids)


@pytest.mark.parametrize("per_query", [False, True])
def test_masks_exclude_exactly_the_masked_candidates(per_query):
    embeddings, ids, queries = _catalog()
    rng = np.random.default_rng(1)
    shape = (len(queries), len(ids)) if per_query else (len(ids),)
    mask = rng.random(shape) > 0.5
    layer = BruteForceRetrieval(k=20, candidate_embeddings=embeddings, candidate_ids=ids)
    _, found = layer(queries, candidate_mask=mask)
    _, expected = _reference(queries, embeddings, ids, 20, mask)
    np.testing.assert_array_equal(found, expected)
    allowed = np.broadcast_to(mask, (len(queries), len(ids)))
    for row, row_ids in enumerate(np.asarray(found)):
        assert set(row_ids) <= set(ids[allowed[row]])


def test_approximate_search_reaches_its_recall_target():
    embeddings, ids, queries = _catalog(count=2000)
    exact = BruteForceRetrieval(k=50, candidate_embeddings=embeddings, candidate_ids=ids)
    approximate = BruteForceRetrieval(
        k=50, candidate_embeddings=embeddings, candidate_ids=ids, approximate=True
    )
    expected, found = np.asarray(exact(queries)[1]), np.asarray(approximate(queries)[1])
    recall = np.mean([len(set(a) & set(b)) / 50 for a, b in zip(expected, found)])
    assert recall >= 0.95


def test_ids_only_default_ids_and_replacing_the_catalog():
    layer = BruteForceRetrieval(k=2, return_scores=False)
    layer.update_candidates(np.eye(4, dtype="float32"))
    np.testing.assert_array_equal(layer(np.array([[0, 0, 1, 0.5]], "float32")), [[2, 3]])
    layer.update_candidates(np.eye(6, dtype="float32")[:, :4])
    assert [w.shape for w in layer.get_weights()] == [(6, 4), (6,)]
    assert [v.name for v in layer.weights] == ["candidate_embeddings", "candidate_ids"]


def test_bad_catalogs_and_missing_candidates_raise():
    layer = BruteForceRetrieval(k=3, name="retrieve")
    with pytest.raises(ValueError, match="'retrieve' has no candidates"):
        layer(np.ones((1, 2), "float32"))
    with pytest.raises(ValueError, match="returns k=3 candidates but received only 2"):
        layer.update_candidates(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"shape \(num_candidates, dim\)"):
        layer.update_candidates(np.ones(5))
    with pytest.raises(ValueError, match="must be 4 integers"):
        layer.update_candidates(np.ones((4, 2)), candidate_ids=np.ones(4) * 0.5)
    with pytest.raises(ValueError, match="positive integer"):
        BruteForceRetrieval(k=0)


def _two_tower(embeddings, ids):
    keras.utils.set_random_seed(0)
    query = keras.Input((6,), name="user_features")
    tower = keras.layers.Dense(embeddings.shape[1], name="query_tower")(query)
    retrieval = BruteForceRetrieval(k=5, name="retrieval")
    retrieval.update_candidates(embeddings, ids)
    scores, top_ids = retrieval(tower)
    return keras.Model(query, {"scores": scores, "ids": top_ids})


def test_candidates_are_state_of_the_pure_apply_and_survive_export(tmp_path):
    embeddings, ids, _ = _catalog()
    model = _two_tower(embeddings, ids)
    x = np.random.default_rng(3).standard_normal((4, 6)).astype("float32")
    expected = model.predict(x, verbose=0)
    params, state = model.params_and_state()
    np.testing.assert_array_equal(state["retrieval"]["candidate_ids"], ids)
    # `init` draws fresh weights: an empty (all-zero) catalog, as for any non-trainable state.
    assert not np.any(model.init(jax.random.key(0))[1]["retrieval"]["candidate_ids"])
    outputs, _ = jax.jit(model.apply)(params, state, x)
    np.testing.assert_array_equal(outputs["ids"], model(x)["ids"])
    model.export(tmp_path / "a", verbose=False, platforms=("cpu",))
    exported = load(tmp_path / "a").signatures["serving_default"](x)
    np.testing.assert_array_equal(exported["ids"], expected["ids"])
    np.testing.assert_allclose(exported["scores"], expected["scores"], rtol=1e-5)


def _numpy_in_batch_softmax(q, c, probability=None, ids=None):
    logits = q @ c.T
    if probability is not None:
        logits = logits - np.log(probability)[None, :]
    losses = []
    for i in range(len(q)):
        keep = np.ones(len(q), bool)
        if ids is not None:
            keep = (ids != ids[i]) | (np.arange(len(q)) == i)
        row = logits[i][keep]
        losses.append(np.log(np.exp(row).sum()) - logits[i, i])
    return np.array(losses)


@pytest.mark.parametrize("log_q, accidental_hits", [(False, False), (True, False), (True, True)])
def test_in_batch_softmax_matches_a_numpy_reference(log_q, accidental_hits):
    rng = np.random.default_rng(0)
    q, c = rng.standard_normal((6, 4)), rng.standard_normal((6, 4))
    probability = rng.uniform(0.01, 0.5, 6) if log_q else None
    ids = np.array([1, 2, 1, 3, 2, 4]) if accidental_hits else None
    ours = keras.losses.in_batch_softmax(
        jnp.asarray(q, "float32"),
        jnp.asarray(c, "float32"),
        candidate_sampling_probability=probability,
        candidate_ids=ids,
    )
    np.testing.assert_allclose(ours, _numpy_in_batch_softmax(q, c, probability, ids), rtol=1e-5)


def test_a_two_tower_model_learns_with_in_batch_softmax():
    rng = np.random.default_rng(0)
    items, dim = 50, 8
    users = rng.integers(0, items, size=512)

    class TwoTower(keras.Model):
        def __init__(self):
            super().__init__()
            self.user = keras.layers.Embedding(items, dim)
            self.item = keras.layers.Embedding(items, dim)

        def call(self, inputs):
            return self.user(inputs["user"]), self.item(inputs["item"])

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            query, candidate = y_pred
            return jnp.mean(keras.losses.in_batch_softmax(query, candidate))

    model = TwoTower()
    model.compile(keras.optimizers.Adam(0.05))
    data = {"user": users, "item": (users * 7) % items}  # each user likes one item
    history = model.fit(data, batch_size=64, epochs=5, verbose=0, shuffle=True)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    retrieval = BruteForceRetrieval(k=1, return_scores=False)
    retrieval.update_candidates(model.item.embeddings.numpy())
    found = retrieval(model.user(np.arange(items)))[:, 0]
    assert np.mean(np.asarray(found) == (np.arange(items) * 7) % items) > 0.8
