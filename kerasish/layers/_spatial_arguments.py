"""The ``cropping``/``padding`` argument of the 2D and 3D cropping and zero-padding layers.

Keras accepts an int (every side), ``rank`` ints (symmetric per axis) or ``rank`` pairs
``(before, after)``; all become ``rank`` pairs. Error messages are Keras 3's.
"""

from kerasish.layers.convolution.arguments import spatial_axes, standardize_tuple

_ORDINALS = ("1st", "2nd", "3rd")


def per_axis_pairs(value, rank, name, invalid_message, negative_int_allowed):
    """``value`` as ``rank`` ``(before, after)`` pairs of non-negative ints.

    Example:
    >>> per_axis_pairs(1, 2, "padding", "bad padding", True)
    ((1, 1), (1, 1))
    >>> per_axis_pairs((1, (2, 3)), 2, "padding", "bad padding", True)
    ((1, 1), (2, 3))

    Arguments:
        value: the argument as given.
        rank: the number of spatial axes.
        name: the argument's name in error messages.
        invalid_message: the error for a value that is neither an int nor a sequence.
        negative_int_allowed: Keras's padding layers take a negative int unchecked, its
            cropping layers reject it.
    """
    if isinstance(value, int):
        if not negative_int_allowed and value < 0:
            raise ValueError(f"`{name}` cannot be negative. Received: {name}={value}.")
        return ((value, value),) * rank
    if not hasattr(value, "__len__"):
        raise ValueError(invalid_message)
    if len(value) != rank:
        if rank == 2:
            raise ValueError(f"`{name}` should have two elements. Received: {name}={value}.")
        raise ValueError(f"`{name}` should have {rank} elements. Received: {value}.")
    return tuple(
        standardize_tuple(entry, 2, f"{ordinal} entry of {name}", allow_zero=True)
        for ordinal, entry in zip(_ORDINALS, value)
    )


__all__ = ["per_axis_pairs", "spatial_axes", "standardize_tuple"]
