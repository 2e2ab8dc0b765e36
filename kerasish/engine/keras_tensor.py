"""`KerasTensor`: the symbolic tensor of the functional API (shape with None dims, dtype, history)."""

import jax

from kerasish.engine.variables import standardize_dtype


class KerasTensor:
    """A placeholder for a tensor of known shape and dtype, produced by `keras.Input` and by
    calling layers or ops on other KerasTensors. It records the operation that made it
    (``_keras_history``), which is how a `Model(inputs, outputs)` finds its graph.

    Example:
    >>> x = kerasish.Input((3,))
    >>> (x + 1).shape
    (None, 3)
    """

    def __init__(
        self, shape, dtype="float32", sparse=False, ragged=False, record_history=True, name=None
    ):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.name = name
        self._keras_history = None
        self._keras_mask = None

    @property
    def ndim(self):
        return len(self.shape)

    def reshape(self, new_shape):
        from kerasish import ops

        return ops.reshape(self, new_shape)

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __iter__(self):
        raise NotImplementedError("Iterating over a symbolic KerasTensor is not supported.")

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a boolean.")

    def __array__(self, *args, **kwargs):
        raise ValueError(
            "A KerasTensor is symbolic: it's a placeholder for a shape and a dtype. It doesn't "
            "have any actual numerical value. You cannot convert it to a NumPy array."
        )

    def __jax_array__(self):
        raise ValueError(
            "A KerasTensor cannot be used as input to a JAX function. A KerasTensor is a "
            "symbolic placeholder for a shape and dtype, used when constructing Keras "
            "Functional models or Keras Functions. You can only use it as input to a Keras "
            "layer or a Keras operation (from the namespaces `keras.layers` and `keras.ops`)."
        )

    __hash__ = object.__hash__


def _forward(op_name, reflected=False):
    def method(self, *args):
        from kerasish import ops

        function = getattr(ops, op_name)
        return function(args[0], self) if reflected else function(self, *args)

    return method


for _dunder, _op in {
    "add": "add",
    "sub": "subtract",
    "mul": "multiply",
    "truediv": "true_divide",
    "floordiv": "floor_divide",
    "mod": "mod",
    "pow": "power",
    "matmul": "matmul",
    "and": "logical_and",
    "or": "logical_or",
    "xor": "logical_xor",
}.items():
    setattr(KerasTensor, f"__{_dunder}__", _forward(_op))
    setattr(KerasTensor, f"__r{_dunder}__", _forward(_op, reflected=True))
for _dunder, _op in {
    "lt": "less",
    "le": "less_equal",
    "gt": "greater",
    "ge": "greater_equal",
    "eq": "equal",
    "ne": "not_equal",
    "getitem": "get_item",
}.items():
    setattr(KerasTensor, f"__{_dunder}__", _forward(_op))
for _dunder, _op in {
    "neg": "negative",
    "pos": "positive",
    "abs": "absolute",
    "invert": "logical_not",
}.items():
    setattr(KerasTensor, f"__{_dunder}__", _forward(_op))


def is_keras_tensor(x):
    return isinstance(x, KerasTensor)


def any_symbolic(structure):
    return any(
        isinstance(leaf, KerasTensor)
        for leaf in jax.tree.leaves(structure, is_leaf=is_keras_tensor)
    )
