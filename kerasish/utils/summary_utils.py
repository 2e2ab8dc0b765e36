"""`Model.summary()`: Keras 3's table of layers, output shapes and parameter counts."""

import math
import shutil
import textwrap

import numpy as np

from kerasish.engine.naming import to_camel_case
from kerasish.utils.io_utils import print_msg


def readable_memory_size(size_in_bytes):
    """``140.0`` -> ``"140.00 B"``, ``2048`` -> ``"2.00 KB"`` (powers of 1024, as Keras)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size_in_bytes / 1024 < 1:
            return f"{size_in_bytes:.2f} {unit}"
        size_in_bytes /= 1024
    return f"{size_in_bytes:.2f} PB"


def weight_memory_size(weights):
    unique = {id(w): w for w in weights}.values()
    return sum(math.prod(w.shape) * np.dtype(w.dtype).itemsize for w in unique)


def _format_shape(shape):
    return "(" + ", ".join(str(d) for d in shape) + ")"


def format_layer_shape(layer):
    """The output shape column: from the layer's graph node, else from its build shapes."""
    if layer._inbound_nodes:
        outputs = layer._inbound_nodes[-1].outputs
        shapes = [_format_shape(t.shape) for t in outputs]
        return shapes[0] if len(shapes) == 1 else "[" + ", ".join(shapes) + "]"
    if getattr(layer, "_build_shapes", None):
        try:
            shape = layer.compute_output_shape(**layer._build_shapes)
        except (NotImplementedError, TypeError, ValueError):
            return "?"
        if isinstance(shape, tuple) and all(d is None or isinstance(d, int) for d in shape):
            return _format_shape(shape)
        return str(shape).replace("'", "")
    return "?"


def _is_sequential_like(model):
    from kerasish.engine.functional import Functional

    if not isinstance(model, Functional):
        return True
    nodes = []
    for depth_nodes in model._nodes_by_depth.values():
        if len(depth_nodes) > 1 or (
            len(depth_nodes) == 1 and len(depth_nodes[0].input_tensors) > 1
        ):
            return False
        nodes += depth_nodes
    node_ids = {id(n) for n in nodes}
    for layer in model.layers:
        if sum(id(n) in node_ids for n in layer._inbound_nodes) > 1:
            return False
    return True


def _connections(layer, model):
    parts = []
    for node in layer._inbound_nodes:
        if id(node) not in model._node_ids:
            continue
        for tensor in node.input_tensors:
            operation, node_index, tensor_index = tensor._keras_history
            parts.append(f"{operation.name}[{node_index}][{tensor_index}]")
    return ", ".join(parts) or "-"


def _render_row(cells, widths, aligns, left, middle, right):
    wrapped = [textwrap.wrap(str(c), w - 2) or [""] for c, w in zip(cells, widths)]
    lines = []
    for i in range(max(len(w) for w in wrapped)):
        parts = []
        for column, width, align in zip(wrapped, widths, aligns):
            text = column[i] if i < len(column) else ""
            text = (
                text.rjust(width - 2)
                if align == "right"
                else (text.center(width - 2) if align == "center" else text.ljust(width - 2))
            )
            parts.append(f" {text} ")
        lines.append(left + middle.join(parts) + right)
    return lines


def _rule(widths, left, middle, right, fill):
    return left + middle.join(fill * w for w in widths) + right


def print_summary(
    model,
    line_length=None,
    positions=None,
    print_fn=None,
    expand_nested=False,
    show_trainable=False,
    layer_range=None,
):
    """Prints the summary table of ``model`` (or passes its text, in one call, to ``print_fn``)."""
    from kerasish.engine.sequential import Sequential

    sequential_like = isinstance(model, Sequential) or _is_sequential_like(model)
    if sequential_like:
        default_length, default_positions = 88, [0.45, 0.80, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
        aligns = ["left", "left", "right"]
    else:
        default_length, default_positions = 108, [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        aligns = ["left", "left", "right", "left"]
    positions = positions or default_positions
    if show_trainable:
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        aligns.append("center")
    line_length = line_length or min(default_length, shutil.get_terminal_size().columns - 4)
    if positions[-1] <= 1:
        positions = [int(p * line_length) for p in positions]
    widths, current = [], 0
    for position in positions:
        width = position - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current = position
    # The borders take one character per column plus one; as Keras's table lays them out, the
    # next-to-last column gives up the extra one.
    widths = [w - (2 if i == len(widths) - 2 else 1) for i, w in enumerate(widths)]

    from kerasish.engine.functional import Functional

    layers = list(model._operations if isinstance(model, Functional) else model.layers)
    if layer_range is not None:
        names = [layer.name for layer in layers]
        start, end = (names.index(layer_range[0]), names.index(layer_range[1]) + 1)
        layers = layers[start:end]

    rows = []

    def add_layer(layer, prefix=""):
        if not hasattr(layer, "built"):
            params = "0"
        elif not layer.built:
            params = "0 (unbuilt)"
        else:
            params = f"{layer.count_params():,}"
        class_name = (
            to_camel_case(layer.function.__name__)
            if hasattr(layer, "function")
            else type(layer).__name__
        )
        row = [f"{prefix}{layer.name} ({class_name})", format_layer_shape(layer), params]
        if not sequential_like:
            row.append(_connections(layer, model))
        if show_trainable:
            has_weights = bool(getattr(layer, "weights", None))
            row.append(("Y" if layer.trainable else "N") if has_weights else "-")
        rows.append(row)
        if expand_nested and hasattr(layer, "layers") and layer is not model:
            for inner in layer.layers:
                add_layer(inner, prefix + "   └ ")

    for layer in layers:
        add_layer(layer)

    lines = [f'Model: "{model.name}"']
    lines.append(_rule(widths, "┏", "┳", "┓", "━"))
    lines += _render_row(header, widths, aligns, "┃", "┃", "┃")
    lines.append(_rule(widths, "┡", "╇", "┩", "━"))
    for index, row in enumerate(rows):
        lines += _render_row(row, widths, aligns, "│", "│", "│")
        lines.append(
            _rule(widths, "├", "┼", "┤", "─")
            if index < len(rows) - 1
            else _rule(widths, "└", "┴", "┘", "─")
        )
    if not rows:
        lines.append(_rule(widths, "└", "┴", "┘", "─"))

    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    total_count = sum(math.prod(w.shape) for w in trainable + non_trainable)
    trainable_count = sum(math.prod(w.shape) for w in trainable)
    lines.append(
        f" Total params: {total_count:,} ({readable_memory_size(weight_memory_size(trainable + non_trainable))})"
    )
    lines.append(
        f" Trainable params: {trainable_count:,} ({readable_memory_size(weight_memory_size(trainable))})"
    )
    lines.append(
        f" Non-trainable params: {total_count - trainable_count:,} "
        f"({readable_memory_size(weight_memory_size(non_trainable))})"
    )
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and getattr(optimizer, "variables", None):
        size = weight_memory_size(optimizer.variables)
        count = sum(math.prod(v.shape) for v in optimizer.variables)
        lines.append(f" Optimizer params: {count:,} ({readable_memory_size(size)})")
    text = "\n".join(lines) + "\n"
    if print_fn is None:
        print_msg(text, line_break=False)
    else:  # as Keras: the whole table in one call
        print_fn(text)
