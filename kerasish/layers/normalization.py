"""`LayerNormalization` and `BatchNormalization`."""

import warnings

import jax.numpy as jnp

from kerasish import constraints, initializers, ops, regularizers
from kerasish.backend import epsilon as default_epsilon
from kerasish.engine.input_spec import InputSpec
from kerasish.engine.layer import Layer
from kerasish.saving.serialization import keras_export, serialize_keras_object


def _float_compute_dtype(dtype):
    """``dtype`` promoted to at least float32: half precision is normalized in float32."""
    return str(jnp.result_type(dtype, jnp.float32))


def _check_axes_in_range(axes, input_shape, axis_argument):
    for axis in axes:
        if axis >= len(input_shape) or axis < -len(input_shape):
            raise ValueError(
                f"Axis {axis} is out of bounds for input shape {input_shape}. "
                f"Received: axis={axis_argument}"
            )


@keras_export("keras.layers")
class LayerNormalization(Layer):
    """Normalizes each sample over ``axis`` to zero mean and unit variance, then scales and shifts.

    Example:
    >>> layer = kerasish.layers.LayerNormalization()
    >>> y = layer(jnp.array([[1.0, 2.0, 3.0]]))
    >>> [round(float(value), 3) for value in y[0]]
    [-1.224, 0.0, 1.224]

    Arguments:
        axis: int or list of ints, the axes normalized (and that ``gamma``/``beta`` span).
        epsilon: added to the variance.
        center, scale: whether to add ``beta`` and multiply by ``gamma``.
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
        beta_constraint, gamma_constraint: for the two weights.
        rms_scaling: deprecated in Keras (scales by the variance, keeps no ``beta``); accepted.

    Half-precision inputs are normalized in float32 and the result is cast to the layer's
    compute dtype, as in Keras.

    Shapes: any -> the same; weights ``gamma``, ``beta`` of shape ``input_shape[axis]``.
    """

    def __init__(
        self,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            warnings.warn(
                "You passed `rms_scaling=True`, which is deprecated. This argument incorrectly "
                "scales the input by the variance, not the root mean square. To correctly use "
                "RMS Normalization, please use `keras.layers.RMSNormalization` instead."
            )
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                "Expected an int or a list/tuple of ints for the argument 'axis', but "
                f"received: {axis!r}"
            )
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.autocast = False

    def build(self, input_shape):
        # As in Keras, `axis` becomes a sorted list once built (and so in `get_config`).
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        shape = tuple(input_shape[axis] for axis in self.axis)
        self.gamma = None
        self.beta = None
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(
                name="gamma",
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                autocast=False,
            )
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(
                name="beta",
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                autocast=False,
            )

    def call(self, inputs):
        outputs = ops.layer_normalization(
            inputs, self.gamma, self.beta, self.axis, self.epsilon, rms_scaling=self.rms_scaling
        )
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        _check_axes_in_range(axes, input_shape, self.axis)
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "rms_scaling": self.rms_scaling,
                "beta_initializer": serialize_keras_object(self.beta_initializer),
                "gamma_initializer": serialize_keras_object(self.gamma_initializer),
                "beta_regularizer": serialize_keras_object(self.beta_regularizer),
                "gamma_regularizer": serialize_keras_object(self.gamma_regularizer),
                "beta_constraint": serialize_keras_object(self.beta_constraint),
                "gamma_constraint": serialize_keras_object(self.gamma_constraint),
            }
        )
        return config


@keras_export("keras.layers")
class BatchNormalization(Layer):
    """Normalizes with batch statistics in training and moving averages of them in inference.

    Example:
    >>> layer = kerasish.layers.BatchNormalization()
    >>> params, state = layer.init(jax.random.key(0), (None, 3))
    >>> y, state = layer.apply(params, state, jnp.ones((4, 3)), training=True)
    >>> sorted(state)  # the updated moving statistics
    ['moving_mean', 'moving_variance']

    Arguments:
        axis: the features axis (one int); statistics reduce over all the others.
        momentum: moving average factor: ``moving = moving * momentum + batch * (1 - momentum)``.
        epsilon: added to the variance.
        center, scale: whether to add ``beta`` and multiply by ``gamma``.
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer, beta_regularizer, gamma_regularizer, beta_constraint,
        gamma_constraint: for the weights.
        renorm, renorm_clipping, renorm_momentum: batch renormalization (Ioffe, 2017);
            ``renorm_clipping`` may hold ``rmax``, ``rmin``, ``dmax``.
        synchronized: accepted for Keras's signature. Keras allows True only on TensorFlow;
            here it is a no-op, because under `jax.jit` with a batch-sharded input the batch
            statistics are already global.

    Training: when called with ``training=True`` on a trainable layer, the moving statistics
    are assigned (so a pure ``apply`` returns them in its new ``state``). A mask (one axis
    fewer than the inputs) excludes masked positions from the batch statistics.

    Shapes: any -> the same; weights ``gamma``, ``beta``, ``moving_mean``, ``moving_variance``
    (then ``moving_stddev``, ``renorm_mean``, ``renorm_stddev`` with ``renorm``), each of
    shape ``(input_shape[axis],)``.
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        renorm=False,
        renorm_clipping=None,
        renorm_momentum=0.99,
        synchronized=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.synchronized = synchronized
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.renorm = renorm
        if renorm:
            _validate_renorm_clipping(renorm_clipping or {})
            renorm_clipping = renorm_clipping or {}
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.gamma = None
        self.beta = None
        self.moving_mean = None
        self.moving_variance = None
        self._reduction_axes = None

    def build(self, input_shape):
        shape = (input_shape[self.axis],)
        if self.scale:
            self.gamma = self.add_weight(
                name="gamma",
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                autocast=False,
            )
        if self.center:
            self.beta = self.add_weight(
                name="beta",
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                autocast=False,
            )
        self.moving_mean = self.add_weight(
            name="moving_mean",
            shape=shape,
            initializer=self.moving_mean_initializer,
            trainable=False,
            autocast=False,
        )
        self.moving_variance = self.add_weight(
            name="moving_variance",
            shape=shape,
            initializer=self.moving_variance_initializer,
            trainable=False,
            autocast=False,
        )
        if self.renorm:
            # Renorm tracks the inference standard deviation (sqrt of the variance initializer).
            stddev_initializer = _SqrtInitializer(self.moving_variance_initializer)
            self.moving_stddev = self.add_weight(
                name="moving_stddev",
                shape=shape,
                initializer=stddev_initializer,
                trainable=False,
                autocast=False,
            )
            self.renorm_mean = self.add_weight(
                name="renorm_mean",
                shape=shape,
                initializer=_clone_initializer(self.moving_mean_initializer),
                trainable=False,
                autocast=False,
            )
            self.renorm_stddev = self.add_weight(
                name="renorm_stddev",
                shape=shape,
                initializer=stddev_initializer,
                trainable=False,
                autocast=False,
            )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: input_shape[self.axis]})
        self._reduction_axes = [
            a for a in range(len(input_shape)) if a != self.axis % len(input_shape)
        ]

    def call(self, inputs, training=None, mask=None):
        if mask is not None and len(mask.shape) != len(inputs.shape) - 1:
            raise ValueError(
                "The mask provided should be one dimension less than the inputs. Received: "
                f"mask.shape={mask.shape}, inputs.shape={inputs.shape}"
            )
        # Half precision overflows easily here: normalize in at least float32.
        inputs = ops.cast(inputs, _float_compute_dtype(inputs.dtype))
        moving_mean = ops.cast(self.moving_mean, inputs.dtype)
        moving_variance = ops.cast(self.moving_variance, inputs.dtype)
        gamma = ops.cast(self.gamma, inputs.dtype) if self.scale else None
        beta = ops.cast(self.beta, inputs.dtype) if self.center else None

        if training and self.trainable:
            mean, variance = self._moments(inputs, mask)
            if self.renorm:
                r, d = self._renorm_corrections(mean, variance)
                gamma, beta = _compose_renorm(r, d, gamma, beta, inputs.dtype)
                self._update_renorm_statistics(mean, variance)
            else:
                self.moving_mean.assign(moving_mean * self.momentum + mean * (1.0 - self.momentum))
                self.moving_variance.assign(
                    moving_variance * self.momentum + variance * (1.0 - self.momentum)
                )
        else:
            mean, variance = moving_mean, moving_variance

        outputs = ops.batch_normalization(
            inputs, mean, variance, axis=self.axis, offset=beta, scale=gamma, epsilon=self.epsilon
        )
        return ops.cast(outputs, self.compute_dtype)

    def _moments(self, inputs, mask):
        if mask is None:
            return ops.moments(inputs, axes=self._reduction_axes)
        weights = ops.broadcast_to(ops.expand_dims(mask, axis=-1), inputs.shape)
        weights = ops.cast(weights, "bool")
        weight_sum = ops.sum(ops.cast(weights, inputs.dtype), self._reduction_axes, keepdims=True)
        # The same epsilon as Keras keeps an all-masked batch finite.
        denominator = weight_sum + default_epsilon()
        mean = (
            ops.sum(ops.where(weights, inputs, 0), self._reduction_axes, keepdims=True)
            / denominator
        )
        squared = ops.square(ops.where(weights, inputs - mean, 0))
        variance = ops.sum(squared, self._reduction_axes, keepdims=True) / denominator
        return ops.squeeze(mean), ops.squeeze(variance)

    def _renorm_corrections(self, mean, variance):
        """The ``r`` and ``d`` factors of batch renormalization, clipped."""
        stddev = ops.sqrt(variance + self.epsilon)
        renorm_mean = ops.cast(self.renorm_mean, mean.dtype)
        renorm_stddev = ops.maximum(
            ops.cast(self.renorm_stddev, mean.dtype), ops.sqrt(ops.cast(self.epsilon, mean.dtype))
        )
        r = ops.divide(stddev, renorm_stddev)
        d = ops.divide(ops.subtract(mean, renorm_mean), renorm_stddev)
        rmin, rmax, dmax = (self.renorm_clipping.get(key) for key in ("rmin", "rmax", "dmax"))
        if rmin is not None:
            r = ops.maximum(r, rmin)
        if rmax is not None:
            r = ops.minimum(r, rmax)
        if dmax is not None:
            d = ops.clip(d, -dmax, dmax)
        return r, d

    def _update_renorm_statistics(self, mean, variance):
        stddev = ops.sqrt(variance + self.epsilon)
        renorm_mean = ops.cast(self.renorm_mean, mean.dtype)
        renorm_stddev = ops.cast(self.renorm_stddev, mean.dtype)
        self.renorm_mean.assign(
            renorm_mean * self.renorm_momentum + mean * (1.0 - self.renorm_momentum)
        )
        self.renorm_stddev.assign(
            renorm_stddev * self.renorm_momentum + stddev * (1.0 - self.renorm_momentum)
        )
        moving_mean = ops.cast(self.moving_mean, mean.dtype)
        moving_stddev = ops.cast(self.moving_stddev, mean.dtype)
        self.moving_mean.assign(moving_mean * self.momentum + mean * (1.0 - self.momentum))
        new_stddev = moving_stddev * self.momentum + stddev * (1.0 - self.momentum)
        self.moving_stddev.assign(new_stddev)
        # relu: rounding may take stddev**2 - epsilon slightly below zero.
        self.moving_variance.assign(ops.relu(new_stddev * new_stddev - self.epsilon))

    def compute_output_shape(self, input_shape):
        _check_axes_in_range([self.axis], input_shape, self.axis)
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": serialize_keras_object(self.beta_initializer),
                "gamma_initializer": serialize_keras_object(self.gamma_initializer),
                "moving_mean_initializer": serialize_keras_object(self.moving_mean_initializer),
                "moving_variance_initializer": serialize_keras_object(
                    self.moving_variance_initializer
                ),
                "beta_regularizer": serialize_keras_object(self.beta_regularizer),
                "gamma_regularizer": serialize_keras_object(self.gamma_regularizer),
                "beta_constraint": serialize_keras_object(self.beta_constraint),
                "gamma_constraint": serialize_keras_object(self.gamma_constraint),
                "synchronized": self.synchronized,
                "renorm": self.renorm,
                "renorm_clipping": self.renorm_clipping,
                "renorm_momentum": self.renorm_momentum,
            }
        )
        return config


def _validate_renorm_clipping(clipping):
    keys = ["rmax", "rmin", "dmax"]
    if set(clipping) - set(keys):
        raise ValueError(
            f"Received invalid keys for `renorm_clipping` argument: {clipping}. "
            f"Supported values: {keys}."
        )
    rmax, rmin, dmax = clipping.get("rmax"), clipping.get("rmin"), clipping.get("dmax")
    if rmax is not None and rmin is not None and rmax < rmin:
        raise ValueError(
            "rmax should be greater than rmin in the `renorm_clipping` argument. "
            f"Received: rmax={rmax}, rmin={rmin}."
        )
    if dmax is not None and dmax < 0:
        raise ValueError(
            f"dmax should be non-negative in the `renorm_clipping` argument. Received: dmax={dmax}."
        )


def _compose_renorm(r, d, gamma, beta, dtype):
    """``(x * r + d) * gamma + beta`` as one scale and offset; r and d carry no gradient."""
    r, d = ops.stop_gradient(r), ops.stop_gradient(d)
    if gamma is not None:
        scale, offset = ops.multiply(r, gamma), ops.multiply(d, gamma)
    else:
        scale, offset = ops.cast(r, dtype), ops.cast(d, dtype)
    if beta is not None:
        offset = ops.add(offset, beta)
    return scale, offset


def _clone_initializer(initializer):
    if isinstance(initializer, initializers.Initializer):
        return type(initializer).from_config(initializer.get_config())
    return initializer


class _SqrtInitializer:
    """The square root of what ``initializer`` draws (a fresh clone each call, as Keras)."""

    def __init__(self, initializer):
        self.initializer = initializer

    def __call__(self, shape, dtype=None):
        return ops.sqrt(_clone_initializer(self.initializer)(shape, dtype=dtype))
