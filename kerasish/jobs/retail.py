"""The retail recommender job: a two-tower model trained with in-batch softmax, evaluated
against a most-popular baseline, and exported with its catalog for serving.

Ordinary Keras code (a subclassed `Model` with its own `compute_loss`) plus kerasish's
retrieval pieces; `kerasish train|evaluate|export` run it from a TOML config.
"""

import jax.numpy as jnp
import numpy as np

import kerasish as keras
from kerasish import layers, ops
from kerasish.jobs import retail_data


@keras.saving.register_keras_serializable(package="kerasish_jobs")
class TwoTower(keras.Model):
    """Query tower over a purchase history, candidate tower over product and category.

    Example:
    >>> model = TwoTower(products=100, categories=5)
    >>> query, candidate = model({"history": ids, "product": p, "category": c})  # doctest: +SKIP
    """

    def __init__(
        self, products, categories, embedding_dim=64, units=(256, 128), temperature=0.1, **kwargs
    ):
        super().__init__(**kwargs)
        self.products, self.categories = products, categories
        self.embedding_dim, self.units, self.temperature = embedding_dim, tuple(units), temperature
        self.history_embedding = layers.Embedding(products + 1, embedding_dim, name="history")
        self.product_embedding = layers.Embedding(products, embedding_dim, name="product")
        self.category_embedding = layers.Embedding(categories, 16, name="category")
        self.query_tower = _tower(units, "query_tower")
        self.candidate_tower = _tower(units, "candidate_tower")

    def embed_queries(self, history):
        present = ops.expand_dims(ops.cast(history != retail_data.PAD, "float32"), -1)
        summed = ops.sum(self.history_embedding(history) * present, axis=1)
        mean = summed / ops.maximum(ops.sum(present, axis=1), 1.0)
        return ops.normalize(self.query_tower(mean), axis=-1)

    def embed_candidates(self, product, category):
        features = ops.concatenate(
            [self.product_embedding(product), self.category_embedding(category)], axis=-1
        )
        return ops.normalize(self.candidate_tower(features), axis=-1)

    def call(self, inputs):
        return (
            self.embed_queries(inputs["history"]),
            self.embed_candidates(inputs["product"], inputs["category"]),
        )

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        query, candidate = y_pred
        losses = keras.losses.in_batch_softmax(
            query,
            candidate,
            candidate_sampling_probability=x["sampling_probability"],
            candidate_ids=x["product"],
            temperature=self.temperature,
        )
        return ops.mean(losses)

    def get_config(self):
        return {
            **super().get_config(),
            "products": self.products,
            "categories": self.categories,
            "embedding_dim": self.embedding_dim,
            "units": list(self.units),
            "temperature": self.temperature,
        }


def _tower(units, name):
    hidden = [layers.Dense(u, activation="relu") for u in units[:-1]]
    return keras.Sequential([*hidden, layers.Dense(units[-1])], name=name)


def training_inputs(data):
    """The `fit` inputs: history, the target product, its category and sampling probability."""
    frequency = data.popularity / data.popularity.sum()
    return {
        "history": data.train_history,
        "product": data.train_target,
        "category": data.category_of[data.train_target],
        "sampling_probability": frequency[data.train_target].astype("float32"),
    }


def build_retrieval(model, data, k):
    """A `BruteForceRetrieval` indexed with every product's candidate embedding."""
    products = np.arange(data.products, dtype="int32")
    embeddings = model.embed_candidates(products, data.category_of)
    retrieval = layers.BruteForceRetrieval(k=k, name="retrieval")
    retrieval.update_candidates(np.asarray(embeddings), candidate_ids=products)
    return retrieval


def recommend(model, retrieval, history):
    """Top-k product ids and scores for ``history`` rows, excluding products already bought
    (the candidates' ids are the product ids 0..N-1)."""
    rows = ops.expand_dims(ops.arange(history.shape[0]), -1)
    catalog = retrieval.candidate_ids.shape[0]
    seen = jnp.zeros((history.shape[0], catalog), bool)
    seen = seen.at[rows, history - 1].max(history != retail_data.PAD)
    scores, ids = retrieval(model.embed_queries(history), candidate_mask=ops.logical_not(seen))
    return {"product_ids": ids, "scores": scores}


def evaluate(model, data, ks=(10, 50), batch_size=500):
    """``{"model": {k: recall}, "most_popular": {k: recall}}`` on the held-out users."""
    retrieval = build_retrieval(model, data, max(ks))
    batches = [
        recommend(model, retrieval, data.test_history[i : i + batch_size])["product_ids"]
        for i in range(0, len(data.test_history), batch_size)
    ]
    found = np.concatenate([np.asarray(ids) for ids in batches])
    baseline = retail_data.most_popular(data, max(ks))
    return {
        "model": {k: retail_data.recall_at(found, data.test_target, k) for k in ks},
        "most_popular": {k: retail_data.recall_at(baseline, data.test_target, k) for k in ks},
    }


def export(model, data, path, k=50, platforms=keras.export.DEFAULT_PLATFORMS):
    """Writes an artifact with ``serving_default`` (history -> top-k unseen products),
    ``query_embed`` and ``candidate_embed``; the catalog is part of its params."""
    import jax

    retrieval = build_retrieval(model, data, k)
    history_length = data.train_history.shape[1]
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.track(retrieval)
    history_spec = {"history": jax.ShapeDtypeStruct((None, history_length), "int32")}
    archive.add_endpoint(
        "serving_default",
        lambda inputs: recommend(model, retrieval, inputs["history"]),
        history_spec,
    )
    archive.add_endpoint(
        "query_embed",
        lambda inputs: {"embedding": model.embed_queries(inputs["history"])},
        history_spec,
    )
    archive.add_endpoint(
        "candidate_embed",
        lambda inputs: {"embedding": model.embed_candidates(inputs["product"], inputs["category"])},
        {
            "product": jax.ShapeDtypeStruct((None,), "int32"),
            "category": jax.ShapeDtypeStruct((None,), "int32"),
        },
    )
    archive.write_out(path, platforms=platforms, verbose=False)


DEFAULTS = {
    "job": "retail",
    "output_dir": "runs/retail",
    "data": {
        "products": 18_000,
        "categories": 60,
        "users": 6_000,
        "history_length": 20,
        "seed": 0,
    },
    "model": {"embedding_dim": 64, "units": [256, 128], "temperature": 0.1},
    "train": {"epochs": 3, "batch_size": 256, "learning_rate": 0.002, "seed": 0, "verbose": 1},
    "evaluate": {"ks": [10, 50]},
    "export": {"k": 50, "version": 1, "platforms": ["cpu", "cuda", "tpu"]},
}


def load_data(config):
    return retail_data.generate(**config["data"])


def train(config):
    """Trains on the config's data; returns ``(model, data, history)``."""
    keras.utils.set_random_seed(config["train"]["seed"])
    data = load_data(config)
    model = TwoTower(data.products, data.categories, **config["model"])
    model.compile(optimizer=keras.optimizers.Adam(config["train"]["learning_rate"]))
    history = model.fit(
        training_inputs(data),
        batch_size=config["train"]["batch_size"],
        epochs=config["train"]["epochs"],
        verbose=config["train"]["verbose"],
    )
    return model, data, history
