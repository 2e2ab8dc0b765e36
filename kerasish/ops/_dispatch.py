"""The one decorator every public op goes through.

Concrete inputs run the JAX function directly (variables are read as arrays first); if
any input is a symbolic `KerasTensor`, the call becomes a node of the functional graph
instead, exactly as calling a layer on symbolic inputs does.
"""

import functools

import jax

from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.variables import Variable


def _is_special(value):
    return isinstance(value, (KerasTensor, Variable))


def keras_op(function):
    """Makes ``function`` (arrays in, arrays out) accept variables and symbolic tensors."""

    @functools.wraps(function)
    def op(*args, **kwargs):
        leaves = jax.tree.leaves((args, kwargs), is_leaf=_is_special)
        if any(isinstance(leaf, KerasTensor) for leaf in leaves):
            from kerasish.engine.operation import symbolic_call

            return symbolic_call(op, args, kwargs)
        if any(isinstance(leaf, Variable) for leaf in leaves):
            args, kwargs = jax.tree.map(
                lambda x: x.value if isinstance(x, Variable) else x,
                (args, kwargs),
                is_leaf=_is_special,
            )
        return function(*args, **kwargs)

    op.__wrapped_op__ = function
    return op
