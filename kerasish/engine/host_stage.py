"""Host stages: where a model's string handling runs.

Strings are not JAX arrays, so a jitted function cannot take them. A Functional or
Sequential model whose inputs feed lookup layers (`StringLookup`, `IntegerLookup`,
`TextVectorization`) is split in three parts:

- **head**: the lookup layers fed by the model's inputs (directly, or through other head
  layers). Each runs its ``host_call`` with numpy on the host: raw values in (strings, or
  int64 ids of any size), vocabulary indices out.
- **device**: every other layer, jitted as usual. It takes the head's indices, plus the model
  inputs that no head layer consumes; the head layers' ``device_call`` (their one-hot,
  multi-hot, count or TF-IDF encoding) runs here, so only integer indices cross.
- **tail**: layers whose outputs are strings (`StringLookup(invert=True)`) fed by the device
  part; they map indices back to strings on the host after the jitted call.

``model(x)``, ``predict``, ``evaluate``, ``fit`` and the ``*_on_batch`` methods take raw
inputs: each batch goes through the head on the host, then the jitted device part (traced
while `device_inputs` is active: inside it the model takes the head's outputs), and
predictions through the tail. Losses and metrics see the device part's outputs, so a model
with a tail can predict but not be trained or evaluated as it is.

``model.export(path)`` writes an artifact whose signature takes the device part's inputs
(indices, not strings) and whose ``metadata["host_stage"]`` describes the host layers (class,
config, full vocabulary) so that a caller can map strings to indices without kerasish.
Exporters and servers use `host_stage_of(model)`: its ``device_input_specs()`` are what the
device part takes, ``call_device`` runs that part (traceable, e.g. under `jax.export`),
``preprocess`` maps raw inputs to its inputs, ``postprocess`` applies the tail, and
``manifest()`` is that JSON description.

A layer takes part in a host stage by defining ``host_call(inputs)`` (numpy to numpy),
``device_call(values)`` (traceable) and ``host_output_spec(input_tensor)`` (the `KerasTensor`
that ``host_call`` returns for a symbolic input).
"""

import collections
import contextlib
import threading

import jax
import numpy as np

from kerasish.engine.keras_tensor import KerasTensor, is_keras_tensor

_active = threading.local()

_Crossing = collections.namedtuple("_Crossing", ["name", "tensor", "node", "spec"])
_Crossing.__doc__ = """A value that crosses from the host to the device part: the graph tensor
whose value it provides, the head node that computes it on the host (None for a model input
passed as it is) and its spec."""


def is_host_layer(operation):
    return all(
        callable(getattr(operation, method, None))
        for method in ("host_call", "device_call", "host_output_spec")
    )


def host_stage_of(model):
    """The model's `HostStage`, or None when no host layer sits at its inputs or outputs."""
    return getattr(model, "_host_stage", None)


@contextlib.contextmanager
def device_inputs(stage):
    """While active, the model of ``stage`` takes the inputs of its device part (a list in
    ``stage.device_input_specs()`` order) instead of its raw inputs."""
    previous = getattr(_active, "stage", None)
    _active.stage = stage
    try:
        yield
    finally:
        _active.stage = previous


def is_device_call(stage):
    """Whether ``stage``'s model currently takes the inputs of its device part (a stage
    rebuilt after a structural change stands for the same model)."""
    active = getattr(_active, "stage", None)
    return active is not None and active.functional is stage.functional


def device_data(model, data, kind):
    """A trainer batch ``(x, ...)`` with ``x`` mapped to the device part's inputs."""
    stage = host_stage_of(model)
    if stage is None:
        return data
    if stage.tail and kind in ("train", "test"):
        names = [node.operation.name for node in stage.tail]
        raise ValueError(
            f"Model '{model.name}' ends with layers that output strings ({names}); losses and "
            "metrics need numeric outputs. Train and evaluate a model without them, and add "
            "them to the model used for prediction."
        )
    return (stage.preprocess(data[0]), *data[1:])


def device_scope(model):
    """`device_inputs` for the model's stage (nothing to do for a model without one)."""
    stage = host_stage_of(model)
    return device_inputs(stage) if stage is not None else contextlib.nullcontext()


def host_outputs(model, outputs):
    """Predictions of the device part mapped through the model's tail (if any)."""
    stage = host_stage_of(model)
    return stage.postprocess(outputs) if stage is not None and stage.tail else outputs


def export_device_part(model, filepath, input_signature, platforms, verbose):
    """`Model.export` for a model with a host stage: signature ``serving_default`` takes the
    device part's inputs, and the artifact's ``metadata["host_stage"]`` is `manifest()`."""
    from kerasish.export.archive import ExportArchive

    stage = host_stage_of(model)
    if input_signature is not None:
        raise ValueError(
            f"Model '{model.name}' maps its inputs on the host before its jitted part, so its "
            f"artifact takes that part's inputs {stage.device_input_specs()}: leave "
            "`input_signature` unset."
        )
    archive = ExportArchive()
    archive.track(model)
    archive.add_endpoint(
        "serving_default",
        lambda *inputs: stage.call_device(model, inputs, training=False),
        input_signature=stage.device_input_specs(),
        output_names=None if stage.tail else model._output_names(),
    )
    archive.metadata["host_stage"] = stage.manifest()
    archive.write_out(filepath, platforms=platforms, verbose=verbose)


class HostStage:
    """The host head and tail of a functional graph, and the device part between them."""

    def __init__(self, functional, head, tail, crossings, device_outputs):
        self.functional = functional
        self.head = head
        self.tail = tail
        self.crossings = crossings
        self.device_outputs = device_outputs
        self._host_node_ids = {id(node) for node in head + tail}
        consumed_on_host = {id(t) for node in head for t in node.input_tensors}
        self._feeds_head = {id(node) for node in head if id(node.outputs[0]) in consumed_on_host}

    @classmethod
    def build(cls, functional):
        """The stage of ``functional``'s graph, or None when it needs none.

        Raises a `ValueError` naming the layer when a device layer would receive strings."""
        nodes = [
            node
            for depth in sorted(functional._nodes_by_depth, reverse=True)
            for node in functional._nodes_by_depth[depth]
            if not node.is_input
        ]
        on_host = {id(t) for t in functional._inputs}
        strings_kept_on_host = _strings_for_host_layers_only(functional, nodes)
        head = []
        for node in nodes:
            if (
                is_host_layer(node.operation)
                and len(node.input_tensors) == 1
                and id(node.input_tensors[0]) in on_host
                and (node.outputs[0].dtype != "string" or id(node) in strings_kept_on_host)
            ):
                head.append(node)
                on_host.update(id(t) for t in node.outputs)
        head_ids = {id(node) for node in head}
        tail = [
            node
            for node in nodes
            if id(node) not in head_ids
            and is_host_layer(node.operation)
            and any(t.dtype == "string" for t in node.outputs)
        ]
        host_ids = head_ids | {id(node) for node in tail}
        device_nodes = [node for node in nodes if id(node) not in host_ids]
        _check_no_strings_on_device(functional, device_nodes)
        if not head and not tail:
            return None
        _check_tail_feeds_outputs(functional, nodes, tail)
        crossings = _crossings(functional, head, device_nodes + tail)
        tail_outputs = {id(t) for node in tail for t in node.outputs}
        device_outputs = _unique(
            [t for t in functional._outputs if id(t) not in tail_outputs]
            + [t for node in tail for t in node.input_tensors if id(t) not in tail_outputs]
        )
        return cls(functional, head, tail, crossings, device_outputs)

    # -- the three parts -----------------------------------------------------------------
    def preprocess(self, inputs):
        """Raw model inputs -> the device part's inputs (numpy arrays, crossing order)."""
        flat = self.functional._standardize_inputs(inputs, adjust=_host_adjust)
        values = {id(t): x for t, x in zip(self.functional._inputs, flat)}
        computed = {}
        for node in self.head:
            layer = node.operation
            result = layer.host_call(values[id(node.input_tensors[0])])
            computed[id(node.outputs[0])] = result
            if id(node) in self._feeds_head:
                values[id(node.outputs[0])] = np.asarray(layer.device_call(result))
        device_values = []
        for crossing in self.crossings:
            source = computed if crossing.node is not None else values
            value = np.asarray(source[id(crossing.tensor)])
            if crossing.node is not None and crossing.spec.dtype != "string":
                value = value.astype(crossing.spec.dtype)
            device_values.append(value)
        return device_values

    def run_device(self, values):
        """The device part on its inputs (traceable): the model's outputs, or, when the model
        has a tail, the list of tensors the tail needs (`device_outputs` order)."""
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        if len(values) != len(self.crossings):
            raise ValueError(
                f"The device part of model '{self.functional.name}' takes "
                f"{len(self.crossings)} input(s) {[c.name for c in self.crossings]}; received "
                f"{len(values)}."
            )
        seeded = {}
        for crossing, value in zip(self.crossings, values):
            if crossing.node is not None:
                value = crossing.node.operation.device_call(value)
            seeded[id(crossing.tensor)] = value
        results = self.functional._run_nodes(seeded, skip=self._host_node_ids)
        if self.tail:
            return [results[id(t)] for t in self.device_outputs]
        return jax.tree.map(
            lambda t: results[id(t)], self.functional._outputs_struct, is_leaf=is_keras_tensor
        )

    def postprocess(self, device_outputs):
        """The device part's outputs -> the model's outputs, through the tail (on the host)."""
        if not self.tail:
            return device_outputs
        values = {id(t): np.asarray(v) for t, v in zip(self.device_outputs, device_outputs)}
        for node in self.tail:
            values[id(node.outputs[0])] = node.operation(values[id(node.input_tensors[0])])
        return jax.tree.map(
            lambda t: values[id(t)], self.functional._outputs_struct, is_leaf=is_keras_tensor
        )

    def takes(self, inputs):
        """Whether the model's call goes through this stage: always under `device_inputs`;
        otherwise for concrete inputs only (traced raw inputs run the whole graph traced,
        where `IntegerLookup` looks up in JAX and string layers raise a clear error)."""
        if is_device_call(self):
            return True
        return not any(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree.leaves(inputs))

    def call(self, inputs):
        """The model's call: device inputs under `device_inputs`, raw inputs otherwise."""
        if is_device_call(self):
            return self.run_device(inputs)
        return self.postprocess(self.run_device(self.preprocess(inputs)))

    def call_compiled(self, model, args, kwargs):
        """``model(*args, **kwargs)`` on raw inputs with the device part as one jitted call."""
        device_values = self.preprocess(args[0])
        with device_inputs(self):
            outputs = model(device_values, *args[1:], **kwargs)
        return self.postprocess(outputs)

    # -- for exporters and servers -------------------------------------------------------
    def device_input_specs(self):
        """Named `KerasTensor`s of the device part's inputs, in the order it takes them."""
        return [KerasTensor(c.spec.shape, dtype=c.spec.dtype, name=c.name) for c in self.crossings]

    def call_device(self, model, inputs, **kwargs):
        """``model`` run on the device part's inputs (a list in `device_input_specs` order);
        traceable, so `jax.jit` and `jax.export` take it."""
        with device_inputs(self):
            return model(list(inputs), **kwargs)

    def manifest(self):
        """A JSON description of the host layers: what a caller needs to map raw inputs to
        the device part's inputs (and its outputs back through the tail) without kerasish."""
        from kerasish.saving.serialization import serialize_keras_object

        names = {id(c.tensor): c.name for c in self.crossings}
        names.update({id(t): t.name for t in self.functional._inputs})
        # The artifact names a tail model's device outputs output_0, output_1, ...
        outputs = {id(t): f"output_{i}" for i, t in enumerate(self.device_outputs)}
        tails = {id(node.outputs[0]): node.operation.name for node in self.tail}

        def describe(node, names):
            layer = node.operation
            return {
                "layer": layer.name,
                "object": serialize_keras_object(layer),
                "vocabulary": (  # Hashing and friends need only their config
                    _plain(layer.get_vocabulary()) if hasattr(layer, "get_vocabulary") else None
                ),
                "input": names.get(id(node.input_tensors[0]), node.input_tensors[0].name),
            }

        return {
            "model_inputs": [
                {"name": t.name, "shape": list(t.shape), "dtype": t.dtype}
                for t in self.functional._inputs
            ],
            "device_inputs": [
                {
                    "name": c.name,
                    "shape": list(c.spec.shape),
                    "dtype": c.spec.dtype,
                    "from": "layer" if c.node is not None else "model_input",
                }
                for c in self.crossings
            ],
            "head": [describe(node, names) for node in self.head],
            "tail": [describe(node, outputs) for node in self.tail],
            # With a tail: each model output, a device output or the output of a tail layer.
            "outputs": [
                {
                    "name": t._keras_history.operation.name,
                    "device_output": outputs.get(id(t)),
                    "tail": tails.get(id(t)),
                }
                for t in self.functional._outputs
            ]
            if self.tail
            else None,
        }


def _strings_for_host_layers_only(functional, nodes):
    """Ids of the nodes whose outputs go only to host layers (not to the model's outputs):
    such a node may output strings in the head. Other string outputs are mapped in the tail."""
    outputs = {id(t) for t in functional._outputs}
    consumers = collections.defaultdict(list)
    for node in nodes:
        for tensor in node.input_tensors:
            consumers[id(tensor)].append(node.operation)
    return {
        id(node)
        for node in nodes
        if id(node.outputs[0]) not in outputs
        and all(is_host_layer(op) for op in consumers[id(node.outputs[0])])
    }


def _check_no_strings_on_device(functional, device_nodes):
    for node in device_nodes:
        for tensor in node.input_tensors:
            if tensor.dtype == "string":
                producer = tensor._keras_history.operation
                raise ValueError(
                    f"Layer '{node.operation.name}' ({type(node.operation).__name__}) of model "
                    f"'{functional.name}' receives strings from '{producer.name}'. Strings stay "
                    "on the host: only StringLookup, IntegerLookup and TextVectorization layers "
                    "fed by the model's inputs (or by each other) may take them."
                )


def _check_tail_feeds_outputs(functional, nodes, tail):
    tail_ids = {id(node) for node in tail}
    for node in nodes:
        if id(node) in tail_ids:
            continue
        for tensor in node.input_tensors:
            producer = tensor._keras_history
            source = producer.operation._inbound_nodes[producer.node_index]
            if id(source) in tail_ids:
                raise ValueError(
                    f"Layer '{node.operation.name}' of model '{functional.name}' consumes the "
                    f"strings of '{source.operation.name}'; a layer that outputs strings must "
                    "be among the model's last layers (its outputs are mapped on the host)."
                )


def _crossings(functional, head, consumers):
    """What the device part takes: head outputs it (or the outputs) use, then model inputs."""
    used = {id(t) for node in consumers for t in node.input_tensors}
    used.update(id(t) for t in functional._outputs)
    crossings = []
    for node in head:
        tensor = node.outputs[0]
        if id(tensor) in used:
            spec = node.operation.host_output_spec(node.input_tensors[0])
            crossings.append(_Crossing(node.operation.name, tensor, node, spec))
    for tensor in functional._inputs:
        if id(tensor) in used:
            crossings.append(_Crossing(tensor.name, tensor, None, tensor))
    return crossings


def _host_adjust(x, spec):
    """A raw input as numpy in its `Input`'s dtype (strings and int64 ids kept whole), with
    the rank fix Keras applies (a missing or extra trailing axis of size 1)."""
    x = np.asarray(x.value if hasattr(x, "assign") else x)
    if spec.dtype != "string":
        x = x.astype(jax.numpy.dtype(spec.dtype))
    if x.ndim == len(spec.shape) - 1 and spec.shape[-1] == 1:
        x = np.expand_dims(x, -1)
    elif x.ndim == len(spec.shape) + 1 and x.shape[-1] == 1:
        x = np.squeeze(x, -1)
    return x


def _unique(tensors):
    seen, unique = set(), []
    for tensor in tensors:
        if id(tensor) not in seen:
            seen.add(id(tensor))
            unique.append(tensor)
    return unique


def _plain(values):
    return [v.item() if isinstance(v, np.generic) else v for v in values]
