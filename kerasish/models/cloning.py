"""`clone_model`: the same architecture with fresh layers (and fresh weights)."""

import jax

from kerasish.engine.functional import Functional
from kerasish.engine.input_layer import Input, InputLayer
from kerasish.engine.keras_tensor import KerasTensor, is_keras_tensor
from kerasish.engine.sequential import Sequential


def _default_clone(layer):
    return type(layer).from_config(layer.get_config())


def clone_model(
    model, input_tensors=None, clone_function=None, call_function=None, recursive=False, **kwargs
):
    """A new model with the same structure whose layers are ``clone_function(layer)``.

    Weights are not copied (new layers initialize their own), as in Keras.

    Example:
    >>> twin = kerasish.models.clone_model(model)
    >>> twin.set_weights(model.get_weights())
    """
    if kwargs:
        raise ValueError(f"Unexpected keyword argument(s) {list(kwargs)}")
    clone_function = clone_function or _default_clone

    def clone_layer(layer):
        if recursive and isinstance(layer, (Sequential, Functional)):
            return clone_model(
                layer, clone_function=clone_function, call_function=call_function, recursive=True
            )
        return clone_function(layer)

    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone_layer, call_function)
    if isinstance(model, Functional):
        return _clone_functional(model, input_tensors, clone_layer, call_function)
    if input_tensors is not None:
        raise ValueError("`input_tensors` is only supported for Sequential and Functional models.")
    try:
        config = model.get_config()
    except NotImplementedError as error:
        raise ValueError(
            f"Unable to clone model {model.name}: it is a subclassed model without `get_config()`."
        ) from error
    return type(model).from_config(config)


def _clone_sequential(model, input_tensors, clone_layer, call_function):
    layers = [clone_layer(layer) for layer in model.layers]
    first = model._stack[0] if model._stack else None
    if input_tensors is not None:
        inputs = input_tensors[0] if isinstance(input_tensors, (list, tuple)) else input_tensors
        x = inputs
        for layer in layers:
            x = call_function(layer, x) if call_function else layer(x)
        return Functional(inputs, x, name=model.name)
    stack = []
    if isinstance(first, InputLayer):
        stack.append(InputLayer(batch_shape=first.batch_shape, dtype=first.dtype, name=first.name))
    return Sequential(stack + layers, name=model.name, trainable=model.trainable)


def _clone_functional(model, input_tensors, clone_layer, call_function):
    new_tensors = {}
    if input_tensors is not None:
        given = jax.tree.leaves(input_tensors, is_leaf=is_keras_tensor)
        if len(given) != len(model.inputs):
            raise ValueError(
                f"`input_tensors` must have {len(model.inputs)} tensors to match the model's "
                f"inputs. Received: {len(given)}"
            )
        for original, tensor in zip(model.inputs, given):
            new_tensors[id(original)] = tensor
    else:
        for original in model.inputs:
            layer = original._keras_history.operation
            new_tensors[id(original)] = Input(
                batch_shape=original.shape, dtype=original.dtype, name=layer.name
            )
    clones = {}
    for depth in sorted(model._nodes_by_depth, reverse=True):
        for node in model._nodes_by_depth[depth]:
            if node.is_input or all(id(t) in new_tensors for t in node.outputs):
                continue
            operation = node.operation
            if id(operation) not in clones:
                from kerasish.engine.layer import Layer

                clones[id(operation)] = (
                    clone_layer(operation) if isinstance(operation, Layer) else operation
                )
            new_operation = clones[id(operation)]
            args, call_kwargs = jax.tree.map(
                lambda x: new_tensors[id(x)] if isinstance(x, KerasTensor) else x,
                node.arguments,
                is_leaf=is_keras_tensor,
            )
            if call_function is not None and new_operation is not operation:
                outputs = call_function(new_operation, *args, **call_kwargs)
            elif new_operation is operation:
                from kerasish.engine.operation import FunctionOperation

                outputs = FunctionOperation(
                    operation.function, static_kwargs=operation.static_kwargs
                )(*args, **call_kwargs)
            else:
                outputs = new_operation(*args, **call_kwargs)
            for original, new in zip(
                node.outputs, jax.tree.leaves(outputs, is_leaf=is_keras_tensor)
            ):
                new_tensors[id(original)] = new

    def remap(structure):
        return jax.tree.map(lambda t: new_tensors[id(t)], structure, is_leaf=is_keras_tensor)

    return Functional(remap(model._inputs_struct), remap(model._outputs_struct), name=model.name)
