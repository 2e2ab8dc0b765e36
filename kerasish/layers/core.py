"""Core layers: `Dense`, `EinsumDense`, `Embedding`, `Identity`, `Masking`, `Lambda`."""

import inspect
import re
import warnings

from kerasish import activations, constraints, initializers, ops, regularizers
from kerasish.engine.input_spec import InputSpec
from kerasish.engine.layer import Layer
from kerasish.engine.masking import set_keras_mask
from kerasish.saving import serialization
from kerasish.saving.serialization import keras_export, serialize_keras_object


def _reject_unsupported(layer_name, lora_rank, quantization_config):
    if lora_rank is not None:
        raise NotImplementedError(
            f"LoRA (`lora_rank`) is not supported by kerasish's {layer_name} yet."
        )
    if quantization_config is not None:
        raise NotImplementedError(
            f"Quantization (`quantization_config`) is not supported by kerasish's {layer_name} yet."
        )


@keras_export("keras.layers")
class Dense(Layer):
    """``activation(inputs @ kernel + bias)`` over the last axis.

    Example:
    >>> layer = kerasish.layers.Dense(3, activation="relu")
    >>> layer(jnp.ones((2, 4))).shape
    (2, 3)

    Arguments:
        units: positive int, the size of the last output axis.
        activation: name or callable; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers (Keras defaults: glorot_uniform, zeros).
        kernel_regularizer, bias_regularizer, activity_regularizer: optional regularizers.
        kernel_constraint, bias_constraint: optional constraints applied after each update.
        lora_rank, lora_alpha, quantization_config: accepted for Keras's signature; LoRA and
            quantization are not supported yet (`NotImplementedError`).

    Shapes: ``(..., input_dim)`` -> ``(..., units)``; weights ``kernel (input_dim, units)``,
    ``bias (units,)``.
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                "Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units}"
            )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        _reject_unsupported("Dense", lora_rank, quantization_config)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})

    def call(self, inputs, training=None):
        x = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self.activation is not None:
            x = self.activation(x)
        return x

    def compute_mask(self, inputs, previous_mask):
        return previous_mask

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": serialize_keras_object(self.kernel_initializer),
                "bias_initializer": serialize_keras_object(self.bias_initializer),
                "kernel_regularizer": serialize_keras_object(self.kernel_regularizer),
                "bias_regularizer": serialize_keras_object(self.bias_regularizer),
                "kernel_constraint": serialize_keras_object(self.kernel_constraint),
                "bias_constraint": serialize_keras_object(self.bias_constraint),
                "quantization_config": None,
            }
        )
        return config


@keras_export("keras.layers")
class EinsumDense(Layer):
    """A dense layer of any rank: ``activation(einsum(equation, inputs, kernel) + bias)``.

    Example:
    >>> layer = kerasish.layers.EinsumDense("abc,cd->abd", output_shape=(None, 64), bias_axes="d")
    >>> layer(jnp.ones((2, 32, 128))).shape
    (2, 32, 64)

    Arguments:
        equation: ``"ab,bc->ac"``, ``"...ab,bc->...ac"`` or ``"ab...,bc->ac..."``: the first
            operand is the input, the second the kernel.
        output_shape: the output shape without the batch axis and elided (``...``) axes; an int
            for one axis; None for axes known only from the input.
        activation: name or callable; None means linear.
        bias_axes: output letters that get a bias (e.g. ``"d"``); None for no bias.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        kernel_constraint, bias_constraint: as in `Dense`.
        lora_rank, lora_alpha, gptq_unpacked_column_size, quantization_config: accepted for
            Keras's signature; LoRA and quantization are not supported yet.

    Shapes: the kernel's axes follow the equation's second operand (sizes from the input for
    contracted letters, from ``output_shape`` for output letters); the bias spans the output
    letters from the first bias axis on, 1 where a letter is not in ``bias_axes``.
    """

    def __init__(
        self,
        equation,
        output_shape,
        activation=None,
        bias_axes=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        gptq_unpacked_column_size=None,
        quantization_config=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        _reject_unsupported("EinsumDense", lora_rank, quantization_config)
        self.equation = equation
        if isinstance(output_shape, int):
            self.partial_output_shape = (output_shape,)
        else:
            self.partial_output_shape = tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.gptq_unpacked_column_size = gptq_unpacked_column_size

    def build(self, input_shape):
        kernel_shape, bias_shape, _, input_axes, output_axes = _analyze_einsum(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape
        )
        self.input_spec = InputSpec(ndim=len(input_shape))
        self.kernel = self.add_weight(
            name="kernel",
            shape=tuple(kernel_shape),
            initializer=self._kernel_initializer_with_fans(input_axes, output_axes),
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            dtype=self.dtype,
        )
        if bias_shape is None:
            self.bias = None
        else:
            self.bias = self.add_weight(
                name="bias",
                shape=tuple(bias_shape),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                dtype=self.dtype,
            )

    def _kernel_initializer_with_fans(self, input_axes, output_axes):
        """Like Keras: a variance-scaling initializer counts fans over the einsum's axes."""
        initializer = self.kernel_initializer
        if not isinstance(initializer, initializers.VarianceScaling) or (
            initializer.input_axes is not None and initializer.output_axes is not None
        ):
            return initializer
        config = {**initializer.get_config(), "input_axes": input_axes, "output_axes": output_axes}
        clone = type(initializer).from_config(config)
        clone.seed = initializer.seed  # same draws as the original when not under `init(rng)`
        return clone

    def call(self, inputs, training=None):
        x = ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self.activation is not None:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape):
        return tuple(
            _analyze_einsum(self.equation, self.bias_axes, input_shape, self.partial_output_shape)[
                2
            ]
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "output_shape": self.partial_output_shape,
                "equation": self.equation,
                "activation": activations.serialize(self.activation),
                "bias_axes": self.bias_axes,
                "kernel_initializer": serialize_keras_object(self.kernel_initializer),
                "bias_initializer": serialize_keras_object(self.bias_initializer),
                "kernel_regularizer": serialize_keras_object(self.kernel_regularizer),
                "bias_regularizer": serialize_keras_object(self.bias_regularizer),
                "activity_regularizer": serialize_keras_object(self.activity_regularizer),
                "kernel_constraint": serialize_keras_object(self.kernel_constraint),
                "bias_constraint": serialize_keras_object(self.bias_constraint),
                "quantization_config": None,
            }
        )
        if self.gptq_unpacked_column_size:
            config["gptq_unpacked_column_size"] = self.gptq_unpacked_column_size
        return config


# The three equation forms EinsumDense accepts, with "..." written as "0", and whether the
# elided axes come first.
_EINSUM_FORMS = (
    (r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", False),
    (r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", True),
    (r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", False),
)


def _analyze_einsum(equation, bias_axes, input_shape, partial_output_shape):
    """``(kernel_shape, bias_shape, output_shape, input_axes, output_axes)`` for an equation.

    ``input_axes``/``output_axes`` are the kernel axes that count as fan-in and fan-out.
    """
    written = equation.replace("...", "0")
    for pattern, left_elided in _EINSUM_FORMS:
        match = re.match(pattern, written)
        if match:
            return _analyze_einsum_specs(
                *match.groups(), bias_axes, tuple(input_shape), partial_output_shape, left_elided
            )
    raise ValueError(
        f"Invalid einsum equation '{equation}'. Equations must be in the form "
        "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
    )


def _analyze_einsum_specs(
    input_spec, weight_spec, output_spec, bias_axes, input_shape, partial_output_shape, left_elided
):
    elided = len(input_shape) - len(input_spec)
    output_shape = [input_shape[0], *partial_output_shape]
    if elided > 0 and left_elided:
        output_shape[1:1] = input_shape[1:elided]
    elif elided > 0:
        output_shape.extend(input_shape[len(input_shape) - elided :])

    if left_elided:
        input_position = {dim: i + elided - len(input_shape) for i, dim in enumerate(input_spec)}
        output_position = {dim: i + elided for i, dim in enumerate(output_spec)}
    else:
        input_position = {dim: i for i, dim in enumerate(input_spec)}
        output_position = {dim: i for i, dim in enumerate(output_spec)}

    for dim in input_spec:
        if dim in output_position:
            input_size = input_shape[input_position[dim]]
            output_size = output_shape[output_position[dim]]
            if output_size is not None and output_size != input_size:
                raise ValueError(
                    f"Input shape and output shape do not match at shared dimension '{dim}'. "
                    f"Input shape is {input_size}, and output shape is {output_size}."
                )
    for dim in output_spec:
        if dim not in input_spec and dim not in weight_spec:
            # Keras's message names the output spec twice; kept identical.
            raise ValueError(
                f"Dimension '{dim}' was specified in the output '{output_spec}' but has no "
                f"corresponding dim in the input spec '{input_spec}' or weight spec '{output_spec}'"
            )

    kernel_shape, input_axes, output_axes = [], [], []
    for axis, dim in enumerate(weight_spec):
        if dim in output_position:
            kernel_shape.append(output_shape[output_position[dim]])
            output_axes.append(axis)
        elif dim in input_position:
            kernel_shape.append(input_shape[input_position[dim]])
            input_axes.append(axis)
        else:
            raise ValueError(
                f"Weight dimension '{dim}' did not have a match in either the input spec "
                f"'{input_spec}' or the output spec '{output_spec}'. For this layer, the weight "
                "must be fully specified."
            )

    bias_shape = None
    if bias_axes is not None:
        for char in bias_axes:
            if char not in output_spec:
                raise ValueError(
                    f"Bias dimension '{char}' was requested, but is not part of the output spec "
                    f"'{output_spec}'"
                )
        offset = elided if left_elided else 0
        size_of = {char: output_shape[i + offset] for i, char in enumerate(output_spec)}
        first = min(output_spec.find(char) for char in bias_axes)
        bias_shape = [size_of[char] if char in bias_axes else 1 for char in output_spec[first:]]
        if not left_elided:
            bias_shape.extend([1] * max(elided, 0))
    return kernel_shape, bias_shape, output_shape, input_axes, output_axes


@keras_export("keras.layers")
class Embedding(Layer):
    """Looks up rows of an ``(input_dim, output_dim)`` table by integer index.

    Example:
    >>> layer = kerasish.layers.Embedding(1000, 64, mask_zero=True)
    >>> layer(jnp.array([[4, 20, 0]])).shape
    (1, 3, 64)

    Arguments:
        input_dim: vocabulary size (largest index + 1), a positive int.
        output_dim: size of each embedding vector, a positive int.
        embeddings_initializer: initializer of the table (Keras default ``"uniform"``).
        embeddings_regularizer, embeddings_constraint: optional regularizer and constraint.
        mask_zero: whether index 0 is padding: the output mask is then ``inputs != 0``.
        weights: an optional initial table (or a one-element list holding it).
        lora_rank, lora_alpha, quantization_config: accepted for Keras's signature; LoRA and
            quantization are not supported yet (`NotImplementedError`).

    Shapes: ``(batch, ...)`` integers -> ``(batch, ..., output_dim)``; weight
    ``embeddings (input_dim, output_dim)``.
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        weights=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        for argument, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(
                    f"`{argument}` must be a positive integer. Received: {argument}={value} "
                    f"(of type {type(value).__name__})."
                )
        if kwargs.pop("input_length", None) is not None:
            warnings.warn("Argument `input_length` is deprecated. Just remove it.")
        super().__init__(**kwargs)
        _reject_unsupported("Embedding", lora_rank, quantization_config)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.autocast = False
        if weights is not None:
            self.build()
            self.built = True
            self.set_weights(
                weights if isinstance(weights, list) and len(weights) == 1 else [weights]
            )

    def build(self, input_shape=None):
        if self.built:
            return
        self.embeddings = self.add_weight(
            name="embeddings",
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )

    def call(self, inputs):
        if str(inputs.dtype) not in ("int32", "int64"):
            inputs = ops.cast(inputs, "int32")
        outputs = ops.take(self.embeddings, inputs, axis=0)
        return ops.cast(outputs, self.compute_dtype)

    def compute_mask(self, inputs, previous_mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": serialize_keras_object(self.embeddings_initializer),
                "embeddings_regularizer": serialize_keras_object(self.embeddings_regularizer),
                "activity_regularizer": serialize_keras_object(self.activity_regularizer),
                "embeddings_constraint": serialize_keras_object(self.embeddings_constraint),
                "mask_zero": self.mask_zero,
                "quantization_config": None,
            }
        )
        return config


@keras_export("keras.layers")
class Identity(Layer):
    """Returns its inputs unchanged (a placeholder); masks pass through.

    Example:
    >>> kerasish.layers.Identity()(jnp.ones((2, 3))).shape
    (2, 3)

    Shapes: any structure of tensors -> the same.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


@keras_export("keras.layers")
class Masking(Layer):
    """Masks the timesteps whose features all equal ``mask_value`` (and zeroes them).

    Example:
    >>> x = jnp.array([[[1.0, 2.0], [0.0, 0.0]]])
    >>> y = kerasish.layers.Masking(mask_value=0.0)(x)  # y's mask: [[True, False]]

    Arguments:
        mask_value: the padding value; a timestep is masked when every feature equals it.

    Shapes: ``(batch, timesteps, ..., features)`` -> the same; the output mask drops the last
    axis.
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(mask_value, dict) and mask_value.get("config", None):
            mask_value = serialization.deserialize_keras_object(mask_value)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs, previous_mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        outputs = ops.where(keep, inputs, 0)
        set_keras_mask(outputs, ops.squeeze(keep, axis=-1))
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["mask_value"] = serialize_keras_object(self.mask_value)
        return config


_BUILTIN_FUNCTION_MODULES = (
    "activations",
    "constraints",
    "initializers",
    "losses",
    "metrics",
    "optimizers",
    "regularizers",
)


@keras_export("keras.layers")
class Lambda(Layer):
    """Wraps a function of tensors as a layer.

    Example:
    >>> layer = kerasish.layers.Lambda(lambda x: x**2)
    >>> layer(jnp.array([[1.0, 2.0]])).tolist()
    [[1.0, 4.0]]

    Arguments:
        function: called as ``function(inputs, **arguments)`` (plus ``mask=``/``training=`` when
            it names them).
        output_shape: the output shape without the batch axis, or a function of the full input
            shape; inferred by tracing ``function`` when None.
        mask: None (no output mask), a tensor, or ``mask(inputs, previous_mask)``.
        arguments: extra keyword arguments for ``function``.

    Shapes: whatever ``function`` returns.

    Saving: a named function (built-in, registered with `register_keras_serializable`, or passed
    in ``custom_objects`` when loading) is saved by name. A Python ``lambda`` is saved in Keras's
    ``__lambda__`` form so that Keras can read the file, but kerasish never loads it back: it
    would mean running bytecode from a file (refused even with ``safe_mode=False``).
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.arguments = arguments or {}
        self.function = function
        self.supports_masking = mask is not None
        self.mask = mask
        self._output_shape = output_shape
        function_arguments = inspect.getfullargspec(function).args
        self._fn_expects_training_arg = "training" in function_arguments
        self._fn_expects_mask_arg = "mask" in function_arguments

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, previous_mask=None):
        if callable(self.mask):
            return self.mask(inputs, previous_mask)
        return self.mask

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            try:
                return super().compute_output_shape(input_shape)
            except Exception as error:
                raise NotImplementedError(
                    "We could not automatically infer the shape of the Lambda's output. Please "
                    "specify the `output_shape` argument for this Lambda layer."
                ) from error
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch_size = _first_dim(input_shape)
        return _map_shapes(lambda shape: (batch_size, *shape), self._output_shape)

    def get_config(self):
        config = super().get_config()
        config["function"] = _serialize_function(self.function)
        if self._output_shape is not None:
            if callable(self._output_shape):
                config["output_shape"] = _serialize_function(self._output_shape)
            else:
                config["output_shape"] = self._output_shape
        if self.mask is not None:
            if callable(self.mask):
                config["mask"] = _serialize_function(self.mask)
            else:
                config["mask"] = serialize_keras_object(self.mask)
        config["arguments"] = serialize_keras_object(self.arguments)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=True):
        """Rebuilds the layer, resolving functions by name only (see the class docstring).

        Raises:
            ValueError: for a function saved as Python bytecode (``__lambda__``), whatever
                ``safe_mode`` is, or for a function name that nothing registers.
        """
        config = dict(config)
        config["function"] = _deserialize_function(config["function"], custom_objects, "function")
        if "output_shape" in config:
            output_shape = config["output_shape"]
            if _is_function_config(output_shape):
                output_shape = _deserialize_function(output_shape, custom_objects, "output_shape")
            config["output_shape"] = _tuple_shapes(output_shape)
        if config.get("mask") is not None:
            mask = config["mask"]
            if _is_function_config(mask):
                config["mask"] = _deserialize_function(mask, custom_objects, "mask")
            else:
                config["mask"] = serialization.deserialize_keras_object(mask, custom_objects)
        if "arguments" in config:
            config["arguments"] = serialization.deserialize_keras_object(
                config["arguments"], custom_objects
            )
        return super().from_config(config)


def _first_dim(shapes):
    """The first dimension of the first shape in a structure of shapes (the batch size)."""
    if isinstance(shapes, dict):
        shapes = list(shapes.values())
    if isinstance(shapes, (list, tuple)) and shapes and not _is_dim(shapes[0]):
        return _first_dim(shapes[0])
    return shapes[0] if shapes else None


def _is_dim(value):
    return value is None or isinstance(value, int)


def _map_shapes(function, shapes):
    if isinstance(shapes, dict):
        return {key: _map_shapes(function, value) for key, value in shapes.items()}
    if isinstance(shapes, (list, tuple)) and shapes and not _is_dim(shapes[0]):
        return type(shapes)(_map_shapes(function, shape) for shape in shapes)
    return function(tuple(shapes))


def _tuple_shapes(value):
    if isinstance(value, list) and all(isinstance(d, (int, type(None))) for d in value):
        return tuple(value)
    return value


def _serialize_function(function):
    """Keras's config for a function: by name, or the ``__lambda__`` bytecode form."""
    if inspect.isfunction(function) and function.__name__ == "<lambda>":
        return {"class_name": "__lambda__", "config": _lambda_metadata(function)}
    if inspect.isfunction(function) or inspect.isbuiltin(function):
        return {
            "module": "builtins",
            "class_name": "function",
            "config": serialization.get_registered_name(function),
            "registered_name": "function",
        }
    if callable(function):
        return serialize_keras_object(function)
    raise ValueError(
        f"Invalid input type for serialization. Received: {function} of type {type(function)}."
    )


def _lambda_metadata(function):
    """``code``/``defaults``/``closure`` as Keras writes them; written for Keras, never read here."""
    import codecs
    import marshal

    code = codecs.encode(marshal.dumps(function.__code__), "base64").decode("ascii")
    closure = (
        tuple(cell.cell_contents for cell in function.__closure__) if function.__closure__ else None
    )
    return {"code": code, "defaults": function.__defaults__, "closure": closure}


def _is_function_config(config):
    return isinstance(config, dict) and config.get("class_name") in ("__lambda__", "function")


def _deserialize_function(config, custom_objects, argument):
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        raise ValueError(
            f"Requested the deserialization of a `Lambda` layer whose `{argument}` is a Python "
            "lambda saved as bytecode. kerasish never loads code from a config, whatever "
            "`safe_mode` is (with `safe_mode=True` or `safe_mode=False` alike). Define the "
            "function with `def`, decorate it with `@keras.saving.register_keras_serializable()` "
            "(or pass it in `custom_objects`), and save the model again."
        )
    if isinstance(config, dict) and config.get("class_name") == "function":
        name = config.get("config")
        found = _lookup_function(name, custom_objects) if isinstance(name, str) else None
        if found is None:
            raise ValueError(
                f"Could not locate function '{name}' for the `{argument}` of a `Lambda` layer. "
                "Register it with `@keras.saving.register_keras_serializable()` or pass it in "
                "`custom_objects`; functions are never imported from a module named in a config."
            )
        return found
    return serialization.deserialize_keras_object(config, custom_objects)


def _lookup_function(name, custom_objects):
    """A function by name from custom objects, the registry, then Keras's built-in modules."""
    found = serialization.get_registered_object(name, custom_objects)
    if found is not None:
        return found
    for module in _BUILTIN_FUNCTION_MODULES:
        candidate = serialization.builtin_objects(f"keras.{module}").get(name)
        if candidate is not None and not inspect.isclass(candidate):
            return candidate
    if ">" not in name:
        # Keras <= 3.6 saved registered functions by bare name.
        for custom_name, custom_object in (custom_objects or {}).items():
            if custom_name.endswith(f">{name}"):
                return custom_object
    return None
