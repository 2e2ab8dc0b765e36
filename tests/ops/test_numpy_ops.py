"""`kerasish.ops` NumPy-style functions against `keras.ops`, value for value and dtype for dtype."""

import jax.numpy as jnp
import keras
import numpy as np
import pytest
from ops_comparison import case, check_case, parametrize_cases, run_cases

from kerasish import ops

rng = np.random.default_rng(0)
F = rng.uniform(-2, 2, (3, 4)).astype("float32")  # any real
G = rng.uniform(-2, 2, (3, 4)).astype("float32")
P = rng.uniform(0.1, 3, (3, 4)).astype("float32")  # positive
U = rng.uniform(-0.9, 0.9, (3, 4)).astype("float32")  # inside (-1, 1)
H = rng.uniform(-2, 2, (3, 4)).astype("float16")
I = rng.integers(-5, 6, (3, 4)).astype("int32")  # noqa: E741
J = rng.integers(1, 6, (3, 4)).astype("int32")  # positive ints
K = rng.integers(-1, 2, (3, 4)).astype("int32")  # in {-1, 0, 1}
I8 = rng.integers(-5, 6, (3, 4)).astype("int8")
U8 = rng.integers(0, 9, (3, 4)).astype("uint8")
B = rng.random((3, 4)) > 0.5
C = rng.uniform(-2, 2, (3, 4, 5)).astype("float32")  # rank 3
S = rng.uniform(-2, 2, (4, 4)).astype("float32")  # square
V = rng.uniform(-2, 2, (5,)).astype("float32")  # vectors
W = rng.uniform(-2, 2, (5,)).astype("float32")
V3 = rng.uniform(-2, 2, (2, 3)).astype("float32")  # 3-vectors
N = np.where(rng.random((3, 4)) > 0.7, np.nan, F).astype("float32")  # with NaNs
Z = np.where(rng.random((3, 4)) > 0.6, 0.0, F).astype("float32")  # with zeros

# Inputs beyond float32 and int32 only where Keras's dtype rules differ between dtypes.
REAL = [F, I, B, H]
UNARY = {
    "abs": REAL, "absolute": [F, I], "fabs": [F, I], "negative": [F, I], "sign": [F, I],
    "signbit": [F, I], "square": [F, B], "cbrt": [F, I], "sin": REAL + [U8], "cos": [F, I],
    "tan": [U, I], "arctan": [F, I], "sinh": [F, I], "cosh": [F, I], "tanh": [F, H],
    "arcsinh": [F, I], "arcsin": [U, K], "arccos": [U, K], "arctanh": [U, K], "arccosh": [P + 1, J],
    "exp": REAL + [I8], "exp2": [F, B], "expm1": [F, I], "ceil": REAL, "floor": [F, I],
    "sinc": [F, I], "trunc": REAL, "log": [P, J, H], "log10": [P, J], "log1p": [P, J],
    "log2": [P, J], "sqrt": [P, J, U8], "reciprocal": [P, J], "deg2rad": [F, I],
    "rad2deg": [F, I], "isfinite": [N, I], "isinf": [N], "isnan": [N, I], "isneginf": [F],
    "isposinf": [F], "isreal": [F], "real": [F, I], "imag": [F, I], "conj": [F, I],
    "conjugate": [F], "copy": [F, I], "ravel": [C], "logical_not": [B, I],
    "bitwise_invert": [I, U8], "bitwise_not": [I, B], "angle": [F, I], "i0": [F, I, H],
    "nan_to_num": [N], "round": [F, I], "fliplr": [F], "flipud": [F], "size": [C], "ndim": [C],
}  # fmt: skip
UNARY_CASES = [case(name, x) for name, inputs in UNARY.items() for x in inputs]

BINARY_OPS = [
    "add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum", "fmax",
    "fmin", "equal", "not_equal", "greater", "greater_equal", "less", "less_equal", "power",
    "mod", "fmod", "floor_divide", "heaviside", "hypot", "arctan2", "logaddexp", "logaddexp2",
    "logical_and", "logical_or", "logical_xor", "divide_no_nan", "nextafter", "isclose",
]  # fmt: skip
# Every binary op sees two float32 tensors and an int tensor with a Python float; the ops
# with special dtype rules see every pair.
ALL_PAIRS = [(F, G), (I, 2.5), (I, F), (F, 2), (H, F), (I, J), (H, 3), (B, I)]
PROMOTING = ("add", "divide", "power", "arctan2", "logaddexp", "floor_divide")
BINARY_CASES = [
    case(name, a, b)
    for name in BINARY_OPS
    for a, b in (ALL_PAIRS if name in PROMOTING else ALL_PAIRS[:2])
    if not (name in ("nextafter", "hypot") and not isinstance(b, np.ndarray))
]
INTEGER_CASES = [
    case(name, I, J) for name in ("gcd", "lcm", "bitwise_and", "bitwise_or", "bitwise_xor")
]
INTEGER_CASES += [
    case(name, J, shift)
    for name in ("left_shift", "right_shift", "bitwise_left_shift", "bitwise_right_shift")
    for shift in (K + 1, 2)
]

REDUCTIONS = [
    "sum", "mean", "max", "min", "amax", "amin", "prod", "std", "var", "median", "ptp", "all",
    "any", "argmax", "argmin", "nanmax", "nanmin", "nanmean", "nansum", "nanprod", "nanstd",
    "nanvar", "nanmedian", "nanargmax", "nanargmin", "count_nonzero",
]  # fmt: skip
DTYPE_SENSITIVE = ("sum", "mean", "var", "std", "max", "prod", "median")
REDUCTION_CASES = [case(name, C, axis=1) for name in REDUCTIONS]
REDUCTION_CASES += [case(name, I) for name in REDUCTIONS]
REDUCTION_CASES += [case(name, N, axis=1) for name in REDUCTIONS if name.startswith("nan")]
REDUCTION_CASES += [case(name, x) for name in DTYPE_SENSITIVE for x in (H, B)]
REDUCTION_CASES += [case(name, C, axis=(0, 2), keepdims=True) for name in DTYPE_SENSITIVE]

OTHER_CASES = [
    # reductions with extra arguments
    case("max", F, axis=0, initial=1.0), case("min", I, initial=-2),
    case("prod", I, axis=1, dtype="float32"), case("average", C, axis=1),
    case("average", I, axis=1, weights=J[0]), case("average", H, weights=F),
    case("trace", C, offset=1, axis1=1, axis2=2), case("trace", I),
    case("cumsum", C, axis=1), case("cumsum", B), case("cumprod", I, axis=0),
    case("cumsum", I, dtype="float32"), case("nancumsum", N, axis=1), case("nancumprod", N),
    case("quantile", C, 0.3, axis=1), case("quantile", I, [0.1, 0.9], keepdims=True),
    case("percentile", C, 40, method="nearest"), case("nanquantile", N, 0.5, axis=0),
    case("nanpercentile", N, [10, 90]),
    # element-wise with extra arguments
    case("round", F, decimals=1), case("round", I * 17, decimals=-1), case("clip", F, -0.5, 0.5),
    case("clip", I, 0, 3), case("clip", B, 0, 1), case("clip", I, 0.5, 2.5),
    case("nan_to_num", N, nan=2.0, posinf=1.0), case("ldexp", F, J),
    case("isclose", F, F + 1e-6, rtol=0.0, atol=1e-7), case("allclose", F, F + 1e-3, atol=1e-2),
    case("allclose", F, G), case("where", B, F, G), case("where", B, 1, 0),
    case("where", B, I, 2.5), case("select", [B, ~B], [F, G], default=3.0),
    case("divide_no_nan", F, Z), case("divide_no_nan", I, K),
    # products
    case("matmul", F, F.T), case("matmul", I, J.T), case("matmul", I8, I8.T),
    case("matmul", C, C.transpose(0, 2, 1)), case("dot", V, W), case("dot", F, G.T),
    case("vdot", F, G), case("inner", F, G), case("outer", V, W), case("kron", F, G[:2, :2]),
    case("cross", V3, V3[::-1]), case("tensordot", C, C, axes=([1, 2], [1, 2])),
    case("tensordot", F, G.T, axes=1), case("einsum", "ij,kj->ik", F, G),
    case("einsum", "ij,jk", I8, I8.T), case("einsum", "bij->bji", C),
    # creation
    case("arange", 5), case("arange", 1, 7, 2), case("arange", 0.0, 1.0, 0.25),
    case("arange", 0, 5, dtype="float32"), case("arange", 1, 5.0), case("array", F),
    case("array", [1, 2, 3], dtype="int8"), case("zeros", (2, 3)), case("ones", (2,), dtype="int32"),
    case("empty", (2, 2)), case("full", (2, 3), 7), case("full", (2,), 1.5, dtype="float16"),
    case("zeros_like", I), case("ones_like", F, dtype="int32"), case("empty_like", F),
    case("full_like", I, 2.5), case("full_like", F, 2, dtype="bool"), case("identity", 3),
    case("eye", 3), case("eye", 3, 4, k=1, dtype="int32"), case("tri", 3),
    case("tri", 3, 5, k=-1, dtype="bool"), case("linspace", 0, 1, 5),
    case("linspace", 0, 10, num=4, endpoint=False, retstep=True), case("linspace", V, W, 3, axis=1),
    case("logspace", 0, 2, 4), case("logspace", 0, 2, num=3, base=2, dtype="float32"),
    case("geomspace", 1, 100, 3), case("vander", V),
    # Keras's windows convert the length to a tensor, so they only run eagerly.
    case("bartlett", 6, eager=True), case("blackman", 6, eager=True), case("hamming", 6, eager=True),
    case("hanning", 6, eager=True), case("kaiser", 6, 2.5, eager=True),
    case("vander", V, N=3, increasing=True),
    # shape and layout
    case("reshape", C, (4, -1)), case("reshape", F, 12), case("broadcast_to", V, (2, 5)),
    case("expand_dims", F, 1), case("expand_dims", F, (0, 3)), case("squeeze", F[None, :, None]),
    case("squeeze", F[None], axis=0), case("transpose", C), case("transpose", C, (1, 0, 2)),
    case("moveaxis", C, 0, -1), case("moveaxis", C, [0, 1], [2, 0]), case("swapaxes", C, 0, 2),
    case("flip", C), case("flip", C, (0, 2)), case("rot90", F), case("rot90", C, k=3, axes=(1, 2)),
    case("roll", C, 2), case("roll", C, (1, -1), (0, 2)), case("tile", F, (2, 1)),
    case("tile", V, 2), case("repeat", F, 2), case("repeat", F, np.array([1, 2, 3]), axis=0, eager=True),
    case("tril", S), case("triu", C, k=1), case("tril", I, k=-1), case("diag", V, k=1),
    case("diag", S), case("diagflat", F), case("diagonal", C, offset=1, axis1=1, axis2=2),
    case("diagonal", S), case("diff", C), case("diff", I, n=2, axis=0), case("concatenate", [F, G]),
    case("concatenate", [F, I], axis=1), case("append", F, G), case("append", F, G, axis=0),
    case("stack", [F, G], axis=1), case("hstack", [F, G]), case("vstack", [V, W]),
    case("dstack", [F, G]), case("split", C, 3), case("split", C, [1, 3], 2),
    case("array_split", C, 2, 1), case("hsplit", F, 2), case("vsplit", C, 3), case("dsplit", C, [2]),
    case("pad", F, 1), case("pad", F, ((1, 0), (0, 2)), constant_values=3.0),
    case("pad", C, 2, mode="reflect"), case("pad", I, (1, 2), mode="symmetric"),
    case("meshgrid", V, W[:3]), case("meshgrid", V, W[:3], indexing="ij"),
    # indexing, sorting, searching
    case("get_item", C, 1), case("get_item", C, (slice(None), 2)),
    case("get_item", F, np.array([2, 0])), case("get_item", F, B, eager=True),
    case("take", C, np.array([0, 2]), axis=1), case("take", F, 5),
    case("take_along_axis", F, np.argsort(F, axis=1), axis=1),
    case("unravel_index", np.array([1, 5, 7]), (3, 4)), case("sort", C), case("sort", I, axis=0),
    case("argsort", C, axis=1), case("argsort", np.float32(2.0)), case("argpartition", V, 2),
    case("argpartition", F, 1, axis=None), case("searchsorted", np.sort(V), W),
    case("searchsorted", np.sort(V), W, side="right"),
    case("digitize", F, np.array([-1.0, 0.0, 1.0])), case("isin", I, J),
    case("isin", I, J, invert=True), case("unique", I, size=20, fill_value=-9),
    case("unique", I, eager=True),
    case("unique", I, return_counts=True, return_inverse=True, return_index=True, eager=True),
    case("nonzero", Z, eager=True), case("nonzero", B, eager=True), case("where", B, eager=True),
    case("bincount", J.ravel(), eager=True),
    case("bincount", J.ravel(), weights=F.ravel(), minlength=8, eager=True),
    case("histogram", V), case("histogram", V, bins=3, range=(-1.0, 1.0)),
    # statistics and linear algebra
    case("slogdet", S), case("corrcoef", F), case("correlate", V, W[:3]),
    case("correlate", V, W, mode="full"), case("trapezoid", F), case("trapezoid", F, V[:4], axis=1),
    case("trapezoid", I, dx=0.5, axis=0), case("view", F, "int32"), case("view", I, "float32"),
]  # fmt: skip

CASES = UNARY_CASES + BINARY_CASES + INTEGER_CASES + REDUCTION_CASES + OTHER_CASES


@pytest.fixture(scope="module")
def outcomes():
    return run_cases(CASES, ops, keras.ops)


@parametrize_cases(CASES)
def test_matches_keras(key, c, outcomes):
    check_case(key, c, outcomes, ops, keras.ops)


def test_ops_run_eagerly_and_accept_lists_and_python_scalars(same):
    same(ops.add([1.0, 2.0], 3), keras.ops.add([1.0, 2.0], 3))
    same(ops.concatenate([[1, 2], [3]]), keras.ops.concatenate([[1, 2], [3]]))
    same(ops.mean(I, axis=0), keras.ops.mean(I, axis=0))
    same(ops.sin(I), keras.ops.sin(I))


def test_positive_is_identity():
    np.testing.assert_array_equal(ops.positive(I), I)


def test_vectorize_matches_keras(same):
    def function(a, b):
        return a * 2 + b

    same(ops.vectorize(function)(F, V[0]), keras.ops.vectorize(function)(F, V[0]))
    dot = ops.vectorize(jnp.dot, signature="(n),(n)->()")
    same(dot(F, G), keras.ops.vectorize(jnp.dot, signature="(n),(n)->()")(F, G))


def test_invalid_arguments_raise_like_keras():
    with pytest.raises(ValueError, match="either both should be"):
        ops.where(B, F)
    with pytest.raises(TypeError, match="integer type"):
        ops.ldexp(F, F)
    with pytest.raises(ValueError, match="1-D sorted sequences"):
        ops.searchsorted(F, V)
    with pytest.raises(TypeError):
        ops.eye(2.0)
