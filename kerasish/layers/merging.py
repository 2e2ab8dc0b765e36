"""Merge layers: `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`,
`Concatenate`, `Dot`, and their functional forms (`add`, `concatenate`, ...)."""

from kerasish import ops
from kerasish.engine.layer import Layer
from kerasish.engine.masking import get_keras_mask, set_keras_mask
from kerasish.saving.serialization import keras_export


class Merge(Layer):
    """Base of the elementwise merge layers: called on a list of tensors, broadcasts them.

    Inputs of different ranks get size-1 axes inserted after the batch axis. The output mask
    is the OR of the input masks when every input has one.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _merge_function(self, inputs):
        raise NotImplementedError

    def build(self, input_shape):
        if not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(
                "A merge layer should be called on a list of inputs. "
                f"Received: input_shape={input_shape} (not a list of shapes)"
            )
        if len(input_shape) < 1:
            raise ValueError(
                "A merge layer should be called on a list of at least 1 input. "
                f"Received {len(input_shape)} inputs. Full input_shape received: {input_shape}"
            )
        batch_sizes = {shape[0] for shape in input_shape if shape} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                "Cannot merge tensors with different batch sizes. "
                f"Received tensors with shapes {input_shape}"
            )
        _broadcast_sample_shapes(input_shape)
        self._reshape_required = None in input_shape or len({len(s) for s in input_shape}) != 1

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "A merge layer should be called on a list of inputs. "
                f"Received: inputs={inputs} (not a list of tensors)"
            )
        if self._reshape_required:
            rank = max(len(x.shape) for x in inputs)
            expanded = []
            for x in inputs:
                for _ in range(rank - len(x.shape)):
                    x = ops.expand_dims(x, axis=1)
                expanded.append(x)
            inputs = expanded
        return self._merge_function(inputs)

    def compute_output_shape(self, input_shape):
        sample_shape = _broadcast_sample_shapes(input_shape)
        batch_sizes = {shape[0] for shape in input_shape if shape is not None} - {None}
        batch_size = next(iter(batch_sizes)) if len(batch_sizes) == 1 else None
        return (batch_size, *sample_shape)

    def compute_mask(self, inputs, previous_mask=None):
        if previous_mask is None:
            return None
        _check_mask_list(inputs, previous_mask)
        if any(m is None for m in previous_mask):
            return None
        output_mask = previous_mask[0]
        for mask in previous_mask[1:]:
            output_mask = ops.logical_or(output_mask, mask)
        return output_mask

    def _merge_with_masks(self, op, inputs):
        """Folds ``op`` over the inputs, masked entries taking the other operand (no identity
        element exists for max/min); the output mask is the OR of the masks."""
        output, output_mask = None, None
        for x in inputs:
            mask = get_keras_mask(x)
            if mask is not None:
                mask = ops.broadcast_to(ops.expand_dims(mask, -1), x.shape)
            if output is None:
                output, output_mask = x, mask
                continue
            if mask is not None:
                x = ops.where(mask, x, output)
            if output_mask is not None:
                output = ops.where(output_mask, output, x)
            output_mask = (
                ops.logical_or(output_mask, mask)
                if mask is not None and output_mask is not None
                else None
            )
            output = op(output, x)
        if output_mask is not None:
            set_keras_mask(output, ops.any(output_mask, axis=-1))
        return output


def _check_mask_list(inputs, mask):
    if not isinstance(mask, (tuple, list)):
        raise ValueError(f"`mask` should be a list. Received: mask={mask}")
    if not isinstance(inputs, (tuple, list)):
        raise ValueError(f"`inputs` should be a list. Received: inputs={inputs}")
    if len(mask) != len(inputs):
        raise ValueError(
            "The lists `inputs` and `mask` should have the same length. Received: "
            f"inputs={inputs} of length {len(inputs)}, and mask={mask} of length {len(mask)}"
        )


def _broadcast_sample_shapes(input_shapes):
    """The broadcast shape of the inputs without their batch axis (None if any is unknown)."""
    output = None if input_shapes[0] is None else tuple(input_shapes[0][1:])
    for shape in input_shapes[1:]:
        output = _broadcast_pair(output, None if shape is None else tuple(shape[1:]))
    return output


def _broadcast_pair(shape1, shape2):
    if shape1 is None or shape2 is None:
        return None
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return shape1
    output = list(shape1[: len(shape1) - len(shape2)])
    for i, j in zip(shape1[len(shape1) - len(shape2) :], shape2):
        if i is None or j is None:
            output.append(None)
        elif i == 1 or j == 1:
            output.append(j if i == 1 else i)
        elif i != j:
            raise ValueError(
                f"Inputs have incompatible shapes. Received shapes {shape1} and {shape2}"
            )
        else:
            output.append(i)
    return tuple(output)


@keras_export("keras.layers")
class Add(Merge):
    """Sums a list of tensors (broadcasting).

    Example:
    >>> kerasish.layers.Add()([jnp.ones((2, 3)), jnp.ones((2, 3))]).tolist()[0]
    [2.0, 2.0, 2.0]

    Shapes: a list of ``(batch, ...)`` tensors -> their broadcast shape.
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return output


@keras_export("keras.layers")
class Subtract(Merge):
    """``inputs[0] - inputs[1]`` for exactly two tensors.

    Example:
    >>> kerasish.layers.Subtract()([jnp.ones((2, 3)), jnp.ones((2, 3))]).tolist()[0]
    [0.0, 0.0, 0.0]

    Shapes: two ``(batch, ...)`` tensors -> their broadcast shape.
    """

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. "
                f"Received: input_shape={input_shape}"
            )

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError(
                f"A `Subtract` layer should be called on exactly 2 inputs. Received: inputs={inputs}"
            )
        return ops.subtract(inputs[0], inputs[1])


@keras_export("keras.layers")
class Multiply(Merge):
    """Multiplies a list of tensors elementwise; masked entries count as 1, then as 0 in the output.

    Example:
    >>> kerasish.layers.Multiply()([jnp.full((2, 3), 2.0), jnp.full((2, 3), 3.0)]).tolist()[0]
    [6.0, 6.0, 6.0]

    Shapes: a list of ``(batch, ...)`` tensors -> their broadcast shape.
    """

    def _merge_function(self, inputs):
        masks = [get_keras_mask(x) for x in inputs]
        all_masked = all(mask is not None for mask in masks)
        output, output_mask = None, None
        for x, mask in zip(inputs, masks):
            if mask is not None:
                mask = ops.broadcast_to(ops.expand_dims(mask, -1), x.shape)
                x = ops.where(mask, x, ops.cast(1, x.dtype))
                if all_masked:
                    output_mask = mask if output_mask is None else ops.logical_or(output_mask, mask)
            output = x if output is None else ops.multiply(output, x)
        if all_masked:
            output = ops.where(output_mask, output, ops.cast(0, output.dtype))
            set_keras_mask(output, ops.any(output_mask, axis=-1))
        return output


@keras_export("keras.layers")
class Average(Merge):
    """The elementwise mean of a list of tensors.

    Example:
    >>> kerasish.layers.Average()([jnp.zeros((2, 3)), jnp.ones((2, 3))]).tolist()[0]
    [0.5, 0.5, 0.5]

    Shapes: a list of ``(batch, ...)`` tensors -> their broadcast shape.
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return output / len(inputs)


@keras_export("keras.layers")
class Maximum(Merge):
    """The elementwise maximum of a list of tensors (masked entries ignored).

    Example:
    >>> kerasish.layers.Maximum()([jnp.zeros((2, 3)), jnp.ones((2, 3))]).tolist()[0]
    [1.0, 1.0, 1.0]

    Shapes: a list of ``(batch, ...)`` tensors -> their broadcast shape.
    """

    def _merge_function(self, inputs):
        return self._merge_with_masks(ops.maximum, inputs)


@keras_export("keras.layers")
class Minimum(Merge):
    """The elementwise minimum of a list of tensors (masked entries ignored).

    Example:
    >>> kerasish.layers.Minimum()([jnp.zeros((2, 3)), jnp.ones((2, 3))]).tolist()[0]
    [0.0, 0.0, 0.0]

    Shapes: a list of ``(batch, ...)`` tensors -> their broadcast shape.
    """

    def _merge_function(self, inputs):
        return self._merge_with_masks(ops.minimum, inputs)


@keras_export("keras.layers")
class Concatenate(Merge):
    """Concatenates a list of tensors along ``axis``.

    Example:
    >>> kerasish.layers.Concatenate()([jnp.ones((2, 3)), jnp.ones((2, 4))]).shape
    (2, 7)

    Arguments:
        axis: the concatenation axis; all other axes must match.

    Shapes: ``(batch, ..., d_i, ...)`` tensors -> ``(batch, ..., sum(d_i), ...)``.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self._reshape_required = False

    def build(self, input_shape):
        if len(input_shape) < 1 or not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(
                "A `Concatenate` layer should be called on a list of at least 1 input. "
                f"Received: input_shape={input_shape}"
            )
        if all(shape is None for shape in input_shape):
            return
        reduced = set()
        for shape in input_shape:
            shape = list(shape)
            if len(shape) > self.axis:
                del shape[self.axis]
            reduced.add(tuple(shape))
        if len(reduced) == 1:
            return
        message = (
            "A `Concatenate` layer requires inputs with matching shapes except for the "
            f"concatenation axis. Received: input_shape={input_shape}"
        )
        ranks = {len(shape) for shape in reduced}
        if len(ranks) != 1:
            raise ValueError(message)
        for axis in range(ranks.pop()):
            if len({shape[axis] for shape in reduced if shape[axis] is not None}) > 1:
                raise ValueError(message)

    def _merge_function(self, inputs):
        return ops.concatenate(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or not isinstance(
            input_shape[0], (tuple, list)
        ):
            raise ValueError(
                "A `Concatenate` layer should be called on a list of inputs. "
                f"Received: input_shape={input_shape}"
            )
        output_shape = list(input_shape[0])
        for shape in input_shape[1:]:
            if output_shape[self.axis] is None or shape[self.axis] is None:
                output_shape[self.axis] = None
                break
            output_shape[self.axis] += shape[self.axis]
        return tuple(output_shape)

    def compute_mask(self, inputs, previous_mask=None):
        if previous_mask is None:
            return None
        _check_mask_list(inputs, previous_mask)
        if all(m is None for m in previous_mask):
            return None
        masks = []
        for x, mask in zip(inputs, previous_mask):
            if mask is None:
                masks.append(ops.ones_like(x, dtype="bool"))
            elif len(mask.shape) < len(x.shape):
                masks.append(ops.broadcast_to(ops.expand_dims(mask, axis=-1), x.shape))
            else:
                masks.append(mask)
        return ops.any(ops.concatenate(masks, axis=self.axis), axis=-1)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


@keras_export("keras.layers")
class Dot(Merge):
    """Dot product of two tensors along ``axes``, per sample (``batch_dot``).

    Example:
    >>> x1, x2 = jnp.ones((2, 5, 3)), jnp.ones((2, 4, 3))
    >>> kerasish.layers.Dot(axes=(2, 2))([x1, x2]).shape
    (2, 5, 4)

    Arguments:
        axes: an int or a pair of ints: the axis of each input to contract (never 0, the batch).
        normalize: whether to L2-normalize both inputs along ``axes`` first (cosine similarity).

    Shapes: ``(batch, *a)`` and ``(batch, *b)`` -> ``(batch, *a without axis, *b without axis)``,
    ``(batch, 1)`` when that leaves nothing.
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(
                    "Invalid type for argument `axes`: it should be a list or an int. "
                    f"Received: axes={axes}"
                )
            if len(axes) != 2:
                raise ValueError(
                    "Invalid format for argument `axes`: it should contain two elements. "
                    f"Received: axes={axes}"
                )
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError(
                    "Invalid format for argument `axes`: list elements should be integers. "
                    f"Received: axes={axes}"
                )
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True
        self._reshape_required = False

    def _axes_for(self, shape1, shape2):
        if isinstance(self.axes, int):
            if self.axes < 0:
                return [self.axes % len(shape1), self.axes % len(shape2)]
            return [self.axes] * 2
        return list(self.axes)

    def build(self, input_shape):
        if not isinstance(input_shape[0], (tuple, list)) or len(input_shape) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={input_shape}"
            )
        shape1, shape2 = input_shape
        if shape1 is None or shape2 is None:
            return
        axes = self._axes_for(shape1, shape2)
        if shape1[axes[0]] != shape2[axes[1]]:
            raise ValueError(
                f"Incompatible input shapes: axis values {shape1[axes[0]]} (at axis {axes[0]}) != "
                f"{shape2[axes[1]]} (at axis {axes[1]}). Full input shapes: {shape1}, {shape2}"
            )

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on exactly 2 inputs. Received: inputs={inputs}"
            )
        x1, x2 = inputs
        if isinstance(self.axes, int):
            axes = self._axes_for(x1.shape, x2.shape)
        else:
            axes = [axis % len(x.shape) if axis < 0 else axis for axis, x in zip(self.axes, inputs)]
        if self.normalize:
            x1 = ops.normalize(x1, axis=axes[0])
            x2 = ops.normalize(x2, axis=axes[1])
        return batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={input_shape}"
            )
        shape1, shape2 = list(input_shape[0]), list(input_shape[1])
        axes = self._axes_for(shape1, shape2)
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        output_shape = shape1 + shape2[1:]
        return tuple(output_shape + [1] if len(output_shape) == 1 else output_shape)

    def compute_mask(self, inputs, previous_mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def batch_dot(x, y, axes=None):
    """Per-sample dot product of ``x`` and ``y`` (batch axis 0) over ``axes``, as Keras's.

    ``axes`` is an int, a pair, or None (last axis of ``x`` with the last, or next to last
    when ``y`` has rank > 2, of ``y``). Rank-2 results gain no extra axis: ``(b, n) . (b, n)``
    gives ``(b, 1)``.
    """
    x_ndim, y_ndim = len(x.shape), len(y.shape)
    if x_ndim < 2 or y_ndim < 2:
        raise ValueError(
            "Cannot do batch_dot on inputs with rank < 2. "
            f"Received inputs with shapes {x.shape} and {y.shape}."
        )
    if x.shape[0] is not None and y.shape[0] is not None and x.shape[0] != y.shape[0]:
        raise ValueError(
            "Cannot do batch_dot on inputs with different batch sizes. "
            f"Received inputs with shapes {x.shape} and {y.shape}."
        )
    if isinstance(axes, int):
        axes = [axes, axes]
    if axes is None:
        axes = [x_ndim - 1, y_ndim - 1 if y_ndim == 2 else y_ndim - 2]
    if any(isinstance(a, (list, tuple)) for a in axes):
        raise ValueError(
            "Multiple target dimensions are not supported. "
            f"Expected: None, int, (int, int), Provided: {axes} "
        )
    axes = [
        axes[0] + x_ndim if axes[0] < 0 else axes[0],
        axes[1] + y_ndim if axes[1] < 0 else axes[1],
    ]
    if 0 in axes:
        raise ValueError(
            "Cannot perform batch_dot over axis 0. If your inputs are not batched, add a dummy "
            "batch dimension to your inputs using keras.ops.expand_dims(x, 0)"
        )
    x_axis, y_axis = axes
    if (
        x.shape[x_axis] is not None
        and y.shape[y_axis] is not None
        and x.shape[x_axis] != y.shape[y_axis]
    ):
        raise ValueError(
            f"Cannot do batch_dot on inputs with shapes {x.shape} and {y.shape} with axes={axes}. "
            f"x.shape[{x_axis}] != y.shape[{y_axis}] ({x.shape[x_axis]} != {y.shape[y_axis]})."
        )
    # Contract with one einsum: x's other axes, then y's other axes (batch shared).
    letters = "abcdefghijklmnopqrstuvwxyz"
    x_letters = list(letters[:x_ndim])
    y_letters = ["a"] + list(letters[x_ndim : x_ndim + y_ndim - 1])
    y_letters[y_axis] = x_letters[x_axis]
    output = [c for i, c in enumerate(x_letters) if i != x_axis] + [
        c for i, c in enumerate(y_letters) if i not in (0, y_axis)
    ]
    result = ops.einsum(f"{''.join(x_letters)},{''.join(y_letters)}->{''.join(output)}", x, y)
    if x_ndim == 2 and y_ndim == 2:
        result = ops.expand_dims(result, -1)
    return result


@keras_export("keras.layers")
def add(inputs, **kwargs):
    """`Add` applied to ``inputs``: ``add([x1, x2])``."""
    return Add(**kwargs)(inputs)


@keras_export("keras.layers")
def subtract(inputs, **kwargs):
    """`Subtract` applied to ``inputs``: ``subtract([x1, x2])``."""
    return Subtract(**kwargs)(inputs)


@keras_export("keras.layers")
def multiply(inputs, **kwargs):
    """`Multiply` applied to ``inputs``: ``multiply([x1, x2])``."""
    return Multiply(**kwargs)(inputs)


@keras_export("keras.layers")
def average(inputs, **kwargs):
    """`Average` applied to ``inputs``: ``average([x1, x2])``."""
    return Average(**kwargs)(inputs)


@keras_export("keras.layers")
def maximum(inputs, **kwargs):
    """`Maximum` applied to ``inputs``: ``maximum([x1, x2])``."""
    return Maximum(**kwargs)(inputs)


@keras_export("keras.layers")
def minimum(inputs, **kwargs):
    """`Minimum` applied to ``inputs``: ``minimum([x1, x2])``."""
    return Minimum(**kwargs)(inputs)


@keras_export("keras.layers")
def concatenate(inputs, axis=-1, **kwargs):
    """`Concatenate` applied to ``inputs``: ``concatenate([x1, x2], axis=-1)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


@keras_export("keras.layers")
def dot(inputs, axes=-1, **kwargs):
    """`Dot` applied to ``inputs``: ``dot([x1, x2], axes=-1)``."""
    return Dot(axes=axes, **kwargs)(inputs)
