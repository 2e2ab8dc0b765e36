"""`Dropout` and `ActivityRegularization`."""

from kerasish import random, regularizers
from kerasish.engine.layer import Layer
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class Dropout(Layer):
    """Zeroes a fraction ``rate`` of the inputs in training and scales the rest by ``1 / (1 - rate)``.

    Example:
    >>> layer = kerasish.layers.Dropout(0.5, seed=0)
    >>> layer(jnp.ones((2, 4)), training=True).shape  # entries are 0.0 or 2.0
    (2, 4)
    >>> layer(jnp.ones((2, 4))).tolist()  # inference: unchanged
    [[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]]

    Arguments:
        rate: fraction of the inputs to drop, a float in ``[0, 1]``.
        noise_shape: shape of the keep/drop mask, broadcast to the inputs; None entries take
            the input's size (``(None, 1, None)`` drops whole features for every timestep).
        seed: int seed of the layer's `SeedGenerator`.

    Randomness: inside ``apply(..., training=True, rng=key)`` the mask comes from ``key``;
    without ``rng`` it comes from the seed generator, whose advanced state ``apply`` returns.

    Shapes: any -> the same.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(
                "Invalid value received for argument `rate`. Expected a float value between 0 "
                f"and 1. Received: rate={rate}"
            )
        self.rate = rate
        self.seed = seed
        self.noise_shape = _validate_noise_shape(noise_shape)
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return random.dropout(
                inputs, self.rate, noise_shape=self.noise_shape, seed=self.seed_generator
            )
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config


@keras_export("keras.layers")
class ActivityRegularization(Layer):
    """Passes its inputs through and adds ``l1 * sum(|x|) + l2 * sum(x**2)`` (divided by the
    batch size) to the losses.

    Example:
    >>> layer = kerasish.layers.ActivityRegularization(l1=0.1)
    >>> y = layer(jnp.array([[1.0, -2.0]]))
    >>> [round(float(loss), 4) for loss in layer.losses]
    [0.3]

    Arguments:
        l1, l2: the regularization factors.

    Inside a pure ``apply``, the penalty is one of the call's losses (what `fit` adds to the
    training loss). Shapes: any -> the same.
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        config.update({"l1": self.l1, "l2": self.l2})
        return config


def _validate_noise_shape(noise_shape):
    if noise_shape is None:
        return None
    prefix = "Invalid value received for argument `noise_shape`. "
    if isinstance(noise_shape, str):
        raise ValueError(
            prefix + f"Expected a tuple or list of integers. Received: noise_shape={noise_shape}"
        )
    try:
        noise_shape = tuple(noise_shape)
    except TypeError:
        raise ValueError(
            prefix + "Expected an iterable of integers (e.g., a tuple or list). "
            f"Received: noise_shape={noise_shape}"
        ) from None
    for index, dim in enumerate(noise_shape):
        if dim is None:
            continue
        if not isinstance(dim, int):
            raise ValueError(
                prefix + "Expected all elements to be integers or None. "
                f"Received element at index {index}: {dim} (type: {type(dim).__name__})"
            )
        if dim <= 0:
            raise ValueError(
                prefix + "Expected all dimensions to be positive integers or None. "
                f"Received negative or zero value at index {index}: {dim}"
            )
    return noise_shape
