"""What `MultiHeadAttention` and `GroupQueryAttention` share: the masks they merge into one
attention mask, and the fused dot-product kernel they use when no scores are needed.

Masks are boolean, True where a query position may attend to a key position, and shaped
``(batch, query_length, key_length)`` (or ``(1, T, S)`` for the causal and window masks)
until a layer expands them to its scores' rank.
"""

import contextlib

import jax
import jax.numpy as jnp

from kerasish.engine.masking import get_keras_mask, set_keras_mask


def validate_sliding_window(sliding_window):
    if sliding_window is not None and (not isinstance(sliding_window, int) or sliding_window <= 0):
        raise ValueError(
            "`sliding_window` must be `None` or a positive integer. "
            f"Received: sliding_window={sliding_window}"
        )


@contextlib.contextmanager
def masks_hidden(*tensors):
    """Detaches the tensors' Keras masks while the projections run (the layer consumes them
    itself; EinsumDense would warn), then gives them back to the caller's tensors."""
    masks = [(tensor, get_keras_mask(tensor)) for tensor in tensors]
    for tensor, _ in masks:
        set_keras_mask(tensor, None)
    try:
        yield
    finally:
        for tensor, mask in masks:
            if mask is not None:
                set_keras_mask(tensor, mask)


def causal_mask(query_length, key_length):
    """``(1, T, S)``: position ``i`` attends to positions ``j <= i``."""
    rows = jnp.arange(query_length)[:, None]
    columns = jnp.arange(key_length)[None, :]
    return (rows >= columns)[None]


def sliding_window_mask(query_length, key_length, window):
    """``(1, T, S)``: position ``i`` attends to positions less than ``window`` away."""
    rows = jnp.arange(query_length, dtype="int32")[:, None]
    columns = jnp.arange(key_length, dtype="int32")[None, :]
    return (jnp.abs(rows - columns) < window)[None]


def merge_attention_masks(
    query_length,
    key_length,
    query_mask=None,
    value_mask=None,
    key_mask=None,
    attention_mask=None,
    use_causal_mask=False,
    sliding_window=None,
):
    """The AND of every mask given (None when there is none), as Keras merges them.

    Padding masks ``(B, T)`` / ``(B, S)`` become ``(B, T, 1)`` / ``(B, 1, S)``.
    """
    masks = []
    if query_mask is not None:
        masks.append(jnp.asarray(query_mask, bool)[..., :, None])
    for padding_mask in (value_mask, key_mask):
        if padding_mask is not None:
            masks.append(jnp.asarray(padding_mask, bool)[..., None, :])
    if use_causal_mask:
        masks.append(causal_mask(query_length, key_length))
    if sliding_window is not None:
        masks.append(sliding_window_mask(query_length, key_length, sliding_window))
    if attention_mask is not None:
        masks.append(jnp.asarray(attention_mask, bool))
    if not masks:
        return None
    merged = masks[0]
    for mask in masks[1:]:
        merged = merged & mask
    return merged


def expand_to_rank(mask, rank, num_attention_axes):
    """Inserts the axes a ``mask`` lacks (heads, then batch) before its attention axes."""
    axis = -2 * num_attention_axes - 1
    for _ in range(rank - mask.ndim):
        mask = jnp.expand_dims(mask, axis)
    return mask


def fused_attention(query, key, value, mask, scale, is_causal, flash_attention):
    """`jax.nn.dot_product_attention` over ``(B, T, N, H)`` tensors.

    ``flash_attention=True`` asks for cuDNN's fused kernel (NVIDIA GPUs only; JAX raises
    elsewhere); otherwise the XLA implementation runs, as under Keras on CPU.
    """
    if mask is not None:
        mask = expand_to_rank(mask, 4, 1).astype(bool)
    if value.shape[-1] != key.shape[-1]:
        return _unequal_head_sizes_attention(query, key, value, mask, scale, is_causal)
    return jax.nn.dot_product_attention(
        query,
        key,
        value,
        mask=mask,
        scale=scale,
        is_causal=is_causal,
        implementation="cudnn" if flash_attention else "xla",
    )


def _unequal_head_sizes_attention(query, key, value, mask, scale, is_causal):
    """The XLA kernel's computation for a value head size that differs from the key's, which
    `jax.nn.dot_product_attention` rejects (Keras falls back to the same steps): float32
    logits, masked positions at ``-0.7 * finfo.max``, softmax in float32."""
    logits_dtype = jnp.promote_types(query.dtype, jnp.float32)
    logits = jnp.einsum("BTNH,BSNH->BNTS", query, key, preferred_element_type=logits_dtype)
    logits = logits * jnp.asarray(scale, logits.dtype)
    if is_causal:
        causal = causal_mask(logits.shape[-2], logits.shape[-1])[None]
        mask = causal if mask is None else mask & causal
    if mask is not None:
        lowest = jnp.asarray(-0.7 * jnp.finfo(logits.dtype).max, logits.dtype)
        logits = jnp.where(mask, logits, lowest)
    probabilities = jax.nn.softmax(logits.astype(jnp.float32), axis=-1).astype(key.dtype)
    return jnp.einsum("BNTS,BSNH->BTNH", probabilities, value)


def check_flash_attention_arguments(flash_attention, dropout):
    if flash_attention and dropout > 0.0:
        raise ValueError(
            "Dropout is not supported when flash attention is enabled. "
            "Please set dropout to 0.0 to use flash attention."
        )


def check_scores_available(flash_attention):
    if flash_attention:
        raise ValueError(
            "Returning attention scores is not supported when flash attention is enabled. "
            "Please disable flash attention to access attention scores."
        )
