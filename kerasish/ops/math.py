"""`keras.ops.math`: segment reductions, top-k, FFTs, STFT and special functions.

Complex results are returned as Keras returns them: a ``(real, imag)`` pair of float
tensors, and complex inputs are taken as such pairs too.
"""

import jax
import jax.numpy as jnp
import scipy.signal

from kerasish.ops._dispatch import keras_op
from kerasish.ops.core import named_op


# -- segment reductions ------------------------------------------------------------------
def _segment(name, jax_function, doc):
    def op(data, segment_ids, num_segments=None, sorted=False):
        if num_segments is None:
            raise ValueError(
                "Argument `num_segments` must be set when using the JAX backend. "
                "Received: num_segments=None"
            )
        data, segment_ids = jnp.asarray(data), jnp.asarray(segment_ids)
        if segment_ids.ndim != 1:
            raise ValueError(
                f"Argument `segment_ids` should be an 1-D vector, got shape: {segment_ids.shape}"
            )
        return jax_function(data, segment_ids, num_segments, indices_are_sorted=sorted)

    return named_op(op, name, doc)


segment_sum = _segment("segment_sum", jax.ops.segment_sum, "Sum of ``data`` per segment.")
segment_max = _segment("segment_max", jax.ops.segment_max, "Maximum of ``data`` per segment.")
segment_min = _segment("segment_min", jax.ops.segment_min, "Minimum of ``data`` per segment.")
segment_prod = _segment("segment_prod", jax.ops.segment_prod, "Product of ``data`` per segment.")


# -- ranking -----------------------------------------------------------------------------
@keras_op
def top_k(x, k, sorted=True):
    """``(values, indices)`` of the ``k`` largest entries along the last axis (always sorted)."""
    return jax.lax.top_k(jnp.asarray(x), k)


@keras_op
def in_top_k(targets, predictions, k):
    """Whether each target's prediction is among the ``k`` largest (NaN never counts)."""
    targets, predictions = jnp.asarray(targets), jnp.asarray(predictions)
    target_scores = jnp.take_along_axis(predictions, targets[..., None], axis=-1)
    target_scores = jnp.where(jnp.isnan(target_scores), -jnp.inf, target_scores)
    rank = 1 + jnp.sum(predictions > target_scores, axis=-1)
    return rank <= k


# -- special functions -------------------------------------------------------------------
@keras_op
def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` along ``axis``, computed stably."""
    axis = tuple(axis) if isinstance(axis, list) else axis
    return jax.scipy.special.logsumexp(jnp.asarray(x), axis=axis, keepdims=keepdims)


@keras_op
def rsqrt(x):
    """``1 / sqrt(x)``, element-wise."""
    return jax.lax.rsqrt(jnp.asarray(x))


@keras_op
def erf(x):
    """The error function, element-wise."""
    return jax.lax.erf(jnp.asarray(x))


@keras_op
def erfc(x):
    """The complementary error function, element-wise."""
    return jax.scipy.special.erfc(jnp.asarray(x))


@keras_op
def erfinv(x):
    """The inverse error function, element-wise."""
    return jax.scipy.special.erfinv(jnp.asarray(x))


@keras_op
def logdet(x):
    """``log(det(x))`` of positive-definite matrices."""
    return jnp.linalg.slogdet(jnp.asarray(x))[1]


@keras_op
def cdist(x, y):
    """Euclidean distances between the rows of ``x`` and ``y`` (batched over leading axes)."""
    x, y = jnp.asarray(x), jnp.asarray(y)
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError("`cdist` inputs must have rank >= 2")
    if x.shape[-1] != y.shape[-1]:
        raise ValueError("Last dimension of inputs to `cdist` must match")
    difference = x[..., :, None, :] - y[..., None, :, :]
    return jnp.sqrt(jnp.sum(difference * difference, axis=-1))


@keras_op
def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` every ``sequence_stride`` along the last axis."""
    x = jnp.asarray(x)
    starts = jnp.arange(0, x.shape[-1] - sequence_length + 1, sequence_stride)
    return x[..., starts[:, None] + jnp.arange(sequence_length)]


# -- complex values as (real, imag) pairs ------------------------------------------------
def _complex_from_pair(x):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(
            f"Input `x` should be a tuple of two tensors - real and imaginary. Received: x={x}"
        )
    real, imag = jnp.asarray(x[0]), jnp.asarray(x[1])
    if real.shape != imag.shape:
        raise ValueError(
            "Input `x` should be a tuple of two tensors - real and imaginary. Both the real "
            "and imaginary parts should have the same shape. "
            f"Received: x[0].shape = {real.shape}, x[1].shape = {imag.shape}"
        )
    if not (jnp.issubdtype(real.dtype, jnp.floating) and jnp.issubdtype(imag.dtype, jnp.floating)):
        raise ValueError(f"At least one tensor in input `x` is not of type float. Received: x={x}.")
    return jax.lax.complex(real, imag)


def _pair(z):
    return jnp.real(z), jnp.imag(z)


@keras_op
def view_as_complex(x):
    """A complex64 tensor from a real tensor whose last axis holds (real, imag)."""
    x = jnp.asarray(x)
    if x.ndim < 1 or x.shape[-1] != 2:
        raise ValueError(
            "Last dimension of input must be size 2 (real and imaginary). "
            f"Received shape: {x.shape}"
        )
    return jax.lax.complex(x[..., 0].astype("float32"), x[..., 1].astype("float32"))


@keras_op
def view_as_real(x):
    """A real tensor whose new last axis holds (real, imag) of the complex ``x``."""
    x = jnp.asarray(x)
    return jnp.stack([jnp.real(x), jnp.imag(x)], axis=-1)


@keras_op
def fft(x):
    """FFT over the last axis of a ``(real, imag)`` pair."""
    return _pair(jnp.fft.fft(_complex_from_pair(x)))


@keras_op
def fft2(x):
    """2-D FFT over the last two axes of a ``(real, imag)`` pair."""
    return _pair(jnp.fft.fft2(_complex_from_pair(x)))


@keras_op
def ifft2(x):
    """Inverse 2-D FFT over the last two axes of a ``(real, imag)`` pair."""
    return _pair(jnp.fft.ifft2(_complex_from_pair(x)))


@keras_op
def rfft(x, fft_length=None):
    """Real FFT over the last axis, as ``(real, imag)``."""
    return _pair(jnp.fft.rfft(jnp.asarray(x), n=fft_length, axis=-1))


@keras_op
def irfft(x, fft_length=None):
    """Inverse real FFT over the last axis of a ``(real, imag)`` pair."""
    return jnp.fft.irfft(_complex_from_pair(x), n=fft_length, axis=-1)


def _stft_window(window, sequence_length, fft_length, dtype):
    """The analysis window, zero-padded on both sides to ``fft_length``."""
    if window is None:
        return jnp.ones((fft_length,), dtype)
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(
                'If a string is passed to `window`, it must be one of `"hann"`, `"hamming"`. '
                f"Received: window={window}"
            )
        window = scipy.signal.get_window(window, sequence_length)
    window = jnp.asarray(window, dtype)
    if window.shape != (sequence_length,):
        raise ValueError(
            "The shape of `window` must be equal to [sequence_length]. "
            f"Received: window shape={window.shape}"
        )
    left = (fft_length - sequence_length) // 2
    return jnp.pad(window, (left, fft_length - sequence_length - left))


@keras_op
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform along the last axis, as ``(real, imag)``."""
    if not isinstance(sequence_stride, int) or sequence_stride <= 0:
        raise ValueError(
            f"`sequence_stride` must be a positive integer. Received: sequence_stride={sequence_stride}"
        )
    x = jnp.asarray(x)
    if x.dtype.name not in ("float32", "float64"):
        raise TypeError(
            f"Invalid input type. Expected `float32` or `float64`. Received: input type={x.dtype}"
        )
    if fft_length < sequence_length:
        raise ValueError(
            "`fft_length` must equal or larger than `sequence_length`. "
            f"Received: sequence_length={sequence_length}, fft_length={fft_length}"
        )
    window = _stft_window(window, sequence_length, fft_length, x.dtype)
    if center:
        pad_width = [(0, 0)] * (x.ndim - 1) + [(fft_length // 2, fft_length // 2)]
        x = jnp.pad(x, pad_width, mode="reflect")
    frames = extract_sequences(x, fft_length, sequence_stride)
    return _pair(jnp.fft.rfft(frames * window, n=fft_length, axis=-1))


@keras_op
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse short-time Fourier transform of a ``(real, imag)`` pair (overlap-add)."""
    if not isinstance(sequence_stride, int) or sequence_stride <= 0:
        raise ValueError(
            f"`sequence_stride` must be a positive integer. Received: sequence_stride={sequence_stride}"
        )
    spectrum = _complex_from_pair(x)
    if spectrum.ndim < 2:
        raise ValueError(
            f"Input `x` must have at least 2 dimensions. Received shape: {spectrum.shape}"
        )
    dtype = jnp.real(spectrum).dtype
    num_frames = spectrum.shape[-2]
    frames = jnp.fft.irfft(spectrum, n=fft_length, axis=-1)
    window = _stft_window(window, sequence_length, fft_length, dtype)
    output_length = fft_length + sequence_stride * (num_frames - 1)
    positions = (jnp.arange(num_frames) * sequence_stride)[:, None] + jnp.arange(fft_length)
    batch_shape = frames.shape[:-2]
    signal = jnp.zeros((*batch_shape, output_length), dtype)
    signal = signal.at[..., positions].add(frames * window)
    # Normalise by the summed squared window wherever it is not negligible, as
    # `scipy.signal.istft` does.
    window_energy = jnp.zeros((output_length,), dtype).at[positions].add(window * window)
    signal = signal / jnp.where(window_energy > 1e-10, window_energy, 1.0)
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = output_length - fft_length // 2
    else:
        end = output_length
    return signal[..., start:end]
