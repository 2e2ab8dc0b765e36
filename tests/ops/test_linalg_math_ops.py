"""`kerasish.ops` linear algebra and math functions against `keras.ops`."""

import jax.numpy as jnp
import keras
import numpy as np
import pytest
from ops_comparison import case, check_case, parametrize_cases, run_cases

from kerasish import ops

rng = np.random.default_rng(2)


def normal(*shape, dtype="float32"):
    return rng.standard_normal(shape).astype(dtype)


A = normal(4, 4)
SPD = (A @ A.T + 4 * np.eye(4)).astype("float32")
LOWER = np.linalg.cholesky(SPD).astype("float32")
BATCH = normal(2, 3, 3)
TALL = normal(5, 3)
VECTOR = normal(4)
INTS = rng.integers(-3, 4, (3, 4)).astype("int32")
SIGNAL = normal(2, 32)
SCORES = normal(4, 6)
SEGMENT_DATA = normal(6, 3)
SEGMENT_IDS = np.array([0, 0, 1, 2, 2, 2])
COMPLEX = (normal(3, 4) + 1j * normal(3, 4)).astype("complex64")
PAIR = (normal(3, 8), normal(3, 8))

LINALG_CASES = [
    case("cholesky", SPD), case("cholesky", SPD, upper=True), case("cholesky_inverse", LOWER),
    case("cholesky_inverse", LOWER.T, upper=True), case("det", A), case("det", BATCH),
    case("eig", A), case("eigh", SPD), case("inv", A), case("inv", BATCH), case("lu_factor", A),
    case("lu_factor", BATCH), case("norm", A), case("norm", A, ord="fro"), case("norm", A, ord=1),
    case("norm", A, ord=np.inf, axis=(0, 1)), case("norm", VECTOR, ord=3), case("norm", INTS, axis=1),
    case("norm", BATCH, axis=-1, keepdims=True), case("norm", A, ord="nuc"), case("qr", TALL),
    case("qr", TALL, mode="complete"), case("solve", SPD, VECTOR), case("solve", SPD, A),
    case("solve_triangular", LOWER, VECTOR, lower=True), case("solve_triangular", LOWER.T, A),
    case("svd", TALL), case("svd", TALL, full_matrices=False), case("svd", BATCH, compute_uv=False),
    case("lstsq", TALL, normal(5)), case("lstsq", TALL, normal(5, 2), rcond=1e-3),
    case("matrix_rank", A), case("matrix_rank", np.outer(VECTOR, VECTOR), tol=1e-3),
    case("pinv", TALL), case("pinv", BATCH, rcond=1e-2),
]  # fmt: skip

MATH_CASES = [
    case("segment_sum", SEGMENT_DATA, SEGMENT_IDS, num_segments=4),
    case("segment_max", SEGMENT_DATA, SEGMENT_IDS, num_segments=3, sorted=True),
    case("segment_min", SEGMENT_DATA, SEGMENT_IDS, num_segments=3),
    case("segment_prod", SEGMENT_DATA, SEGMENT_IDS, num_segments=3),
    case("top_k", SCORES, 3), case("top_k", SCORES, 2, sorted=False),
    case("in_top_k", np.array([0, 1, 2, 5]), SCORES, 2), case("logsumexp", SCORES),
    case("logsumexp", SCORES, axis=1, keepdims=True), case("logsumexp", BATCH, axis=(0, 2)),
    case("rsqrt", np.abs(SCORES)), case("erf", SCORES), case("erfc", SCORES),
    case("erfinv", np.tanh(SCORES)), case("logdet", SPD), case("cdist", normal(4, 3), normal(5, 3)),
    case("cdist", normal(2, 4, 3), normal(2, 5, 3)), case("extract_sequences", SIGNAL, 8, 4),
    case("extract_sequences", normal(2, 3, 10), 3, 2), case("view_as_complex", normal(3, 4, 2)),
    case("view_as_real", COMPLEX), case("fft", PAIR), case("fft2", (normal(2, 4, 8), normal(2, 4, 8))),
    case("ifft2", (normal(2, 4, 8), normal(2, 4, 8))), case("rfft", SIGNAL),
    case("rfft", SIGNAL, fft_length=16), case("irfft", PAIR), case("irfft", PAIR, fft_length=10),
    case("stft", SIGNAL, 8, 4, 8), case("stft", SIGNAL, 6, 3, 8, window="hamming", center=False),
    case("stft", SIGNAL, 8, 4, 16, window=None), case("stft", SIGNAL, 8, 2, 8, window=np.hanning(8)),
]  # fmt: skip

SPECTRUM = tuple(np.asarray(part) for part in keras.ops.stft(SIGNAL, 8, 4, 8))
ISTFT_CASES = [
    case("istft", SPECTRUM, 8, 4, 8), case("istft", SPECTRUM, 8, 4, 8, length=30),
    case("istft", SPECTRUM, 8, 4, 8, window="hamming", center=False),
]  # fmt: skip

CASES = LINALG_CASES + MATH_CASES + ISTFT_CASES


@pytest.fixture(scope="module")
def outcomes():
    return run_cases(CASES, ops, keras.ops)


@parametrize_cases(CASES)
def test_matches_keras(key, c, outcomes):
    check_case(key, c, outcomes, ops, keras.ops, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("window", ["hann", None])
def test_istft_inverts_stft(window):
    # Without a window, Keras's JAX istft scales by the stride and does not invert its stft;
    # kerasish normalises by the window overlap as `scipy.signal.istft` does, so it does.
    spectrum = ops.stft(SIGNAL, 8, 2, 8, window=window)
    np.testing.assert_allclose(ops.istft(spectrum, 8, 2, 8, window=window), SIGNAL, atol=1e-5)


def test_jvp_matches_keras(same):
    def function(x):
        return jnp.sin(x) * x

    same(ops.jvp(function, (VECTOR,), (VECTOR,)), keras.ops.jvp(function, (VECTOR,), (VECTOR,)))
    with_aux = ops.jvp(lambda x: (function(x), x), (VECTOR,), (VECTOR,), has_aux=True)
    same(with_aux, keras.ops.jvp(lambda x: (function(x), x), (VECTOR,), (VECTOR,), has_aux=True))


def test_invalid_inputs_raise_like_keras():
    with pytest.raises(ValueError, match="square"):
        ops.inv(TALL)
    with pytest.raises(ValueError, match="rank >= 2"):
        ops.det(VECTOR)
    with pytest.raises(ValueError, match="positive definite"):
        ops.cholesky(-SPD)
    with pytest.raises(ValueError, match="num_segments"):
        ops.segment_sum(SEGMENT_DATA, SEGMENT_IDS)
