"""`keras.ops.linalg`: matrix decompositions and solvers over `jax.numpy.linalg` and
`jax.scipy.linalg`, with Keras's shape checks.
"""

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsp_linalg

from kerasish.ops._dispatch import keras_op
from kerasish.ops.core import as_float


def _matrices(x, square=True):
    """``x`` as an array of (square) matrices, or a ValueError naming what is wrong."""
    x = jnp.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"Expected input to have rank >= 2. Received input with shape {x.shape}.")
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(
            f"Expected a square matrix. Received non-square input with shape {x.shape}"
        )
    return x


def _right_hand_side(a, b):
    b = jnp.asarray(b)
    if b.ndim < 1:
        raise ValueError(f"Expected input to have rank >= 1. Received scalar input {b}.")
    axis = -2 if a.ndim == b.ndim else -1
    if a.ndim in (b.ndim, b.ndim + 1) and a.shape[axis] != b.shape[axis]:
        raise ValueError(
            f"Incompatible shapes between `a` and `b`. Expected `a.shape[{axis}] == "
            f"b.shape[{axis}]`. Received: a.shape={a.shape}, b.shape={b.shape}"
        )
    return b


@keras_op
def cholesky(x, upper=False):
    """The Cholesky factor of positive-definite matrices (lower, or ``upper``)."""
    factor = jnp.linalg.cholesky(_matrices(x), upper=upper)
    # Like NumPy, fail loudly in eager mode; a traced call cannot inspect values.
    if not isinstance(factor, jax.core.Tracer) and bool(jnp.any(jnp.isnan(factor))):
        raise ValueError(
            "Cholesky decomposition failed. The input might not be a valid positive definite matrix."
        )
    return factor


@keras_op
def cholesky_inverse(x, upper=False):
    """The inverse of ``A`` given its Cholesky factor ``x``."""
    x = _matrices(x)
    identity = jnp.eye(x.shape[-1], dtype=x.dtype)
    inverse_factor = jsp_linalg.solve_triangular(x, identity, lower=not upper)
    if upper:
        return inverse_factor @ jnp.swapaxes(inverse_factor, -1, -2)
    return jnp.swapaxes(inverse_factor, -1, -2) @ inverse_factor


@keras_op
def det(x):
    """Determinants of square matrices."""
    return jnp.linalg.det(_matrices(x))


@keras_op
def eig(x):
    """``(eigenvalues, eigenvectors)`` of square matrices (complex; CPU only in JAX)."""
    return jnp.linalg.eig(_matrices(x))


@keras_op
def eigh(x):
    """``(eigenvalues, eigenvectors)`` of Hermitian matrices, eigenvalues ascending."""
    return jnp.linalg.eigh(_matrices(x))


@keras_op
def inv(x):
    """Inverses of square matrices."""
    return jnp.linalg.inv(_matrices(x))


@keras_op
def lu_factor(x):
    """``(lu, pivots)``: the packed LU factorization of (batched) matrices."""
    x = _matrices(x, square=False)
    factorize = jsp_linalg.lu_factor
    for _ in range(x.ndim - 2):
        factorize = jax.vmap(factorize)
    return factorize(x)


@keras_op
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm (non-float inputs are computed in floatx)."""
    axis = tuple(axis) if isinstance(axis, list) else axis
    return jnp.linalg.norm(as_float(x), ord=ord, axis=axis, keepdims=keepdims)


@keras_op
def qr(x, mode="reduced"):
    """``(q, r)``: the QR decomposition, ``"reduced"`` or ``"complete"``."""
    if mode not in ("reduced", "complete"):
        raise ValueError(
            "`mode` argument value not supported. Expected one of {'reduced', 'complete'}. "
            f"Received: mode={mode}"
        )
    return jnp.linalg.qr(jnp.asarray(x), mode=mode)


@keras_op
def solve(a, b):
    """``x`` solving ``a @ x = b`` for square ``a``."""
    a = _matrices(a)
    return jnp.linalg.solve(a, _right_hand_side(a, b))


@keras_op
def solve_triangular(a, b, lower=False):
    """``x`` solving ``a @ x = b`` for triangular ``a``."""
    a = _matrices(a)
    return jsp_linalg.solve_triangular(a, _right_hand_side(a, b), lower=lower)


@keras_op
def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition: ``(u, s, vh)``, or ``s`` without ``compute_uv``."""
    return jnp.linalg.svd(_matrices(x, square=False), full_matrices, compute_uv)


@keras_op
def lstsq(a, b, rcond=None):
    """The least-squares solution of ``a @ x = b`` (the solution only)."""
    return jnp.linalg.lstsq(jnp.asarray(a), jnp.asarray(b), rcond=rcond)[0]


@keras_op
def matrix_rank(x, tol=None):
    """The number of singular values above ``tol``, per matrix (int32)."""
    return jnp.linalg.matrix_rank(_matrices(x, square=False), tol=tol).astype("int32")


@keras_op
def pinv(x, rcond=None):
    """The Moore-Penrose pseudo-inverse of (batched) matrices."""
    return jnp.linalg.pinv(_matrices(x, square=False), rcond=rcond)


@keras_op
def jvp(fun, primals, tangents, has_aux=False):
    """``(fun(*primals), J @ tangents)``, plus ``aux`` when ``has_aux``."""
    return jax.jvp(fun, primals, tangents, has_aux=has_aux)
