"""`Bidirectional`: one recurrent layer run forwards, a copy run backwards, outputs merged."""

import jax.numpy as jnp

from kerasish.engine.layer import Layer
from kerasish.saving.serialization import (
    deserialize_keras_object,
    keras_export,
    serialize_keras_object,
)

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _renamed_copy(layer, prefix, **overrides):
    """A fresh layer from ``layer``'s config, named ``<prefix><name>`` (prefix not doubled)."""
    config = serialize_keras_object(layer)
    name = layer.name[len(prefix) :] if layer.name.startswith(prefix) else layer.name
    config["config"] = {**config["config"], **overrides, "name": f"{prefix}{name}"}
    config.pop("build_config", None)
    return deserialize_keras_object(config)


@keras_export("keras.layers")
class Bidirectional(Layer):
    """Runs a recurrent layer over the sequence in both directions and merges the outputs.

    Example:
    >>> layer = kerasish.layers.Bidirectional(kerasish.layers.LSTM(4, return_sequences=True))
    >>> layer(jnp.ones((2, 5, 3))).shape
    (2, 5, 8)

    Arguments:
        layer: a recurrent layer (`RNN`, `LSTM`, `GRU` ... or any layer with
            ``go_backwards``, ``return_sequences``, ``return_state`` and a config). It is
            recreated from its config as ``forward_<name>``: its weights are not reused.
        merge_mode: ``"concat"`` (default), ``"sum"``, ``"mul"``, ``"ave"``, or None for the
            list ``[forward, backward]``.
        weights: optional initial weights, the forward layer's then the backward layer's,
            set once the layer is built.
        backward_layer: the layer for the backward direction; by default a copy of ``layer``
            with ``go_backwards=True`` named ``backward_<name>``. It must agree with
            ``layer`` on ``stateful``, ``return_sequences`` and ``return_state`` and differ on
            ``go_backwards``.

    Call arguments: as the wrapped layer's; an ``initial_state`` list goes half to the
    forward layer, half to the backward one.

    Outputs: the backward sequence is flipped back to the input's time order before merging.
    With ``return_sequences``, masked steps output zeros (``zero_output_for_mask``) in both
    directions. With ``return_state`` the forward states then the backward ones follow the
    output.
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. "
                f"Received: {layer}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                f"`backward_layer` need to be a `keras.layers.Layer` instance. Received: "
                f"{backward_layer}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        super().__init__(**kwargs)
        self.forward_layer = _renamed_copy(layer, "forward_")
        if backward_layer is None:
            backward_layer = _renamed_copy(layer, "backward_", go_backwards=True)
        self.backward_layer = backward_layer
        if hasattr(layer, "use_cudnn"):
            self.forward_layer.use_cudnn = layer.use_cudnn
            self.backward_layer.use_cudnn = layer.use_cudnn
        self._verify_layer_config()
        for direction in (self.forward_layer, self.backward_layer):
            if getattr(direction, "zero_output_for_mask", None) is not None:
                direction.zero_output_for_mask = direction.return_sequences
        self.merge_mode = merge_mode
        self._initial_weights = list(weights) if weights else None
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _verify_layer_config(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                "Forward layer and backward layer should have different `go_backwards` value. "
                f"Received: forward_layer.go_backwards {forward.go_backwards}, "
                f"backward_layer.go_backwards={backward.go_backwards}"
            )
        for attribute in ("stateful", "return_sequences", "return_state"):
            forward_value = getattr(forward, attribute)
            backward_value = getattr(backward, attribute)
            if forward_value != backward_value:
                raise ValueError(
                    "Forward layer and backward layer are expected to have the same value for "
                    f'attribute "{attribute}", got "{forward_value}" for forward layer and '
                    f'"{backward_value}" for backward layer'
                )

    def build(self, sequences_shape, initial_state_shape=None):
        for direction in (self.forward_layer, self.backward_layer):
            if not direction.built:
                direction.build(sequences_shape)
        if self._initial_weights is not None:
            half = len(self._initial_weights) // 2
            self.forward_layer.set_weights(self._initial_weights[:half])
            self.backward_layer.set_weights(self._initial_weights[half:])
            self._initial_weights = None

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        if self.forward_layer._call_has_training_arg:
            kwargs["training"] = training
        if self.forward_layer._call_has_mask_arg:
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        forward = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        backward = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(forward[1:]) + tuple(backward[1:])
            forward, backward = forward[0], backward[0]
        forward = forward.astype(self.compute_dtype)
        backward = backward.astype(self.compute_dtype)
        if self.return_sequences:
            backward = jnp.flip(backward, axis=1)
        output = self._merge(forward, backward)
        if not self.return_state:
            return output
        return (*output, *states) if self.merge_mode is None else (output, *states)

    def _merge(self, forward, backward):
        if self.merge_mode == "concat":
            return jnp.concatenate([forward, backward], axis=-1)
        if self.merge_mode == "sum":
            return forward + backward
        if self.merge_mode == "ave":
            return (forward + backward) / 2
        if self.merge_mode == "mul":
            return forward * backward
        return (forward, backward)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        output_shape = self.forward_layer.compute_output_shape(sequences_shape)
        state_shapes = ()
        if self.return_state:
            output_shape, state_shapes = output_shape[0], tuple(output_shape[1:])
        if self.merge_mode == "concat":
            output_shape = (*output_shape[:-1], output_shape[-1] * 2)
        if self.merge_mode is None:
            outputs = (output_shape, output_shape)
        else:
            outputs = (output_shape,) if self.return_state else output_shape
        if self.return_state:
            return (*outputs, *state_shapes, *state_shapes)
        return outputs

    def compute_mask(self, inputs, mask):
        if isinstance(mask, list):
            mask = mask[0]
        if self.return_sequences:
            output_mask = (mask, mask) if not self.merge_mode else mask
        else:
            output_mask = (None, None) if not self.merge_mode else None
        if self.return_state and self.states is not None:
            state_masks = tuple(None for _ in self.states)
            if isinstance(output_mask, tuple):
                return output_mask + state_masks * 2
            return (output_mask,) + state_masks * 2
        return output_mask

    @property
    def states(self):
        if self.forward_layer.states and self.backward_layer.states:
            return tuple(self.forward_layer.states + self.backward_layer.states)
        return None

    def reset_state(self):
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self):
        """Alias of `reset_state` (Keras keeps both)."""
        self.reset_state()

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "merge_mode": self.merge_mode,
                "layer": serialize_keras_object(self.forward_layer),
                "backward_layer": serialize_keras_object(self.backward_layer),
            }
        )
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = deserialize_keras_object(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize_keras_object(
                config["backward_layer"], custom_objects
            )
        return super().from_config(config)
