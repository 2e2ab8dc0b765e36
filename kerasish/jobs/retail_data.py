"""A synthetic retail catalog and shopping sessions with learnable structure (no download).

Products belong to categories with skewed sizes and Zipf-like popularity; every product has a
latent vector near its category's centroid. Each user has a latent taste (a mix of a few
favourite categories) and a session of purchases drawn with probability
``popularity * exp(affinity * taste . product)``: what a user bought predicts what they buy
next, beyond what is merely popular -- which a two-tower model can learn and a most-popular
baseline cannot.
"""

from dataclasses import dataclass

import numpy as np

PAD = 0  # history slots are product id + 1, so 0 is padding


@dataclass
class RetailData:
    category_of: np.ndarray  # (products,) int32
    popularity: np.ndarray  # (products,) purchase frequency in the training events
    train_history: np.ndarray  # (examples, history_length) int32, product id + 1, 0 = pad
    train_target: np.ndarray  # (examples,) int32 product ids
    test_history: np.ndarray  # (test_users, history_length)
    test_target: np.ndarray  # (test_users,)

    @property
    def products(self):
        return len(self.category_of)

    @property
    def categories(self):
        return int(self.category_of.max()) + 1


def generate(
    products=18_000,
    categories=60,
    users=6_000,
    history_length=20,
    min_events=8,
    max_events=24,
    latent_dim=16,
    affinity=2.5,
    test_fraction=0.2,
    seed=0,
):
    """Generates catalog, sessions and a train/test split by user (held-out users' last
    purchase is the target, their earlier ones the history)."""
    rng = np.random.default_rng(seed)
    category_sizes = rng.dirichlet(np.full(categories, 0.8))
    category_of = rng.choice(categories, size=products, p=category_sizes).astype("int32")
    centroids = rng.standard_normal((categories, latent_dim))
    latent = centroids[category_of] + 0.6 * rng.standard_normal((products, latent_dim))
    latent /= np.linalg.norm(latent, axis=1, keepdims=True)
    log_popularity = -1.0 * np.log(rng.permutation(products) + 10.0)

    sessions = []
    for _ in range(users):
        favourites = rng.choice(categories, size=rng.integers(1, 4), replace=False)
        taste = centroids[favourites].mean(axis=0) + 0.3 * rng.standard_normal(latent_dim)
        taste /= np.linalg.norm(taste)
        logits = log_popularity + affinity * latent_dim**0.5 * (latent @ taste)
        probability = np.exp(logits - logits.max())
        probability /= probability.sum()
        count = rng.integers(min_events, max_events + 1)
        sessions.append(rng.choice(products, size=count, p=probability).astype("int32"))

    test_users = int(users * test_fraction)
    train_sessions, test_sessions = sessions[test_users:], sessions[:test_users]
    histories, targets = [], []
    for session in train_sessions:
        for position in range(2, len(session)):
            histories.append(_history(session[:position], history_length))
            targets.append(session[position])
    popularity = np.bincount(np.concatenate(train_sessions), minlength=products)
    return RetailData(
        category_of=category_of,
        popularity=popularity.astype("float32"),
        train_history=np.stack(histories),
        train_target=np.asarray(targets, "int32"),
        test_history=np.stack([_history(s[:-1], history_length) for s in test_sessions]),
        test_target=np.asarray([s[-1] for s in test_sessions], "int32"),
    )


def _history(purchases, length):
    """The last ``length`` purchases as product id + 1, left-padded with 0."""
    recent = purchases[-length:] + 1
    return np.concatenate([np.zeros(length - len(recent), "int32"), recent]).astype("int32")


def recall_at(found_ids, targets, k):
    """Fraction of rows whose target is among the first ``k`` ids."""
    return float(np.mean(np.any(found_ids[:, :k] == targets[:, None], axis=1)))


def most_popular(data, k):
    """The baseline: the ``k`` most purchased products each user has not bought yet."""
    ranked = np.argsort(-data.popularity, kind="stable")
    found = np.empty((len(data.test_history), k), "int32")
    for row, history in enumerate(data.test_history):
        seen = set((history[history != PAD] - 1).tolist())
        found[row] = [p for p in ranked[: k + len(seen)] if p not in seen][:k]
    return found
