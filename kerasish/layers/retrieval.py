"""`BruteForceRetrieval`: top-k candidates for query embeddings, the catalog held as state."""

import jax
import jax.numpy as jnp
import numpy as np

from kerasish.engine.layer import Layer
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class BruteForceRetrieval(Layer):
    """Scores queries against every candidate (dot product) and returns the top ``k``.

    The candidate embeddings and ids are non-trainable weights, so they are saved in `.keras`
    files and checkpoints and exported with the model (keras-rs's layer of the same name drops
    them on save). ``approximate=True`` uses `jax.lax.approx_max_k` (TPU-friendly, with
    ``recall_target``) instead of the exact `jax.lax.top_k`.

    Example:
    >>> layer = kerasish.layers.BruteForceRetrieval(k=2)
    >>> layer.update_candidates(jnp.eye(3), candidate_ids=jnp.array([10, 20, 30]))
    >>> scores, ids = layer(jnp.array([[0.0, 1.0, 0.5]]))
    >>> ids.tolist()
    [[20, 30]]
    >>> layer(jnp.array([[0.0, 1.0, 0.5]]), candidate_mask=jnp.array([True, False, True]))[1]
    Array([[30, 10]], dtype=int32)

    Arguments:
        k: how many candidates to return per query.
        return_scores: return ``(scores, ids)``; otherwise ids only.
        candidate_embeddings: optional ``(num_candidates, dim)`` initial catalog.
        candidate_ids: optional ``(num_candidates,)`` integer ids (default: row indices).
        approximate: use `jax.lax.approx_max_k`.
        recall_target: the recall `approx_max_k` aims at.

    Call arguments:
        inputs: ``(batch, dim)`` query embeddings.
        candidate_mask: optional boolean ``(num_candidates,)`` or ``(batch, num_candidates)``;
            False excludes a candidate (out of stock, already seen...). Excluded candidates
            come back only when fewer than ``k`` remain, with score ``-inf``.
    """

    def __init__(
        self,
        k=10,
        return_scores=True,
        candidate_embeddings=None,
        candidate_ids=None,
        approximate=False,
        recall_target=0.95,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(k, int) or k < 1:
            raise ValueError(f"`k` must be a positive integer. Received: k={k}")
        if not 0 < recall_target <= 1:
            raise ValueError(f"`recall_target` must be in (0, 1]. Received: {recall_target}")
        self.k = k
        self.return_scores = return_scores
        self.approximate = approximate
        self.recall_target = recall_target
        self.candidate_embeddings = None
        self.candidate_ids = None
        if candidate_embeddings is not None:
            self.update_candidates(candidate_embeddings, candidate_ids)
        self.built = True

    def update_candidates(self, candidate_embeddings, candidate_ids=None):
        """Replaces the catalog: ``(num_candidates, dim)`` embeddings and their integer ids."""
        embeddings = np.asarray(candidate_embeddings)
        if embeddings.ndim != 2:
            raise ValueError(
                f"Layer '{self.name}': `candidate_embeddings` must have shape "
                f"(num_candidates, dim). Received shape {embeddings.shape}."
            )
        count = embeddings.shape[0]
        ids = np.arange(count) if candidate_ids is None else np.asarray(candidate_ids)
        if ids.shape != (count,) or not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(
                f"Layer '{self.name}': `candidate_ids` must be {count} integers, one per "
                f"candidate. Received shape {ids.shape} and dtype {ids.dtype}."
            )
        if count < self.k:
            raise ValueError(
                f"Layer '{self.name}' returns k={self.k} candidates but received only {count}."
            )
        if self.candidate_embeddings is None or (
            tuple(self.candidate_embeddings.shape) != embeddings.shape
        ):
            for name in ("candidate_embeddings", "candidate_ids"):
                if getattr(self, name) is not None:
                    delattr(self, name)
            self.candidate_embeddings = self.add_weight(
                shape=embeddings.shape,
                initializer="zeros",
                trainable=False,
                name="candidate_embeddings",
            )
            self.candidate_ids = self.add_weight(
                shape=(count,),
                initializer="zeros",
                dtype="int32",
                trainable=False,
                name="candidate_ids",
            )
        self.candidate_embeddings.assign(embeddings)
        self.candidate_ids.assign(ids.astype("int32"))

    def index_from(self, candidate_model, candidates, candidate_ids=None, batch_size=1024):
        """Embeds the catalog ``candidates`` with ``candidate_model`` (in batches, inference
        mode) and makes the result the layer's candidates."""
        embeddings = candidate_model.predict(candidates, batch_size=batch_size, verbose=0)
        self.update_candidates(embeddings, candidate_ids)

    def call(self, inputs, candidate_mask=None):
        if self.candidate_embeddings is None:
            raise ValueError(
                f"Layer '{self.name}' has no candidates: call `update_candidates` (or "
                "`index_from`) before retrieving."
            )
        embeddings = self.candidate_embeddings.value
        scores = jnp.matmul(inputs, embeddings.astype(inputs.dtype).T)
        if candidate_mask is not None:
            scores = jnp.where(jnp.asarray(candidate_mask, bool), scores, -jnp.inf)
        if self.approximate:
            top_scores, indices = jax.lax.approx_max_k(
                scores, self.k, recall_target=self.recall_target
            )
        else:
            top_scores, indices = jax.lax.top_k(scores, self.k)
        top_ids = jnp.take(self.candidate_ids.value, indices)
        return (top_scores, top_ids) if self.return_scores else top_ids

    def compute_output_spec(self, inputs, candidate_mask=None):
        from kerasish.engine.keras_tensor import KerasTensor

        shape = (*inputs.shape[:-1], self.k)
        ids = KerasTensor(shape, dtype="int32")
        return (KerasTensor(shape, dtype=inputs.dtype), ids) if self.return_scores else ids

    def get_config(self):
        return {
            **super().get_config(),
            "k": self.k,
            "return_scores": self.return_scores,
            "approximate": self.approximate,
            "recall_target": self.recall_target,
        }
