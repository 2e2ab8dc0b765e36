"""`SpectralNormalization`: a wrapper that divides a layer's kernel by its spectral norm."""

from jax import lax

from kerasish import initializers, ops
from kerasish.engine.input_spec import InputSpec
from kerasish.layers.recurrent.wrapper import Wrapper
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class SpectralNormalization(Wrapper):
    """Constrains the spectral norm of a layer's ``kernel`` (or ``embeddings``) to about 1
    (Miyato et al., 2018), estimating it by power iteration.

    Example:
    >>> layer = kerasish.layers.SpectralNormalization(kerasish.layers.Dense(3))
    >>> params, state = layer.init(jax.random.key(0), (None, 4))
    >>> y, state = layer.apply(params, state, jnp.ones((2, 4)), training=True)
    >>> y.shape, state["vector_u"].shape
    ((2, 3), (1, 3))

    Arguments:
        layer: a layer with a ``kernel`` (`Dense`, convolutions...) or ``embeddings``
            (`Embedding`) weight.
        power_iterations: power-iteration steps per training call.

    Training: each training call refines the singular-vector estimate ``vector_u`` (a
    non-trainable weight, so a pure ``apply`` returns it in its new ``state``) and runs the
    wrapped layer with ``kernel / sigma``; gradients flow through ``sigma`` to the kernel.
    Called eagerly, the normalized kernel is also written back into the wrapped layer, as in
    Keras; inside ``apply`` and ``fit`` the kernel itself stays as the optimizer leaves it.
    Inference uses the kernel as it is.

    Weights (in order): the wrapped kernel, ``vector_u`` of shape ``(1, kernel.shape[-1])``,
    then the wrapped layer's other weights.
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if power_iterations <= 0:
            raise ValueError(
                "`power_iterations` should be greater than zero. Received: "
                f"`power_iterations={power_iterations}`"
            )
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        if hasattr(self.layer, "kernel"):
            self.kernel = self.layer.kernel
        elif hasattr(self.layer, "embeddings"):
            self.kernel = self.layer.embeddings
        else:
            raise ValueError(
                f"{type(self.layer).__name__} object has no attribute 'kernel' nor 'embeddings'"
            )
        self.kernel_shape = self.kernel.shape
        self.vector_u = self.add_weight(
            shape=(1, self.kernel_shape[-1]),
            initializer=initializers.TruncatedNormal(stddev=0.02),
            trainable=False,
            name="vector_u",
            dtype=self.kernel.dtype,
        )

    def call(self, inputs, training=False):
        if training:
            kernel = self.kernel.value
            # An all-zero kernel has no direction to estimate: leave both as they are.
            vector_u, kernel = lax.cond(
                ops.all(ops.equal(kernel, 0)),
                lambda: (self.vector_u.value, kernel),
                self.normalized_weights,
            )
            self.vector_u.assign(vector_u)
            self.kernel.assign(kernel)
        outputs = self.layer(inputs)
        return ops.cast(outputs, inputs.dtype)

    def normalized_weights(self):
        """``(vector_u, kernel / sigma)`` after ``power_iterations`` steps from ``vector_u``."""
        weights = ops.reshape(self.kernel.value, (-1, self.kernel_shape[-1]))
        vector_u = self.vector_u.value
        for _ in range(self.power_iterations):
            vector_v = ops.normalize(ops.matmul(vector_u, ops.transpose(weights)), axis=None)
            vector_u = ops.normalize(ops.matmul(vector_v, weights), axis=None)
        vector_u = ops.stop_gradient(vector_u)
        vector_v = ops.stop_gradient(vector_v)
        sigma = ops.matmul(ops.matmul(vector_v, weights), ops.transpose(vector_u))
        kernel = ops.reshape(ops.divide(self.kernel.value, sigma), self.kernel_shape)
        return ops.cast(vector_u, self.vector_u.dtype), ops.cast(kernel, self.kernel.dtype)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["power_iterations"] = self.power_iterations
        return config
