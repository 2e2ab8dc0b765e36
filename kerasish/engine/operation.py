"""`Operation`: anything callable on symbolic tensors -- layers, and the functions of `ops`.

Output shapes come from `jax.eval_shape` of the operation's own code, run twice with
different sizes for unknown (None) dims so that a dim that follows them is reported as None.
"""

import jax

from kerasish.engine import auto_config, naming
from kerasish.engine.keras_tensor import KerasTensor, any_symbolic, is_keras_tensor
from kerasish.engine.masking import get_keras_mask, set_keras_mask
from kerasish.engine.node import Node
from kerasish.engine.scope import SymbolicScope

_PROBE_SIZES = (83, 89)


class Operation:
    def __new__(cls, *args, **kwargs):
        instance = super().__new__(cls)
        # What `get_config` returns when a subclass does not write one (Keras 3's behaviour).
        config, positional = auto_config.record(cls, args, kwargs)
        object.__setattr__(instance, "_auto_config", config)
        object.__setattr__(instance, "_auto_config_positional", positional)
        return instance

    def __init__(self, name=None):
        if name is None:
            name = naming.auto_name(type(self).__name__)
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name} (of type {type(name)})"
            )
        self.name = name
        self._inbound_nodes = []
        self._outbound_nodes = []

    def __call__(self, *args, **kwargs):
        if any_symbolic((args, kwargs)):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def symbolic_call(self, *args, **kwargs):
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, args, kwargs, outputs)
        return outputs

    def call(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} does not implement `call()`.")

    def compute_output_spec(self, *args, **kwargs):
        return infer_output_spec(self.call, args, kwargs)


class FunctionOperation(Operation):
    """A `keras.ops` function applied to symbolic tensors (one graph node per call).

    It serializes as Keras serializes its op classes: keyword arguments that hold no
    tensor go into the config (``{"name": "concatenate", "axis": -1}``), the rest stay in
    the node.
    """

    def __init__(self, function, name=None, static_kwargs=None):
        self.function = function
        self.static_kwargs = dict(static_kwargs or {})
        super().__init__(name=name or naming.auto_name(function.__name__))

    def call(self, *args, **kwargs):
        return self.function(*args, **{**self.static_kwargs, **kwargs})

    def split_arguments(self, args, kwargs):
        """The node's arguments as serialized: positional ones, and keyword ones holding tensors."""
        return args, {k: v for k, v in kwargs.items() if any_symbolic(v)}

    def serialize(self):
        static = dict(self.static_kwargs)
        if self._inbound_nodes:
            keywords = self._inbound_nodes[0].arguments[1]
            static.update({k: v for k, v in keywords.items() if not any_symbolic(v)})
        class_name = naming.to_camel_case(self.function.__name__)
        return {
            "module": self.function.__module__.replace("kerasish.ops", "keras.src.ops"),
            "class_name": class_name,
            "config": {"name": self.name, **static},
            "registered_name": class_name,
        }

    @classmethod
    def deserialize(cls, config):
        from kerasish import ops

        class_name = config.get("class_name")
        functions = {
            naming.to_camel_case(n): getattr(ops, n) for n in dir(ops) if not n.startswith("_")
        }
        if class_name not in functions:
            raise TypeError(f"Could not locate operation '{class_name}' in `keras.ops`.")
        static = dict(config.get("config", {}))
        name = static.pop("name", None)
        return cls(functions[class_name], name=name, static_kwargs=static)


def symbolic_call(function, args, kwargs):
    return FunctionOperation(function).symbolic_call(*args, **kwargs)


def infer_output_spec(function, args, kwargs, propagate_masks=False):
    """The `KerasTensor` structure ``function(*args, **kwargs)`` returns, given symbolic args.

    With ``propagate_masks``, input masks (``_keras_mask``) are attached to the traced inputs
    and the result is ``(outputs, output_masks)``.
    """
    flat, treedef = jax.tree.flatten((args, kwargs), is_leaf=is_keras_tensor)
    positions = [i for i, leaf in enumerate(flat) if isinstance(leaf, KerasTensor)]
    masks = [flat[i]._keras_mask if propagate_masks else None for i in positions]
    has_unknown = any(None in flat[i].shape for i in positions) or any(
        m is not None and None in m.shape for m in masks
    )

    def probe(size):
        def run(arrays, mask_arrays):
            leaves = list(flat)
            for position, array, mask in zip(positions, arrays, mask_arrays):
                if mask is not None:
                    set_keras_mask(array, mask)
                leaves[position] = array
            call_args, call_kwargs = jax.tree.unflatten(treedef, leaves)
            outputs = function(*call_args, **call_kwargs)
            if not propagate_masks:
                return outputs
            return outputs, jax.tree.map(get_keras_mask, outputs)

        def spec(tensor):
            if tensor is None:
                return None
            if tensor.dtype == "string":
                raise TypeError(
                    f"{tensor} holds strings, which are not JAX arrays: only host layers "
                    "(StringLookup, IntegerLookup, TextVectorization) take them and map them to "
                    "indices (see `kerasish.engine.host_stage`)."
                )
            return jax.ShapeDtypeStruct(
                tuple(size if d is None else d for d in tensor.shape), tensor.dtype
            )

        with SymbolicScope():
            return jax.eval_shape(run, [spec(flat[i]) for i in positions], [spec(m) for m in masks])

    first = probe(_PROBE_SIZES[0])
    second = probe(_PROBE_SIZES[1]) if has_unknown else first
    return jax.tree.map(_merge_probes, first, second)


def _merge_probes(first, second):
    if not hasattr(first, "shape"):
        return first
    shape = tuple(a if a == b else None for a, b in zip(first.shape, second.shape))
    return KerasTensor(shape, dtype=first.dtype)
