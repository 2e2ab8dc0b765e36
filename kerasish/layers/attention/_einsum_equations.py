"""The einsum equations `MultiHeadAttention` builds: its projections, and the scores and
combination over any set of attention axes. Axes are named by consecutive letters."""

import string

_LETTERS = string.ascii_lowercase


def projection_equation(free_dims, bound_dims, output_dims):
    """``(equation, bias_axes, output_rank)``: the first ``free_dims`` axes are kept, the next
    ``bound_dims`` contracted with the kernel, and ``output_dims`` new axes produced."""
    free = _LETTERS[:free_dims]
    bound = _LETTERS[free_dims : free_dims + bound_dims]
    output = _LETTERS[free_dims + bound_dims : free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{output}->{free}{output}", output, free_dims + output_dims


def partial_shape(output_rank, known_last_dims):
    return [None] * (output_rank - len(known_last_dims)) + list(known_last_dims)


def attention_equations(rank, attention_axes):
    """The einsum equations of the scores (``key, query -> scores``) and of the combination
    (``scores, value -> output``) for projected tensors of ``rank`` attending over
    ``attention_axes``; also the scores' rank.

    Scores are laid out as ``(<batch axes>, heads, <query attention axes>, <key attention
    axes>)``, where the batch axes are all axes but the attention axes and the last one.
    """
    target = _LETTERS[:rank]
    batch_axes = [i for i in range(rank) if i not in attention_axes and i != rank - 1]
    source, next_letter = "", rank
    for i in range(rank):
        if i in batch_axes or i == rank - 1:
            source += target[i]
        else:
            source += _LETTERS[next_letter]
            next_letter += 1
    product = (
        "".join(target[i] for i in batch_axes)
        + "".join(target[i] for i in attention_axes)
        + "".join(source[i] for i in attention_axes)
    )
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


def split_equation(equation):
    inputs, output = equation.split("->")
    first, second = inputs.split(",")
    return first, second, output
