"""`Functional`: a model defined as a graph from `keras.Input` tensors to output tensors."""

import inspect

import jax
import jax.numpy as jnp

from kerasish.engine.host_stage import HostStage
from kerasish.engine.input_layer import Input, InputLayer
from kerasish.engine.keras_tensor import KerasTensor, is_keras_tensor
from kerasish.engine.layer import Layer
from kerasish.engine.masking import set_keras_mask
from kerasish.engine.model import Model
from kerasish.engine.node import flatten_keras_tensors
from kerasish.engine.operation import FunctionOperation
from kerasish.saving import serialization


def _structure_map(function, structure):
    return jax.tree.map(function, structure, is_leaf=is_keras_tensor)


# Keras writes this class (it has no public name) as module "keras.src.models.functional".
@serialization.keras_export("keras.src.models.functional")
class Functional(Model):
    """A model whose ``call`` runs the graph between ``inputs`` and ``outputs``.

    Built by ``keras.Model(inputs, outputs)``; inputs and outputs may be a tensor, a list or
    a dict of tensors.

    Example:
    >>> x = kerasish.Input((4,))
    >>> y = kerasish.layers.Dense(2)(x)
    >>> model = kerasish.Model(x, y)
    """

    jit_call = True

    def __init__(self, inputs, outputs, name=None, **kwargs):
        trainable = kwargs.pop("trainable", True)
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments passed to Model: {kwargs}")
        Layer.__init__(self, name=name, trainable=trainable)
        self._init_trainer()
        self._inputs_struct = _normalize_structure(inputs)
        self._outputs_struct = _normalize_structure(outputs)
        self._inputs = flatten_keras_tensors(self._inputs_struct)
        self._outputs = flatten_keras_tensors(self._outputs_struct)
        for tensor in self._inputs + self._outputs:
            if not isinstance(tensor, KerasTensor) or tensor._keras_history is None:
                raise ValueError(
                    "All `inputs` and `outputs` of a functional model must be KerasTensors "
                    f"created from `keras.Input` or layers called on them. Received: {tensor}"
                )
        self._map_graph()
        self.built = True
        self._build_shapes = {"input_shape": _structure_map(lambda t: t.shape, self._inputs_struct)}

    # -- graph -------------------------------------------------------------------------
    def _map_graph(self):
        """Orders the graph's nodes by depth exactly as Keras does (it fixes ``layers`` order)."""
        finished, in_progress, ordered, operation_index = set(), set(), [], {}
        input_ids = {id(t) for t in self._inputs}

        def visit(tensor):
            operation, node_index, _ = tensor._keras_history
            node = operation._inbound_nodes[node_index]
            if id(node) in finished:
                return
            if id(node) in in_progress:
                raise ValueError(
                    f"Tensor {tensor} from operation '{operation.name}' is part of a cycle."
                )
            operation_index.setdefault(id(operation), (len(operation_index), operation))
            in_progress.add(id(node))
            if not node.is_input and id(tensor) not in input_ids:
                for parent_tensor in node.input_tensors:
                    visit(parent_tensor)
            finished.add(id(node))
            in_progress.discard(id(node))
            ordered.append(node)

        for tensor in self._outputs:
            visit(tensor)

        node_depth, operation_depth = {}, {}
        for node in reversed(ordered):
            depth = max(
                node_depth.setdefault(id(node), 0), operation_depth.get(id(node.operation), 0)
            )
            operation_depth[id(node.operation)] = depth
            node_depth[id(node)] = depth
            for parent in node.parent_nodes:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
        for tensor in self._inputs:
            operation = tensor._keras_history.operation
            if id(operation) not in operation_index:
                operation_index[id(operation)] = (-1, operation)
                operation_depth[id(operation)] = 0
                node = operation._inbound_nodes[tensor._keras_history.node_index]
                node_depth[id(node)] = 0
                ordered.append(node)

        self._nodes_by_depth = {}
        for node in ordered:
            self._nodes_by_depth.setdefault(node_depth[id(node)], []).append(node)
        self._node_ids = {id(node) for node in ordered}
        depths = sorted({operation_depth[key] for key in operation_depth}, reverse=True)
        operations = []
        for depth in depths:
            at_depth = [
                op for key, (_, op) in operation_index.items() if operation_depth[key] == depth
            ]
            at_depth.sort(key=lambda op: operation_index[id(op)][0])
            operations.extend(at_depth)
        self._operations = operations
        names = [op.name for op in operations if isinstance(op, Layer)]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(
                f'The name "{duplicates[0]}" is used {names.count(duplicates[0])} times in the '
                "model. All operation names should be unique."
            )

    @property
    def _layers(self):
        return [op for op in self._operations if isinstance(op, Layer)]

    @property
    def layers(self):
        return self._layers

    @property
    def inputs(self):
        return self._inputs

    @property
    def outputs(self):
        return self._outputs

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_shape(self):
        """As Keras: the shapes of `inputs` (a flat list; the shape itself for one input)."""
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        """As Keras: the shapes of `outputs` (a flat list; the shape itself for one output)."""
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    # -- running -----------------------------------------------------------------------
    def build(self, input_shape=None):
        self.built = True

    @property
    def _host_stage(self):
        """The host layers at the graph's edges (see `kerasish.engine.host_stage`), or None."""
        return self._cached("host_stage", lambda: HostStage.build(self))

    def call(self, inputs, training=None, mask=None):
        if self._host_stage is not None and self._host_stage.takes(inputs):
            return self._host_stage.call(inputs)
        flat_inputs = self._standardize_inputs(inputs)
        if mask is not None:
            for value, one_mask in zip(flat_inputs, _flatten_like(mask, len(flat_inputs))):
                if one_mask is not None:
                    set_keras_mask(value, one_mask)
        return self._run_through_graph(flat_inputs)

    def _run_through_graph(self, flat_inputs):
        values = self._run_nodes({id(t): x for t, x in zip(self._inputs, flat_inputs)})
        return _structure_map(lambda t: values[id(t)], self._outputs_struct)

    def _run_nodes(self, values, skip=()):
        """Runs every node (but those whose id is in ``skip``) whose inputs are in ``values``
        (tensor id -> value) and whose outputs are not; returns ``values`` completed."""
        for depth in sorted(self._nodes_by_depth, reverse=True):
            for node in self._nodes_by_depth[depth]:
                if node.is_input or id(node) in skip or any(id(t) in values for t in node.outputs):
                    continue
                if not all(id(t) in values for t in node.input_tensors):
                    continue
                args, kwargs = _structure_map(
                    lambda x: values[id(x)] if isinstance(x, KerasTensor) else x, node.arguments
                )
                outputs = node.operation(*args, **kwargs)
                for tensor, value in zip(node.outputs, jax.tree.leaves(outputs)):
                    values[id(tensor)] = value
        return values

    def _standardize_inputs(self, inputs, adjust=None):
        if isinstance(inputs, dict):
            by_key = isinstance(self._inputs_struct, dict)
            expected = list(self._inputs_struct) if by_key else [t.name for t in self._inputs]
            missing = [k for k in expected if k not in inputs]
            if missing:
                raise ValueError(
                    f"Missing data for input {missing[0]!r}. You passed a data dictionary with "
                    f"keys {list(inputs)}. Expected the following keys: {expected}"
                )
            if by_key:
                flat = jax.tree.leaves({k: inputs[k] for k in expected}, is_leaf=_is_input_leaf)
            else:
                flat = [inputs[k] for k in expected]
        else:
            flat = jax.tree.leaves(inputs, is_leaf=_is_input_leaf)
        if len(flat) != len(self._inputs):
            raise ValueError(
                f'Layer "{self.name}" expects {len(self._inputs)} input(s), but it received '
                f"{len(flat)} input tensors."
            )
        flat = [(adjust or _adjust_input)(x, spec) for x, spec in zip(flat, self._inputs)]
        for index, (x, spec) in enumerate(zip(flat, self._inputs)):
            if x is not None and not _shape_compatible(tuple(x.shape), spec.shape):
                raise ValueError(
                    f"Input {index} with name '{spec.name}' of layer '{self.name}' is "
                    f"incompatible with the layer: expected shape={spec.shape}, found "
                    f"shape={tuple(x.shape)}"
                )
        return flat

    def compute_output_spec(self, inputs, training=None, mask=None):
        flat = self._standardize_inputs(inputs) if not isinstance(inputs, KerasTensor) else [inputs]
        if all(isinstance(x, KerasTensor) for x in flat) and all(
            x.shape[1:] == t.shape[1:] for x, t in zip(flat, self._inputs)
        ):
            return _structure_map(lambda t: KerasTensor(t.shape, t.dtype), self._outputs_struct)
        return super().compute_output_spec(inputs, training=training, mask=mask)

    # -- config ------------------------------------------------------------------------
    def get_config(self):
        """Keras's functional config: layers with their inbound nodes, input and output refs."""
        node_index_of = {}
        layer_configs = []
        for operation in self._operations:
            kept = [n for n in operation._inbound_nodes if id(n) in self._node_ids]
            for new_index, node in enumerate(kept):
                node_index_of[id(node)] = new_index
        for operation in self._operations:
            if isinstance(operation, FunctionOperation):
                config = operation.serialize()
            else:
                config = serialization.serialize_keras_object(operation)
            config["name"] = operation.name
            config["inbound_nodes"] = [
                _serialize_node(node, node_index_of)
                for node in operation._inbound_nodes
                if id(node) in self._node_ids and not node.is_input
            ]
            layer_configs.append(config)

        def reference(tensor):
            operation, node_index, tensor_index = tensor._keras_history
            node = operation._inbound_nodes[node_index]
            return [operation.name, node_index_of.get(id(node), node_index), tensor_index]

        config = {
            "name": self.name,
            "trainable": self.trainable,
            "layers": layer_configs,
            "input_layers": _structure_map(reference, self._inputs_struct),
            "output_layers": _structure_map(reference, self._outputs_struct),
        }
        if (
            isinstance(config["input_layers"], list)
            and len(self._inputs) == 1
            and not isinstance(self._inputs_struct, (list, tuple))
        ):
            config["input_layers"] = reference(self._inputs[0])
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=True):
        return functional_from_config(cls, config, custom_objects, safe_mode)


def _normalize_structure(structure):
    if isinstance(structure, tuple):
        return list(structure)
    if (
        isinstance(structure, list)
        and len(structure) == 1
        and isinstance(structure[0], KerasTensor)
    ):
        return structure
    return structure


def _flatten_like(structure, count):
    flat = jax.tree.leaves(structure, is_leaf=lambda x: x is None)
    return flat if len(flat) == count else [None] * count


def _shape_compatible(shape, expected):
    return len(shape) == len(expected) and all(e is None or e == d for d, e in zip(shape, expected))


def _is_input_leaf(x):
    return x is None or hasattr(x, "shape")


def _adjust_input(x, spec):
    """Casts to the input's dtype and fixes a rank that is off by a trailing 1, as Keras does."""
    if isinstance(x, KerasTensor) or x is None:
        return x
    x = jnp.asarray(x.value if hasattr(x, "assign") else x, dtype=spec.dtype)
    if len(x.shape) == len(spec.shape) - 1 and spec.shape[-1] == 1:
        x = jnp.expand_dims(x, -1)
    elif len(x.shape) == len(spec.shape) + 1 and x.shape[-1] == 1:
        x = jnp.squeeze(x, -1)
    return x


def _serialize_node(node, node_index_of):
    def serialize(value):
        if isinstance(value, KerasTensor):
            operation, node_index, tensor_index = value._keras_history
            source = operation._inbound_nodes[node_index]
            return {
                "class_name": "__keras_tensor__",
                "config": {
                    "shape": list(value.shape),
                    "dtype": value.dtype,
                    "keras_history": [
                        operation.name,
                        node_index_of.get(id(source), node_index),
                        tensor_index,
                    ],
                },
            }
        return serialization.serialize_keras_object(value)

    args, kwargs = node.arguments
    if isinstance(node.operation, FunctionOperation):
        args, kwargs = node.operation.split_arguments(args, kwargs)
    return {
        "args": jax.tree.map(
            serialize, list(args), is_leaf=lambda x: isinstance(x, KerasTensor) or x is None
        ),
        "kwargs": jax.tree.map(
            serialize, dict(kwargs), is_leaf=lambda x: isinstance(x, KerasTensor) or x is None
        ),
    }


def functional_from_config(cls, config, custom_objects=None, safe_mode=True):
    """Rebuilds layers from their configs, then replays their inbound nodes in dependency order."""
    created = {}
    pending = []
    for layer_config in config["layers"]:
        name = layer_config["name"]
        if layer_config.get("class_name") == "InputLayer" or _is_layer_config(
            layer_config, custom_objects
        ):
            layer = serialization.deserialize_keras_object(
                {k: v for k, v in layer_config.items() if k not in ("name", "inbound_nodes")},
                custom_objects=custom_objects,
                safe_mode=safe_mode,
            )
        else:
            layer = FunctionOperation.deserialize(layer_config)
        created[name] = layer
        for node_data in layer_config.get("inbound_nodes", []):
            pending.append((layer, node_data))

    def resolve(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            name, node_index, tensor_index = value["config"]["keras_history"]
            operation = created[name]
            if node_index >= len(operation._inbound_nodes):
                raise LookupError(name)
            return operation._inbound_nodes[node_index].outputs[tensor_index]
        if isinstance(value, (list, tuple)):  # tuples: an in-memory `get_config()`
            return type(value)(resolve(v) for v in value)
        if isinstance(value, dict) and "class_name" not in value:
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, dict):
            return serialization.deserialize_keras_object(value, custom_objects, safe_mode)
        return value

    while pending:
        progressed = False
        remaining = []
        for layer, node_data in pending:
            try:
                args = resolve(node_data.get("args", []))
                kwargs = resolve(node_data.get("kwargs", {}))
            except LookupError:
                remaining.append((layer, node_data))
                continue
            layer(*args, **kwargs)
            progressed = True
        if not progressed:
            raise ValueError(
                "Could not rebuild the functional graph: some nodes have missing inputs."
            )
        pending = remaining

    def tensor_of(reference):
        name, node_index, tensor_index = reference
        return created[name]._inbound_nodes[node_index].outputs[tensor_index]

    def rebuild(references):
        if isinstance(references, dict):
            return {k: rebuild(v) for k, v in references.items()}
        if isinstance(references, (list, tuple)) and references and isinstance(references[0], str):
            return tensor_of(references)
        return [rebuild(r) for r in references]

    inputs = rebuild(config["input_layers"])
    outputs = rebuild(config["output_layers"])
    return cls(
        inputs=inputs,
        outputs=outputs,
        name=config.get("name"),
        trainable=config.get("trainable", True),
    )


def _is_layer_config(layer_config, custom_objects):
    try:
        found = serialization.resolve_class(layer_config, custom_objects)
    except TypeError:
        return False
    return inspect.isclass(found) and issubclass(found, Layer)


__all__ = ["Functional", "Input", "InputLayer"]
