"""`keras.initializers`: callables ``(shape, dtype=None) -> array`` that make starting weights.

Every class has Keras 3's constructor arguments, ``get_config()`` and aliases, so configs
move between the two libraries. Random initializers draw through `kerasish.random`:

- ``seed=<int>`` gives the same values on every call, as in Keras;
- ``seed=SeedGenerator(...)`` gives new values on every call;
- ``seed=None`` picks an int seed at construction (``get_config()["seed"]`` stays None),
  except inside ``Model.init(rng)`` (an active `InitScope`), where the key comes from
  ``rng`` so that initialization is a pure function of it.

Example:
>>> from kerasish import initializers
>>> initializers.get("glorot_uniform")((3, 4)).shape
(3, 4)
>>> initializers.serialize(initializers.Ones())["class_name"]
'Ones'
"""

import math

import jax
import jax.numpy as jnp
import numpy as np

from kerasish import random
from kerasish.engine.scope import InitScope
from kerasish.engine.variables import standardize_dtype
from kerasish.random.seed_generator import SeedGenerator, make_default_seed
from kerasish.saving import serialization
from kerasish.utils.serialization_utils import deserialize_from_table

_MODULE = "keras.initializers"


@serialization.keras_export(_MODULE)
class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None)`` and ``get_config()``.

    Example:
    >>> class Halves(Initializer):
    ...     def __call__(self, shape, dtype=None):
    ...         return jnp.full(shape, 0.5, dtype=standardize_dtype(dtype))
    >>> Halves()((2,)).tolist()
    [0.5, 0.5]
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError("Initializer subclasses must implement the `__call__()` method.")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return self.__class__.from_config(self.get_config())


# -- constant initializers -------------------------------------------------------------------


@serialization.keras_export(_MODULE)
class Constant(Initializer):
    """Fills with one scalar ``value``, cast to the requested dtype.

    Example:
    >>> Constant(3.0)((2,)).tolist()
    [3.0, 3.0]
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dtype = standardize_dtype(dtype)
        return jnp.asarray(self.value).astype(dtype) * jnp.ones(tuple(shape), dtype=dtype)

    def get_config(self):
        return {"value": serialization.serialize_keras_object(self.value)}

    @classmethod
    def from_config(cls, config):
        if "value" not in config:
            return cls()
        return cls(serialization.deserialize_keras_object(config["value"]))


@serialization.keras_export(_MODULE)
class Zeros(Initializer):
    """Fills with 0.

    Example:
    >>> Zeros()((2,), dtype="int32").tolist()
    [0, 0]
    """

    def __call__(self, shape, dtype=None):
        return jnp.zeros(tuple(shape), dtype=standardize_dtype(dtype))


@serialization.keras_export(_MODULE)
class Ones(Initializer):
    """Fills with 1.

    Example:
    >>> Ones()((2,)).tolist()
    [1.0, 1.0]
    """

    def __call__(self, shape, dtype=None):
        return jnp.ones(tuple(shape), dtype=standardize_dtype(dtype))


@serialization.keras_export(_MODULE)
class Identity(Initializer):
    """``gain`` times the identity matrix; 2D shapes only (rectangular ones allowed).

    Example:
    >>> Identity(gain=2.0)((2, 3)).tolist()
    [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]]
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        return self.gain * jnp.eye(*shape, dtype=standardize_dtype(dtype))

    def get_config(self):
        # Keras 3.15 leaves `gain` out of its config (so it is lost on reload); Keras's
        # `from_config` accepts it, so we keep it.
        return {"gain": self.gain}


@serialization.keras_export(_MODULE)
class STFT(Initializer):
    """Conv kernel computing the real or imaginary part of a short-time Fourier transform.

    The kernel shape is ``(frame_length, input_channels, fft_length // 2 + 1)``; ``window``
    is a `scipy.signal.windows` name, an array of ``frame_length`` values, or None.

    Example:
    >>> STFT("real", "hann")((16, 1, 9)).shape
    (16, 1, 9)
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ["real", "imag"]:
            raise ValueError(f"side should be 'real' or 'imag', not {side}")
        if isinstance(window, str):
            _get_window(window, 1)  # raises for an unknown window name
        if scaling is not None and scaling not in ["density", "spectrum"]:
            raise ValueError(
                "Scaling is invalid, it must be `None`, 'density' "
                f"or 'spectrum'. Received scaling={scaling}"
            )
        self.side = side
        self.window = window
        self.scaling = scaling
        self.periodic = periodic

    def __call__(self, shape, dtype=None):
        dtype = standardize_dtype(dtype)
        frame_length, _, fft_length = shape
        window = None
        scaling = 1
        if self.window is not None:
            window = self.window
            if isinstance(window, str):
                window = _get_window(window, frame_length, self.periodic)
            window = jnp.asarray(window, dtype=dtype)
            if window.ndim != 1 or window.shape[-1] != frame_length:
                raise ValueError(
                    "The shape of `window` must be equal to [frame_length]."
                    f"Received: window shape={window.shape}"
                )
            window = window.reshape(frame_length, 1, 1)
            if self.scaling == "density":
                scaling = jnp.sqrt(jnp.sum(jnp.square(window)))
            elif self.scaling == "spectrum":
                scaling = jnp.sum(jnp.abs(window))
        frequency = jnp.arange(fft_length, dtype=dtype).reshape(1, 1, fft_length) / (
            (fft_length - 1) * 2
        )
        time = jnp.arange(frame_length, dtype=dtype).reshape(frame_length, 1, 1)
        angle = (-2 * time * frequency) * jnp.arccos(jnp.asarray(-1, dtype))
        kernel = (jnp.cos(angle) if self.side == "real" else jnp.sin(angle)).astype(dtype)
        if window is not None:
            kernel = kernel * window / scaling
        return kernel

    def get_config(self):
        return {
            "side": self.side,
            "window": self.window,
            "periodic": self.periodic,
            "scaling": self.scaling,
        }


def _get_window(name, length, periodic=False):
    from scipy import signal

    return signal.get_window(name, length, fftbins=periodic)


# -- random initializers ---------------------------------------------------------------------


class RandomInitializer(Initializer):
    """Shared seed handling of the random initializers (see the module docstring)."""

    def __init__(self, seed=None):
        self._init_seed = seed
        if seed is None:
            seed = make_default_seed()
        elif isinstance(seed, dict):
            seed = serialization.deserialize_keras_object(seed)
        elif not isinstance(seed, (int, SeedGenerator)):
            raise ValueError(
                "`seed` argument should be an instance of "
                "`keras.random.SeedGenerator()` or an integer. "
                f"Received: seed={seed}"
            )
        self.seed = seed

    def _call_seed(self):
        """The seed to draw with: None defers to the active `InitScope`'s rng."""
        if self._init_seed is None and InitScope.current() is not None:
            return None
        return self.seed

    def get_config(self):
        return {"seed": serialization.serialize_keras_object(self._init_seed)}


@serialization.keras_export(_MODULE)
class RandomNormal(RandomInitializer):
    """Normal samples with ``mean`` and ``stddev``.

    Example:
    >>> RandomNormal(stddev=1.0, seed=0)((2, 2)).shape
    (2, 2)
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.normal(
            tuple(shape), mean=self.mean, stddev=self.stddev, dtype=dtype, seed=self._call_seed()
        )

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@serialization.keras_export(_MODULE)
class TruncatedNormal(RandomInitializer):
    """Normal samples with ``mean`` and ``stddev``, redrawn beyond two standard deviations.

    Example:
    >>> float(abs(TruncatedNormal(stddev=1.0, seed=0)((1000,))).max()) <= 2.0
    True
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.truncated_normal(
            tuple(shape), mean=self.mean, stddev=self.stddev, dtype=dtype, seed=self._call_seed()
        )

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@serialization.keras_export(_MODULE)
class RandomUniform(RandomInitializer):
    """Uniform samples in ``[minval, maxval)``.

    Example:
    >>> RandomUniform(0.0, 1.0, seed=0)((3,)).shape
    (3,)
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.uniform(
            tuple(shape),
            minval=self.minval,
            maxval=self.maxval,
            dtype=dtype,
            seed=self._call_seed(),
        )

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


@serialization.keras_export(_MODULE)
class VarianceScaling(RandomInitializer):
    """Samples whose variance is ``scale / n``, ``n`` the fan-in, fan-out or their mean.

    ``distribution`` is ``"truncated_normal"`` (``"normal"`` means the same),
    ``"untruncated_normal"`` or ``"uniform"`` (within ``±sqrt(3 * scale / n)``).
    ``input_axes``/``output_axes`` name the kernel axes that make the fans.

    Example:
    >>> VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform", seed=0)((4, 5)).shape
    (4, 5)
    """

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        input_axes=None,
        output_axes=None,
    ):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        allowed_modes = {"fan_in", "fan_out", "fan_avg"}
        if mode not in allowed_modes:
            raise ValueError(f"Invalid `mode` argument: {mode}. Please use one of {allowed_modes}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        allowed_distributions = {"uniform", "truncated_normal", "untruncated_normal"}
        if distribution not in allowed_distributions:
            raise ValueError(
                f"Invalid `distribution` argument: {distribution}."
                f"Please use one of {allowed_distributions}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, fan)
        seed = self._call_seed()
        if self.distribution == "truncated_normal":
            # The standard deviation of a unit normal truncated to [-2, 2].
            stddev = math.sqrt(scale) / 0.87962566103423978
            return random.truncated_normal(shape, mean=0.0, stddev=stddev, dtype=dtype, seed=seed)
        if self.distribution == "untruncated_normal":
            return random.normal(shape, mean=0.0, stddev=math.sqrt(scale), dtype=dtype, seed=seed)
        limit = math.sqrt(3.0 * scale)
        return random.uniform(shape, minval=-limit, maxval=limit, dtype=dtype, seed=seed)

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


def compute_fans(shape, input_axes=None, output_axes=None):
    """``(fan_in, fan_out)`` of a kernel shape; conv kernels are ``(*spatial, in, out)``."""
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return math.prod(shape[axis] for axis in input_axes), math.prod(
            shape[axis] for axis in output_axes
        )
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    receptive_field = math.prod(shape[:-2])
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


class _FixedVarianceScaling(VarianceScaling):
    """A `VarianceScaling` preset: only the seed and the fan axes are arguments."""

    _preset = {}

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(**self._preset, seed=seed, input_axes=input_axes, output_axes=output_axes)

    def get_config(self):
        return {
            "seed": serialization.serialize_keras_object(self._init_seed),
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


@serialization.keras_export(_MODULE)
class GlorotUniform(_FixedVarianceScaling):
    """Uniform in ``±sqrt(6 / (fan_in + fan_out))`` (Xavier uniform).

    Example:
    >>> GlorotUniform(seed=0)((3, 4)).shape
    (3, 4)
    """

    _preset = {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform"}


@serialization.keras_export(_MODULE)
class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal with stddev ``sqrt(2 / (fan_in + fan_out))`` (Xavier normal).

    Example:
    >>> GlorotNormal(seed=0)((3, 4)).shape
    (3, 4)
    """

    _preset = {"scale": 1.0, "mode": "fan_avg", "distribution": "truncated_normal"}


@serialization.keras_export(_MODULE)
class LecunNormal(_FixedVarianceScaling):
    """Truncated normal with stddev ``sqrt(1 / fan_in)``.

    Example:
    >>> LecunNormal(seed=0)((3, 4)).shape
    (3, 4)
    """

    _preset = {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"}


@serialization.keras_export(_MODULE)
class LecunUniform(_FixedVarianceScaling):
    """Uniform in ``±sqrt(3 / fan_in)``.

    Example:
    >>> LecunUniform(seed=0)((3, 4)).shape
    (3, 4)
    """

    _preset = {"scale": 1.0, "mode": "fan_in", "distribution": "uniform"}


@serialization.keras_export(_MODULE)
class HeNormal(_FixedVarianceScaling):
    """Truncated normal with stddev ``sqrt(2 / fan_in)``.

    Example:
    >>> HeNormal(seed=0)((3, 4)).shape
    (3, 4)
    """

    _preset = {"scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal"}


@serialization.keras_export(_MODULE)
class HeUniform(_FixedVarianceScaling):
    """Uniform in ``±sqrt(6 / fan_in)``.

    Example:
    >>> HeUniform(seed=0)((3, 4)).shape
    (3, 4)
    """

    _preset = {"scale": 2.0, "mode": "fan_in", "distribution": "uniform"}


@serialization.keras_export(_MODULE)
class Orthogonal(RandomInitializer):
    """``gain`` times a random orthogonal matrix (QR of a normal sample, signs fixed).

    Shapes of rank > 2 are treated as ``(prod(shape[:-1]), shape[-1])`` matrices.

    Example:
    >>> q = Orthogonal(seed=0)((3, 3))
    >>> bool(jnp.allclose(q @ q.T, jnp.eye(3), atol=1e-5))
    True
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        num_rows = math.prod(shape[:-1])
        num_cols = shape[-1]
        flat_shape = (max(num_cols, num_rows), min(num_cols, num_rows))
        sample = random.normal(flat_shape, seed=self._call_seed(), dtype=dtype)
        q, r = jnp.linalg.qr(sample)
        q = q * jnp.sign(jnp.diag(r))
        if num_rows < num_cols:
            q = q.T
        return self.gain * q.reshape(shape)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


# -- aliases, lookup, serialization ----------------------------------------------------------

constant = Constant
zeros = Zeros
ones = Ones
identity = IdentityInitializer = Identity
stft = STFTInitializer = STFT
random_normal = RandomNormal
truncated_normal = TruncatedNormal
random_uniform = RandomUniform
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
he_normal = HeNormal
he_uniform = HeUniform
orthogonal = OrthogonalInitializer = Orthogonal

# Every name Keras resolves: class names, their snake_case, and older spellings.
# fmt: off
_NAMES = {
    Initializer: ["initializer"], Constant: ["constant"], Zeros: ["zeros", "zero"],
    Ones: ["ones", "one"], Identity: ["identity", "IdentityInitializer"],
    STFT: ["stft", "STFTInitializer"], RandomNormal: ["random_normal", "normal"],
    TruncatedNormal: ["truncated_normal"], RandomUniform: ["random_uniform", "uniform"],
    VarianceScaling: ["variance_scaling"], GlorotUniform: ["glorot_uniform"],
    GlorotNormal: ["glorot_normal"], LecunNormal: ["lecun_normal"],
    LecunUniform: ["lecun_uniform"], HeNormal: ["he_normal"], HeUniform: ["he_uniform"],
    Orthogonal: ["orthogonal", "OrthogonalInitializer"],
}
# fmt: on
ALL_OBJECTS_DICT = {name: cls for cls, names in _NAMES.items() for name in [cls.__name__, *names]}
for _name, _cls in ALL_OBJECTS_DICT.items():
    if _name != _cls.__name__:
        serialization.keras_export(_MODULE, name=_name)(_cls)


def serialize(initializer):
    """The Keras config dict of an initializer."""
    return serialization.serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """An initializer from a config dict or a name; an unknown name comes back unchanged."""
    return deserialize_from_table(config, ALL_OBJECTS_DICT, custom_objects)


def get(identifier):
    """An initializer from a name, a config dict, an instance, a class, a callable or an array.

    An array ``a`` gives ``lambda shape, dtype=None: a`` (cast), checking ``shape``.

    Example:
    >>> get("he_normal").get_config()
    {'seed': None, 'input_axes': None, 'output_axes': None}
    >>> get(None) is None
    True
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        found = deserialize(identifier)
    elif isinstance(identifier, str):
        found = deserialize({"class_name": identifier, "config": {}})
    elif isinstance(identifier, (np.ndarray, np.generic, jax.Array)):
        found = _array_initializer(identifier)
    else:
        found = identifier
    if callable(found):
        return found() if isinstance(found, type) else found
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")


def _array_initializer(array):
    def initialize_fn(shape, dtype=None):
        if tuple(shape) != tuple(array.shape):
            raise ValueError(
                f"Expected `shape` to be {array.shape} for direct tensor as initializer. "
                f"Received shape={shape}"
            )
        return jnp.asarray(array).astype(standardize_dtype(dtype))

    return initialize_fn
