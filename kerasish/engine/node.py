"""`Node`: one call of an operation on symbolic tensors -- an edge set of the functional graph."""

import collections

import jax

from kerasish.engine.keras_tensor import KerasTensor, is_keras_tensor

KerasHistory = collections.namedtuple("KerasHistory", ["operation", "node_index", "tensor_index"])


def flatten_keras_tensors(structure):
    return [
        x for x in jax.tree.leaves(structure, is_leaf=is_keras_tensor) if isinstance(x, KerasTensor)
    ]


class Node:
    """Records ``outputs = operation(*call_args, **call_kwargs)`` where some arguments are
    `KerasTensor`s, and stamps each output with its history ``(operation, node_index, i)``."""

    def __init__(self, operation, call_args=(), call_kwargs=None, outputs=None):
        self.operation = operation
        self.arguments = (tuple(call_args), dict(call_kwargs or {}))
        self.input_tensors = flatten_keras_tensors(self.arguments)
        self.outputs = flatten_keras_tensors(outputs)
        for tensor in self.input_tensors:
            if tensor._keras_history is None:
                raise ValueError(
                    "All tensors in a functional graph must come from `keras.Input` or from "
                    f"calling a layer or an op on such tensors. Received: {tensor}"
                )
        operation._inbound_nodes.append(self)
        for tensor in self.input_tensors:
            tensor._keras_history.operation._outbound_nodes.append(self)
        node_index = len(operation._inbound_nodes) - 1
        for index, tensor in enumerate(self.outputs):
            tensor._keras_history = KerasHistory(operation, node_index, index)

    @property
    def is_input(self):
        return not self.input_tensors

    @property
    def parent_nodes(self):
        parents = []
        for tensor in self.input_tensors:
            operation, node_index, _ = tensor._keras_history
            node = operation._inbound_nodes[node_index]
            if node not in parents:
                parents.append(node)
        return parents

    def __repr__(self):
        return f"<Node operation={self.operation.name}, id={id(self)}>"


def get_source_inputs(tensor):
    """The graph inputs that ``tensor`` is computed from (each once, in discovery order), as
    `keras.utils.get_source_inputs`; a tensor without history is returned as it is."""
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return tensor
    operation, node_index, _ = history
    if not operation._inbound_nodes:
        return [tensor]
    node = operation._inbound_nodes[node_index]
    if node.is_input:
        return list(node.outputs)
    sources = []
    for parent in node.input_tensors:
        for source in get_source_inputs(parent):
            if all(source is not known for known in sources):
                sources.append(source)
    return sources
