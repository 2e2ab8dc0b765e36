"""In-batch sampled softmax for two-tower retrieval models (a kerasish extension)."""

import jax
import jax.numpy as jnp


def in_batch_softmax(
    query_embeddings,
    candidate_embeddings,
    candidate_sampling_probability=None,
    candidate_ids=None,
    temperature=1.0,
):
    """Per-query loss of a softmax over the batch's candidates, row ``i``'s the positive.

    Every other candidate in the batch is a negative. Popular items are sampled as negatives
    more often than uniform sampling would; ``candidate_sampling_probability`` (each row's
    candidate's probability of appearing in a batch) applies the log-q correction
    ``logit - log(q)`` that removes that bias. With ``candidate_ids``, other rows holding the
    same candidate as the positive ("accidental hits") are left out of the softmax.

    Example:
    >>> losses = kerasish.losses.in_batch_softmax(jnp.eye(2), jnp.eye(2))
    >>> round(float(losses[0]), 4)  # log(1 + e**-1)
    0.3133

    Arguments:
        query_embeddings: ``(batch, dim)``.
        candidate_embeddings: ``(batch, dim)``, row ``i`` the positive for query ``i``.
        candidate_sampling_probability: optional ``(batch,)`` probabilities ``q``.
        candidate_ids: optional ``(batch,)`` integer ids.
        temperature: logits are divided by it.

    Returns:
        ``(batch,)`` losses; average them (with sample weights) for the training loss.
    """
    logits = jnp.matmul(query_embeddings, candidate_embeddings.T) / temperature
    if candidate_sampling_probability is not None:
        q = jnp.asarray(candidate_sampling_probability, logits.dtype)
        logits = logits - jnp.log(jnp.clip(q, 1e-12, 1.0))[None, :]
    batch = logits.shape[0]
    diagonal = jnp.eye(batch, dtype=bool)
    if candidate_ids is not None:
        ids = jnp.asarray(candidate_ids)
        accidental = (ids[:, None] == ids[None, :]) & ~diagonal
        logits = jnp.where(accidental, jnp.finfo(logits.dtype).min, logits)
    positives = jnp.sum(jnp.where(diagonal, logits, 0.0), axis=-1)
    return jax.nn.logsumexp(logits, axis=-1) - positives
