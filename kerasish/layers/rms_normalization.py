"""`RMSNormalization`: divides by the root mean square and scales."""

from kerasish import ops
from kerasish.engine.layer import Layer
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class RMSNormalization(Layer):
    """Root mean square normalization (Zhang & Sennrich, 2019):
    ``x * rsqrt(mean(x ** 2, axis) + epsilon) * scale``.

    Example:
    >>> layer = kerasish.layers.RMSNormalization()
    >>> [round(v, 3) for v in layer(jnp.array([[1.0, 7.0]])).tolist()[0]]
    [0.2, 1.4]

    Arguments:
        axis: int or list of ints, the axes normalized (and that ``scale`` spans); a sorted
            list once built, as in Keras.
        epsilon: added to the mean square.

    Shapes: any -> the same; weight ``scale`` of shape ``input_shape[axis]``.
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon

    def build(self, input_shape):
        if isinstance(self.axis, (list, tuple)):
            self.axis = sorted(self.axis)
            shape = tuple(input_shape[axis] for axis in self.axis)
        else:
            shape = (input_shape[self.axis],)
            self.axis = [self.axis]
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")

    def call(self, x):
        return ops.rms_normalization(x, scale=self.scale, axis=self.axis, epsilon=self.epsilon)

    def compute_output_shape(self, input_shape):
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        for axis in axes:
            if axis >= len(input_shape) or axis < -len(input_shape):
                raise ValueError(
                    f"Axis {axis} is out of bounds for input shape {input_shape}. "
                    f"Received: axis={self.axis}"
                )
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "epsilon": self.epsilon})
        return config
