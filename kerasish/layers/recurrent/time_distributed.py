"""`TimeDistributed`: applies one layer to every timestep of a sequence."""

import jax
import jax.numpy as jnp

from kerasish.engine.layer import Layer
from kerasish.layers.recurrent.wrapper import Wrapper
from kerasish.saving.serialization import keras_export


@keras_export("keras.layers")
class TimeDistributed(Wrapper):
    """Applies ``layer`` to every temporal slice ``inputs[:, t]``, with the same weights.

    Example:
    >>> layer = kerasish.layers.TimeDistributed(kerasish.layers.Dense(8))
    >>> layer(jnp.ones((2, 10, 3))).shape
    (2, 10, 8)

    Arguments:
        layer: a `Layer` taking ``(batch, ...)`` inputs.

    Call arguments: ``inputs`` ``(batch, time, ...)``; ``training``, and ``mask``
    ``(batch, time, ...)``, passed on to ``layer`` when its ``call`` takes them.

    The timesteps are folded into the batch axis, so ``layer`` runs once on
    ``(batch * time, ...)``: the same numbers as Keras's step-by-step loop for layers that
    treat samples independently (`Dense`, convolutions ...). A layer whose training call mixes
    samples (`BatchNormalization` batch statistics) sees all timesteps as one batch instead of
    one batch per timestep.

    Shapes: ``(batch, time, *step_shape)`` -> ``(batch, time, *layer_output_shape)``.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` "
                f"instance. Received: {layer}"
            )
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _get_child_input_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 "
                f"dimensions, received: {input_shape}"
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape):
        super().build(self._get_child_input_shape(input_shape))

    def compute_output_shape(self, input_shape):
        child_output_shape = self.layer.compute_output_shape(
            self._get_child_input_shape(input_shape)
        )
        return (child_output_shape[0], input_shape[1], *child_output_shape[1:])

    def call(self, inputs, training=None, mask=None):
        if mask is not None:
            _check_mask(mask.shape, inputs.shape)
        batch, steps = inputs.shape[:2]
        kwargs = {}
        if self.layer._call_has_mask_arg and mask is not None:
            kwargs["mask"] = _merge_time_into_batch(mask)
        if self.layer._call_has_training_arg:
            kwargs["training"] = training
        outputs = self.layer.call(_merge_time_into_batch(inputs), **kwargs)
        return jax.tree.map(lambda y: jnp.reshape(y, (batch, steps, *y.shape[1:])), outputs)


def _merge_time_into_batch(x):
    return jnp.reshape(x, (x.shape[0] * x.shape[1], *x.shape[2:]))


def _check_mask(mask_shape, input_shape):
    if len(mask_shape) < 2:
        raise ValueError(
            "The `mask` passed to the `TimeDistributed` layer must be at least 2D (e.g., "
            f"`(batch_size, timesteps)`), but it has {len(mask_shape)} dimension(s) with shape "
            f"{mask_shape}."
        )
    if tuple(mask_shape[:2]) != tuple(input_shape[:2]):
        raise ValueError(
            f"The `mask` passed to the `TimeDistributed` layer has a shape {mask_shape} that is "
            f"incompatible with the input shape {input_shape}. The first two dimensions of the "
            "mask (batch size and timesteps) must match the input's first two dimensions. "
            f"Expected mask shape prefix: ({input_shape[0]}, {input_shape[1]})."
        )
