"""`Discretization`: buckets continuous values by boundaries, given or adapted as quantiles."""

import jax.numpy as jnp
import numpy as np

from kerasish.backend.config import floatx
from kerasish.engine import structure
from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.layer import Layer
from kerasish.layers.preprocessing._adapt_data import adapt_batches
from kerasish.layers.preprocessing.category_encoding import (
    encode_categorical_inputs,
    encoded_shape,
    reject_sparse,
)
from kerasish.saving.serialization import keras_export

_OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


@keras_export("keras.layers")
class Discretization(Layer):
    """Places each value in one of the contiguous ranges between ``bin_boundaries``.

    Example:
    >>> layer = kerasish.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    >>> layer(np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]])).tolist()
    [[0, 2, 3, 1], [1, 3, 2, 1]]
    >>> layer = kerasish.layers.Discretization(num_bins=4, epsilon=0.01)
    >>> layer.adapt(np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]]))
    >>> [round(b, 3) for b in layer.bin_boundaries]
    [0.0, 0.5, 1.3]

    Arguments:
        bin_boundaries: increasing boundaries; the bins are ``(-inf, b0)``, ``[b0, b1)``, ...,
            ``[bn, inf)``. Not with ``adapt``.
        num_bins: the number of bins whose boundaries ``adapt`` learns as quantiles.
        epsilon: the quantile error tolerance of ``adapt`` (Keras's summary algorithm: the
            same boundaries as Keras for the same data and batches).
        output_mode: ``"int"`` (the bin index, int32), ``"one_hot"``, ``"multi_hot"`` or
            ``"count"`` (as `CategoryEncoding`, over ``len(bin_boundaries) + 1`` bins).
        sparse: must be False (kerasish has no sparse tensors).

    The boundaries are configuration, not weights (as in Keras): they save in the config,
    adapted or not, and are constants of the traced function.
    """

    def __init__(
        self,
        bin_boundaries=None,
        num_bins=None,
        epsilon=0.01,
        output_mode="int",
        sparse=False,
        dtype=None,
        name=None,
    ):
        super().__init__(name=name, dtype=dtype)
        if sparse and output_mode == "int":
            raise ValueError(
                "`sparse=True` may only be used if `output_mode` is `'one_hot'`, "
                f"`'multi_hot'`, or `'count'`. Received: sparse={sparse} and "
                f"output_mode={output_mode}"
            )
        reject_sparse(self.name, sparse)
        if output_mode not in _OUTPUT_MODES:
            raise ValueError(
                "Unknown value for `output_mode` argument of Discretization. Allowed values "
                f"are: {_OUTPUT_MODES}. Received: output_mode={output_mode}"
            )
        if num_bins is not None and num_bins < 0:
            raise ValueError(
                f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`"
            )
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                "Both `num_bins` and `bin_boundaries` should not be set. Received: "
                f"`num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`"
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries = bin_boundaries
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self.summary = None if bin_boundaries else _empty_summary()
        self.built = True

    @property
    def input_dtype(self):
        return floatx()

    @property
    def output_dtype(self):
        return self.compute_dtype if self.output_mode != "int" else "int32"

    def adapt(self, data, steps=None):
        """Learns ``num_bins - 1`` quantile boundaries from ``data``.

        Arguments:
            data: an array, or an iterable of batches (a list of arrays, a generator, a
                `PyDataset`-like object); ``(x, y)`` batches use ``x``.
            steps: with an iterable, the number of batches to read (all by default).
        """
        if self.num_bins is None:
            raise ValueError(
                "Cannot adapt a Discretization layer that has been initialized with "
                "`bin_boundaries`, use `num_bins` instead."
            )
        self.reset_state()
        for batch in adapt_batches(data, steps, self.name):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        summary = _summarize(np.asarray(data).astype("float32"), self.epsilon)
        self.summary = _merge_summaries(summary, self.summary, self.epsilon)

    def finalize_state(self):
        if self.num_bins is None:
            return
        self.bin_boundaries = _compress(self.summary, 1.0 / self.num_bins)[0, :-1].tolist()
        structure.constants_changed()  # calls traced with the old boundaries are stale

    def reset_state(self):
        if self.num_bins is not None:
            self.summary = _empty_summary()

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(
                "You need to either pass the `bin_boundaries` argument at construction time "
                "or call `adapt(dataset)` before you can start using the `Discretization` "
                "layer."
            )
        inputs = jnp.asarray(inputs, self.input_dtype)
        indices = jnp.digitize(inputs, jnp.asarray(self.bin_boundaries, self.input_dtype))
        return encode_categorical_inputs(
            indices, self.output_mode, len(self.bin_boundaries) + 1, self.output_dtype
        )

    def compute_output_shape(self, input_shape):
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        return encoded_shape(input_shape, self.output_mode, depth)

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.output_dtype)

    def get_config(self):
        return {
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            # An adapted layer has both; the constructor accepts only one.
            bin_boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = bin_boundaries
            return layer
        return cls(**config)


# Keras's streaming quantile summary: a (2, n) array of values and their weights.
def _empty_summary():
    return np.array([[], []], dtype="float32")


def _summarize(values, epsilon):
    """Every ``1 / epsilon``-th value of the sorted ``values``, each weighing that many."""
    values = np.sort(np.reshape(values, [-1]))
    # Computed as Keras does (size / (1 / epsilon)), so `int(step)` rounds the same way.
    step = max(np.size(values) / (1.0 / epsilon), 1)
    boundaries = values[int(step - 1) :: int(step)]
    return np.stack([boundaries, np.ones_like(boundaries) * step])


def _merge_summaries(first, second, epsilon):
    merged = np.concatenate((first, second), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return _compress(merged, epsilon)


def _compress(summary, epsilon):
    """The summary interpolated at the ``epsilon``-spaced quantiles (when it is larger)."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    cumulative_fraction = cumulative / cumulative[-1]
    values = np.interp(percents, cumulative_fraction, summary[0])
    cumulative = np.interp(percents, cumulative_fraction, cumulative)
    weights = cumulative - np.concatenate((np.array([0]), cumulative[:-1]))
    return np.stack((values, weights)).astype("float32")
