"""`keras.ops.numpy`: NumPy-style functions over `jax.numpy`, with Keras's result dtypes.

Families of functions that differ only in the `jax.numpy` function they call (element-wise
maps, binary maps, reductions) are built by one small factory each; everything else is an
explicit function. Where Keras's JAX backend changes a dtype before calling `jax.numpy`
(trigonometry of ints gives floatx, `mean` of ints gives float32...), so do we.
"""

import builtins
import math

import jax
import jax.numpy as jnp

from kerasish.backend.config import floatx
from kerasish.ops._dispatch import keras_op
from kerasish.ops.core import (
    as_float,
    at_least_float32,
    float_dtype,
    is_inexact,
    named_op,
    optional_dtype_name,
    result_dtype,
    to_dtype_name,
)


def _axis(axis):
    """Axis arguments as `jax.numpy` wants them: lists become tuples."""
    return tuple(axis) if isinstance(axis, list) else axis


def _unary(name, jnp_function, doc, *, to_float=False):
    """An element-wise op ``f(x)``; ``to_float`` first casts non-float inputs to floatx."""

    def op(x):
        x = jnp.asarray(x)
        return jnp_function(as_float(x) if to_float else x)

    return named_op(op, name, doc)


def _binary(name, jnp_function, doc, *, to_float=False):
    """An element-wise op ``f(x1, x2)``; ``to_float`` first casts both to a common float dtype."""

    def op(x1, x2):
        x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
        if to_float:
            common = float_dtype(result_dtype(x1.dtype, x2.dtype))
            x1, x2 = x1.astype(common), x2.astype(common)
        return jnp_function(x1, x2)

    return named_op(op, name, doc)


def _bitwise(name, jnp_function, doc):
    """A bitwise op ``f(x, y)``."""

    def op(x, y):
        return jnp_function(jnp.asarray(x), y if isinstance(y, int) else jnp.asarray(y))

    return named_op(op, name, doc)


def _reduction(name, jnp_function, doc):
    """A reduction ``f(x, axis=None, keepdims=False)``."""

    def op(x, axis=None, keepdims=False):
        return jnp_function(jnp.asarray(x), axis=_axis(axis), keepdims=keepdims)

    return named_op(op, name, doc)


# -- element-wise, one input -------------------------------------------------------------
absolute = _unary("absolute", jnp.absolute, "Absolute value, element-wise.")
abs = _unary("abs", jnp.absolute, "Absolute value, element-wise (alias of `absolute`).")
angle = _unary("angle", jnp.angle, "Argument of complex values, element-wise.", to_float=True)
arccos = _unary("arccos", jnp.arccos, "Inverse cosine, element-wise.", to_float=True)
arccosh = _unary("arccosh", jnp.arccosh, "Inverse hyperbolic cosine.", to_float=True)
arcsin = _unary("arcsin", jnp.arcsin, "Inverse sine, element-wise.", to_float=True)
arcsinh = _unary("arcsinh", jnp.arcsinh, "Inverse hyperbolic sine.", to_float=True)
arctan = _unary("arctan", jnp.arctan, "Inverse tangent, element-wise.", to_float=True)
arctanh = _unary("arctanh", jnp.arctanh, "Inverse hyperbolic tangent.", to_float=True)
bitwise_invert = _unary("bitwise_invert", jnp.invert, "Bitwise NOT, element-wise.")
bitwise_not = _unary("bitwise_not", jnp.invert, "Bitwise NOT (alias of `bitwise_invert`).")
cbrt = _unary("cbrt", jnp.cbrt, "Cube root, element-wise.")
ceil = _unary("ceil", jnp.ceil, "Ceiling, element-wise (ints give floatx).", to_float=True)
conj = _unary("conj", jnp.conjugate, "Complex conjugate (alias of `conjugate`).")
conjugate = _unary("conjugate", jnp.conjugate, "Complex conjugate, element-wise.")
copy = _unary("copy", jnp.copy, "A copy of the tensor.")
cos = _unary("cos", jnp.cos, "Cosine, element-wise.", to_float=True)
cosh = _unary("cosh", jnp.cosh, "Hyperbolic cosine, element-wise.", to_float=True)
deg2rad = _unary("deg2rad", jnp.deg2rad, "Degrees to radians.")
exp = _unary("exp", jnp.exp, "Exponential, element-wise.", to_float=True)
exp2 = _unary("exp2", jnp.exp2, "Base-2 exponential, element-wise.", to_float=True)
expm1 = _unary("expm1", jnp.expm1, "``exp(x) - 1``, element-wise.", to_float=True)
floor = _unary("floor", jnp.floor, "Floor, element-wise (ints give floatx).", to_float=True)
imag = _unary("imag", jnp.imag, "Imaginary part, element-wise.")
isfinite = _unary("isfinite", jnp.isfinite, "Whether each element is finite.")
isinf = _unary("isinf", jnp.isinf, "Whether each element is infinite.")
isnan = _unary("isnan", jnp.isnan, "Whether each element is NaN.")
isneginf = _unary("isneginf", jnp.isneginf, "Whether each element is negative infinity.")
isposinf = _unary("isposinf", jnp.isposinf, "Whether each element is positive infinity.")
isreal = _unary("isreal", jnp.isreal, "Whether each element has no imaginary part.")
log = _unary("log", jnp.log, "Natural logarithm, element-wise.")
log10 = _unary("log10", jnp.log10, "Base-10 logarithm, element-wise.")
log1p = _unary("log1p", jnp.log1p, "``log(1 + x)``, element-wise.")
log2 = _unary("log2", jnp.log2, "Base-2 logarithm, element-wise.")
logical_not = _unary("logical_not", jnp.logical_not, "Logical NOT, element-wise.")
negative = _unary("negative", jnp.negative, "Numerical negative, element-wise.")
positive = _unary("positive", jnp.positive, "Numerical positive (a copy), element-wise.")
rad2deg = _unary("rad2deg", jnp.rad2deg, "Radians to degrees.")
ravel = _unary("ravel", jnp.ravel, "The tensor flattened to one dimension.")
real = _unary("real", jnp.real, "Real part, element-wise.")
reciprocal = _unary("reciprocal", jnp.reciprocal, "``1 / x``, element-wise.")
sign = _unary("sign", jnp.sign, "Sign (-1, 0 or 1), element-wise.")
signbit = _unary("signbit", jnp.signbit, "Whether the sign bit is set, element-wise.")
sin = _unary("sin", jnp.sin, "Sine, element-wise.", to_float=True)
sinc = _unary("sinc", jnp.sinc, "Normalized sinc, element-wise.", to_float=True)
sinh = _unary("sinh", jnp.sinh, "Hyperbolic sine, element-wise.", to_float=True)
sqrt = _unary("sqrt", jnp.sqrt, "Square root, element-wise.")
square = _unary("square", jnp.square, "Square, element-wise.")
tan = _unary("tan", jnp.tan, "Tangent, element-wise.", to_float=True)
tanh = _unary("tanh", jnp.tanh, "Hyperbolic tangent, element-wise.", to_float=True)


@keras_op
def fabs(x):
    """Absolute value of real inputs, element-wise."""
    x = jnp.asarray(x)
    if jnp.iscomplexobj(x):
        raise TypeError(f"fabs does not support complex inputs. Received: x.dtype={x.dtype}")
    return jnp.fabs(x)


@keras_op
def trunc(x):
    """Values rounded towards zero; integer and bool inputs are returned as they are."""
    x = jnp.asarray(x)
    return jnp.trunc(x) if is_inexact(x.dtype) else x


@keras_op
def round(x, decimals=0):
    """Values rounded to ``decimals`` places (half to even)."""
    x = jnp.asarray(x)
    if jnp.issubdtype(x.dtype, jnp.integer) and decimals < 0:
        # jnp.round rejects negative decimals for ints: round in floatx and cast back.
        factor = jnp.asarray(math.pow(10, decimals), floatx())
        return (jnp.round(x.astype(floatx()) * factor) / factor).astype(x.dtype)
    return jnp.round(x, decimals=decimals)


@keras_op
def i0(x):
    """Modified Bessel function of the first kind, order 0."""
    x = jnp.asarray(x)
    dtype = x.dtype.name if x.dtype.name in ("bfloat16", "float16", "float64") else floatx()
    return jnp.i0(x.astype(dtype))


@keras_op
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """NaN and infinities replaced by finite numbers."""
    return jnp.nan_to_num(jnp.asarray(x), nan=nan, posinf=posinf, neginf=neginf)


# -- element-wise, two inputs ------------------------------------------------------------
add = _binary("add", jnp.add, "Sum, element-wise.")
arctan2 = _binary("arctan2", jnp.arctan2, "Arc tangent of ``x1 / x2``.", to_float=True)
divide = _binary("divide", jnp.divide, "True division, element-wise.")
equal = _binary("equal", jnp.equal, "``x1 == x2``, element-wise.")
floor_divide = _binary("floor_divide", jnp.floor_divide, "Floor division, element-wise.")
fmax = _binary("fmax", jnp.fmax, "Element-wise maximum, ignoring NaNs.")
fmin = _binary("fmin", jnp.fmin, "Element-wise minimum, ignoring NaNs.")
fmod = _binary("fmod", jnp.fmod, "Remainder with the sign of the dividend.")
gcd = _binary("gcd", jnp.gcd, "Greatest common divisor, element-wise.")
greater = _binary("greater", jnp.greater, "``x1 > x2``, element-wise.")
greater_equal = _binary("greater_equal", jnp.greater_equal, "``x1 >= x2``, element-wise.")
heaviside = _binary("heaviside", jnp.heaviside, "Heaviside step function.")
hypot = _binary("hypot", jnp.hypot, "``sqrt(x1**2 + x2**2)``, element-wise.")
inner = _binary("inner", jnp.inner, "Inner product over the last axes.")
kron = _binary("kron", jnp.kron, "Kronecker product.")
lcm = _binary("lcm", jnp.lcm, "Least common multiple, element-wise.")
less = _binary("less", jnp.less, "``x1 < x2``, element-wise.")
less_equal = _binary("less_equal", jnp.less_equal, "``x1 <= x2``, element-wise.")
logaddexp = _binary("logaddexp", jnp.logaddexp, "``log(exp(x1) + exp(x2))``.", to_float=True)
logaddexp2 = _binary("logaddexp2", jnp.logaddexp2, "``log2(2**x1 + 2**x2)``.", to_float=True)
logical_and = _binary("logical_and", jnp.logical_and, "Logical AND, element-wise.")
logical_or = _binary("logical_or", jnp.logical_or, "Logical OR, element-wise.")
logical_xor = _binary("logical_xor", jnp.logical_xor, "Logical XOR, element-wise.")
maximum = _binary("maximum", jnp.maximum, "Element-wise maximum.")
minimum = _binary("minimum", jnp.minimum, "Element-wise minimum.")
mod = _binary("mod", jnp.mod, "Remainder with the sign of the divisor.")
multiply = _binary("multiply", jnp.multiply, "Product, element-wise.")
nextafter = _binary("nextafter", jnp.nextafter, "Next float after ``x1`` towards ``x2``.")
not_equal = _binary("not_equal", jnp.not_equal, "``x1 != x2``, element-wise.")
outer = _binary("outer", jnp.outer, "Outer product of two vectors.")
power = _binary("power", jnp.power, "``x1 ** x2``, element-wise.")
subtract = _binary("subtract", jnp.subtract, "Difference, element-wise.")
true_divide = _binary("true_divide", jnp.true_divide, "True division (alias of `divide`).")
vdot = _binary("vdot", jnp.vdot, "Dot product of flattened inputs (conjugating the first).")
dot = _binary("dot", jnp.dot, "Dot product.")
bitwise_and = _bitwise("bitwise_and", jnp.bitwise_and, "Bitwise AND, element-wise.")
bitwise_or = _bitwise("bitwise_or", jnp.bitwise_or, "Bitwise OR, element-wise.")
bitwise_xor = _bitwise("bitwise_xor", jnp.bitwise_xor, "Bitwise XOR, element-wise.")
bitwise_left_shift = _bitwise("bitwise_left_shift", jnp.left_shift, "Shift bits left.")
bitwise_right_shift = _bitwise("bitwise_right_shift", jnp.right_shift, "Shift bits right.")
left_shift = _bitwise("left_shift", jnp.left_shift, "Shift bits left.")
right_shift = _bitwise("right_shift", jnp.right_shift, "Shift bits right.")


@keras_op
def divide_no_nan(x1, x2):
    """``x1 / x2``, with 0 wherever ``x2`` is 0."""
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    safe_x2 = jnp.where(x2 == 0, 1, x2)
    return jnp.where(x2 == 0, 0, jnp.divide(x1, safe_x2))


@keras_op
def ldexp(x1, x2):
    """``x1 * 2**x2`` for an integer exponent ``x2``."""
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    if not jnp.issubdtype(x2.dtype, jnp.integer):
        raise TypeError(f"ldexp exponent must be an integer type. Received: x2 dtype={x2.dtype}")
    return jnp.ldexp(x1, x2)


@keras_op
def matmul(x1, x2):
    """Matrix product (int8 inputs accumulate in int32)."""
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    both_int8 = x1.dtype == jnp.int8 and x2.dtype == jnp.int8
    return jnp.matmul(x1, x2, preferred_element_type="int32" if both_int8 else None)


@keras_op
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation (all-int8 operands accumulate in int32)."""
    operands = [jnp.asarray(x) for x in operands]
    all_int8 = builtins.all(x.dtype == jnp.int8 for x in operands)
    kwargs["preferred_element_type"] = "int32" if all_int8 else None
    return jnp.einsum(subscripts, *operands, **kwargs)


@keras_op
def tensordot(x1, x2, axes=2):
    """Tensor contraction over ``axes``."""
    return jnp.tensordot(jnp.asarray(x1), jnp.asarray(x2), axes=axes)


@keras_op
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors (or 2-vectors)."""
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    return jnp.cross(x1, x2, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


@keras_op
def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether elements are equal within tolerance."""
    return jnp.isclose(jnp.asarray(x1), jnp.asarray(x2), rtol, atol, equal_nan)


@keras_op
def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether all elements are equal within tolerance."""
    return jnp.allclose(jnp.asarray(x1), jnp.asarray(x2), rtol, atol, equal_nan)


@keras_op
def clip(x, x_min, x_max):
    """Values limited to ``[x_min, x_max]`` (bool inputs become int32)."""
    x = jnp.asarray(x)
    if x.dtype == jnp.bool_:
        x = x.astype("int32")
    return jnp.clip(x, x_min, x_max)


@keras_op
def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` else ``x2``; with neither, the indices of true elements."""
    if (x1 is None) != (x2 is None):
        raise ValueError(
            "`x1` and `x2` either both should be `None` or both should have non-None value."
        )
    return jnp.where(condition, x1, x2)


@keras_op
def select(condlist, choicelist, default=0):
    """For each element, the choice of the first true condition, else ``default``."""
    if not isinstance(condlist, (list, tuple)) or not isinstance(choicelist, (list, tuple)):
        raise ValueError(
            "condlist and choicelist must be lists. Received: "
            f"type(condlist) = {type(condlist)}, type(choicelist) = {type(choicelist)}"
        )
    if not condlist or not choicelist:
        raise ValueError(
            "condlist and choicelist must not be empty. Received: "
            f"condlist = {condlist}, choicelist = {choicelist}"
        )
    return jnp.select(list(condlist), list(choicelist), default=default)


# -- reductions --------------------------------------------------------------------------
all = _reduction("all", jnp.all, "Whether all elements are true.")
any = _reduction("any", jnp.any, "Whether any element is true.")
amax = _reduction("amax", jnp.amax, "Maximum along ``axis``.")
amin = _reduction("amin", jnp.amin, "Minimum along ``axis``.")
argmax = _reduction("argmax", jnp.argmax, "Index of the maximum along ``axis``.")
argmin = _reduction("argmin", jnp.argmin, "Index of the minimum along ``axis``.")
nanargmax = _reduction("nanargmax", jnp.nanargmax, "Index of the maximum, ignoring NaNs.")
nanargmin = _reduction("nanargmin", jnp.nanargmin, "Index of the minimum, ignoring NaNs.")
nanmax = _reduction("nanmax", jnp.nanmax, "Maximum, ignoring NaNs.")
nanmean = _reduction("nanmean", jnp.nanmean, "Mean, ignoring NaNs.")
nanmedian = _reduction("nanmedian", jnp.nanmedian, "Median, ignoring NaNs.")
nanmin = _reduction("nanmin", jnp.nanmin, "Minimum, ignoring NaNs.")
nanprod = _reduction("nanprod", jnp.nanprod, "Product, treating NaNs as one.")
nanstd = _reduction("nanstd", jnp.nanstd, "Standard deviation, ignoring NaNs.")
nansum = _reduction("nansum", jnp.nansum, "Sum, treating NaNs as zero.")
nanvar = _reduction("nanvar", jnp.nanvar, "Variance, ignoring NaNs.")
ptp = _reduction("ptp", jnp.ptp, "Range (maximum - minimum) along ``axis``.")
std = _reduction("std", jnp.std, "Standard deviation along ``axis``.")
sum = _reduction("sum", jnp.sum, "Sum along ``axis``.")
median = _reduction("median", jnp.median, "Median along ``axis``.")


@keras_op
def max(x, axis=None, keepdims=False, initial=None):
    """Maximum along ``axis``."""
    return jnp.max(jnp.asarray(x), axis=_axis(axis), keepdims=keepdims, initial=initial)


@keras_op
def min(x, axis=None, keepdims=False, initial=None):
    """Minimum along ``axis``."""
    return jnp.min(jnp.asarray(x), axis=_axis(axis), keepdims=keepdims, initial=initial)


@keras_op
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product along ``axis``."""
    dtype = optional_dtype_name(dtype)
    return jnp.prod(jnp.asarray(x), axis=_axis(axis), keepdims=keepdims, dtype=dtype)


@keras_op
def mean(x, axis=None, keepdims=False):
    """Mean along ``axis``, computed in at least float32; int and bool inputs give float32."""
    x = jnp.asarray(x)
    compute_dtype = at_least_float32(x.dtype)
    result_dtype = x.dtype if is_inexact(x.dtype) else compute_dtype
    output = jnp.mean(x, axis=_axis(axis), keepdims=keepdims, dtype=compute_dtype)
    return output.astype(result_dtype)


@keras_op
def var(x, axis=None, keepdims=False):
    """Variance along ``axis``, computed in at least float32."""
    x = jnp.asarray(x)
    output = jnp.var(x, axis=_axis(axis), keepdims=keepdims, dtype=at_least_float32(x.dtype))
    return output.astype(float_dtype(x.dtype))


@keras_op
def average(x, axis=None, weights=None):
    """Weighted average along ``axis``."""
    x = jnp.asarray(x)
    dtypes = [x.dtype] if weights is None else [x.dtype, jnp.asarray(weights).dtype]
    dtype = float_dtype(result_dtype(*dtypes))
    weights = None if weights is None else jnp.asarray(weights, dtype)
    return jnp.average(x.astype(dtype), axis=axis, weights=weights)


@keras_op
def count_nonzero(x, axis=None):
    """Number of non-zero elements along ``axis`` (int32)."""
    return jnp.count_nonzero(jnp.asarray(x), axis=_axis(axis)).astype("int32")


@keras_op
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along a diagonal."""
    return jnp.trace(jnp.asarray(x), offset=offset, axis1=axis1, axis2=axis2)


def _quantile_op(name, jnp_function, doc):
    def op(x, q, axis=None, method="linear", keepdims=False):
        x, q = jnp.asarray(x), jnp.asarray(q)
        return jnp_function(x, q, axis=_axis(axis), method=method, keepdims=keepdims)

    return named_op(op, name, doc)


quantile = _quantile_op("quantile", jnp.quantile, "The ``q``-th quantiles along ``axis``.")
percentile = _quantile_op("percentile", jnp.percentile, "The ``q``-th percentiles.")
nanquantile = _quantile_op("nanquantile", jnp.nanquantile, "Quantiles, ignoring NaNs.")
nanpercentile = _quantile_op("nanpercentile", jnp.nanpercentile, "Percentiles, ignoring NaNs.")


def _cumulative(name, jnp_function, doc):
    def op(x, axis=None, dtype=None):
        return jnp_function(jnp.asarray(x), axis=axis, dtype=optional_dtype_name(dtype))

    return named_op(op, name, doc)


cumsum = _cumulative("cumsum", jnp.cumsum, "Cumulative sum along ``axis``.")
cumprod = _cumulative("cumprod", jnp.cumprod, "Cumulative product along ``axis``.")
nancumsum = _cumulative("nancumsum", jnp.nancumsum, "Cumulative sum, NaNs as zero.")
nancumprod = _cumulative("nancumprod", jnp.nancumprod, "Cumulative product, NaNs as one.")


# -- creation ----------------------------------------------------------------------------
@keras_op
def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)``."""
    return jnp.arange(start, stop, step, dtype=optional_dtype_name(dtype))


@keras_op
def array(x, dtype=None):
    """A tensor holding ``x``."""
    return jnp.array(x, dtype=optional_dtype_name(dtype))


def _filled(name, jnp_function, doc):
    def op(shape, dtype=None):
        return jnp_function(shape, dtype=to_dtype_name(dtype or floatx()))

    return named_op(op, name, doc)


empty = _filled("empty", jnp.empty, "An uninitialized (here: zero) tensor of ``shape``.")
ones = _filled("ones", jnp.ones, "A tensor of ones of ``shape`` (floatx by default).")
zeros = _filled("zeros", jnp.zeros, "A tensor of zeros of ``shape`` (floatx by default).")


def _filled_like(name, jnp_function, doc):
    def op(x, dtype=None):
        return jnp_function(jnp.asarray(x), dtype=optional_dtype_name(dtype))

    return named_op(op, name, doc)


empty_like = _filled_like("empty_like", jnp.empty_like, "A tensor shaped like ``x``.")
ones_like = _filled_like("ones_like", jnp.ones_like, "Ones shaped like ``x``.")
zeros_like = _filled_like("zeros_like", jnp.zeros_like, "Zeros shaped like ``x``.")


@keras_op
def full(shape, fill_value, dtype=None):
    """A tensor of ``shape`` filled with ``fill_value`` (floatx by default)."""
    return jnp.full(shape, fill_value, dtype=to_dtype_name(dtype or floatx()))


@keras_op
def full_like(x, fill_value, dtype=None):
    """A tensor shaped like ``x`` filled with ``fill_value``."""
    return jnp.full_like(jnp.asarray(x), fill_value, dtype=optional_dtype_name(dtype))


@keras_op
def identity(n, dtype=None):
    """The ``n x n`` identity matrix."""
    return jnp.identity(n, dtype=to_dtype_name(dtype or floatx()))


def _is_float_value(value):
    return isinstance(value, float) or getattr(value, "dtype", None) in (
        "bfloat16",
        "float16",
        "float32",
        "float64",
    )


@keras_op
def eye(N, M=None, k=0, dtype=None):
    """A 2-D tensor with ones on the ``k``-th diagonal."""
    if _is_float_value(N):
        raise TypeError("Argument `N` must be an integer or an integer tensor.")
    if _is_float_value(M):
        raise TypeError("Argument `M` must be an integer, an integer tensor, or `None`.")
    return jnp.eye(N, M=M, k=k, dtype=to_dtype_name(dtype or floatx()))


@keras_op
def tri(N, M=None, k=0, dtype=None):
    """Ones at and below the ``k``-th diagonal."""
    return jnp.tri(N, M=M, k=k, dtype=to_dtype_name(dtype or floatx()))


@keras_op
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values over ``[start, stop]``."""
    dtype = optional_dtype_name(dtype)
    return jnp.linspace(
        start, stop, num=num, endpoint=endpoint, retstep=retstep, dtype=dtype, axis=axis
    )


@keras_op
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``num`` values evenly spaced on a log scale."""
    dtype = optional_dtype_name(dtype)
    return jnp.logspace(start, stop, num=num, endpoint=endpoint, base=base, dtype=dtype, axis=axis)


@keras_op
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``num`` values in geometric progression from ``start`` to ``stop``."""
    dtype = optional_dtype_name(dtype)
    return jnp.geomspace(start, stop, num=num, endpoint=endpoint, dtype=dtype, axis=axis)


def _window(name, jnp_function, doc):
    def op(x):
        return jnp_function(x).astype(floatx())

    return named_op(op, name, doc)


bartlett = _window("bartlett", jnp.bartlett, "The Bartlett window of length ``x``.")
blackman = _window("blackman", jnp.blackman, "The Blackman window of length ``x``.")
hamming = _window("hamming", jnp.hamming, "The Hamming window of length ``x``.")
hanning = _window("hanning", jnp.hanning, "The Hann window of length ``x``.")


@keras_op
def kaiser(x, beta):
    """The Kaiser window of length ``x``."""
    return jnp.kaiser(x, beta).astype(floatx())


@keras_op
def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of the 1-D ``x``."""
    return jnp.vander(jnp.asarray(x), N=N, increasing=increasing)


# -- shape and layout --------------------------------------------------------------------
@keras_op
def reshape(x, newshape):
    """``x`` with a new shape."""
    if isinstance(newshape, int):
        newshape = (newshape,)
    return jnp.reshape(jnp.asarray(x), newshape)


@keras_op
def broadcast_to(x, shape):
    """``x`` broadcast to ``shape``."""
    return jnp.broadcast_to(jnp.asarray(x), shape)


@keras_op
def expand_dims(x, axis):
    """``x`` with new size-1 axes at ``axis``."""
    return jnp.expand_dims(jnp.asarray(x), _axis(axis))


@keras_op
def squeeze(x, axis=None):
    """``x`` with size-1 axes removed."""
    return jnp.squeeze(jnp.asarray(x), axis=_axis(axis))


@keras_op
def transpose(x, axes=None):
    """``x`` with its axes permuted (reversed by default)."""
    return jnp.transpose(jnp.asarray(x), axes=axes)


@keras_op
def moveaxis(x, source, destination):
    """``x`` with axes moved from ``source`` to ``destination``."""
    return jnp.moveaxis(jnp.asarray(x), source, destination)


@keras_op
def swapaxes(x, axis1, axis2):
    """``x`` with two axes swapped."""
    return jnp.swapaxes(jnp.asarray(x), axis1, axis2)


@keras_op
def flip(x, axis=None):
    """``x`` reversed along ``axis``."""
    return jnp.flip(jnp.asarray(x), axis=_axis(axis))


fliplr = _unary("fliplr", jnp.fliplr, "``x`` reversed along axis 1.")
flipud = _unary("flipud", jnp.flipud, "``x`` reversed along axis 0.")


@keras_op
def rot90(array, k=1, axes=(0, 1)):
    """``array`` rotated by 90 degrees ``k`` times in the plane of ``axes``."""
    array = jnp.asarray(array)
    if array.ndim < 2:
        raise ValueError(
            f"Input array must have at least 2 dimensions. Received: array.ndim={array.ndim}"
        )
    if len(axes) != 2 or axes[0] == axes[1]:
        raise ValueError(f"Invalid axes: {axes}. Axes must be a tuple of two different dimensions.")
    return jnp.rot90(array, k=k, axes=axes)


@keras_op
def roll(x, shift, axis=None):
    """``x`` with elements shifted cyclically along ``axis``."""
    return jnp.roll(jnp.asarray(x), shift, axis=_axis(axis))


@keras_op
def tile(x, repeats):
    """``x`` repeated ``repeats`` times along each axis."""
    return jnp.tile(jnp.asarray(x), repeats)


@keras_op
def repeat(x, repeats, axis=None):
    """Each element of ``x`` repeated ``repeats`` times."""
    repeats = jnp.asarray(repeats) if isinstance(repeats, (list, tuple)) else repeats
    return jnp.repeat(jnp.asarray(x), repeats, axis=axis)


@keras_op
def tril(x, k=0):
    """``x`` with elements above the ``k``-th diagonal zeroed."""
    return jnp.tril(jnp.asarray(x), k=k)


@keras_op
def triu(x, k=0):
    """``x`` with elements below the ``k``-th diagonal zeroed."""
    return jnp.triu(jnp.asarray(x), k=k)


@keras_op
def diag(x, k=0):
    """The ``k``-th diagonal of a matrix, or a diagonal matrix from a vector."""
    return jnp.diag(jnp.asarray(x), k=k)


@keras_op
def diagflat(x, k=0):
    """A 2-D tensor with the flattened ``x`` on the ``k``-th diagonal."""
    return jnp.diagflat(jnp.asarray(x), k=k)


@keras_op
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal of ``x`` in the plane of ``axis1`` and ``axis2``."""
    x = jnp.asarray(x)
    if axis1 % x.ndim == axis2 % x.ndim:
        raise ValueError(
            f"`axis1` and `axis2` cannot be the same. Received: axis1={axis1}, axis2={axis2}"
        )
    return jnp.diagonal(x, offset=offset, axis1=axis1, axis2=axis2)


@keras_op
def diff(a, n=1, axis=-1):
    """The ``n``-th discrete difference along ``axis``."""
    return jnp.diff(jnp.asarray(a), n=n, axis=axis)


@keras_op
def concatenate(xs, axis=0):
    """The tensors joined along an existing axis."""
    return jnp.concatenate([jnp.asarray(x) for x in xs], axis=axis)


@keras_op
def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` (both flattened if ``axis`` is None)."""
    return jnp.append(jnp.asarray(x1), jnp.asarray(x2), axis=axis)


@keras_op
def stack(x, axis=0):
    """The tensors joined along a new axis."""
    return jnp.stack([jnp.asarray(t) for t in x], axis=axis)


@keras_op
def hstack(xs):
    """The tensors stacked horizontally (column-wise)."""
    return jnp.hstack([jnp.asarray(x) for x in xs])


@keras_op
def vstack(xs):
    """The tensors stacked vertically (row-wise)."""
    return jnp.vstack([jnp.asarray(x) for x in xs])


@keras_op
def dstack(xs):
    """The tensors stacked along the third axis."""
    return jnp.dstack([jnp.asarray(x) for x in xs])


@keras_op
def split(x, indices_or_sections, axis=0):
    """``x`` split into equal sections or at indices, as a list."""
    return jnp.split(jnp.asarray(x), indices_or_sections, axis=axis)


@keras_op
def array_split(x, indices_or_sections, axis=0):
    """``x`` split into ``indices_or_sections`` nearly equal sections, as a list."""
    if not isinstance(indices_or_sections, int) or indices_or_sections <= 0:
        raise ValueError(
            "Argument `indices_or_sections` must be a positive integer. "
            f"Received: indices_or_sections={indices_or_sections}"
        )
    return jnp.array_split(jnp.asarray(x), indices_or_sections, axis=axis)


@keras_op
def hsplit(x, indices_or_sections):
    """``x`` split along axis 1 (axis 0 for 1-D inputs)."""
    return jnp.hsplit(jnp.asarray(x), indices_or_sections)


@keras_op
def vsplit(x, indices_or_sections):
    """``x`` split along axis 0."""
    return jnp.vsplit(jnp.asarray(x), indices_or_sections)


@keras_op
def dsplit(x, indices_or_sections):
    """``x`` split along axis 2."""
    return jnp.dsplit(jnp.asarray(x), indices_or_sections)


@keras_op
def pad(x, pad_width, mode="constant", constant_values=None):
    """``x`` padded by ``pad_width`` in ``mode``."""
    kwargs = {}
    if constant_values is not None:
        if mode != "constant":
            raise ValueError(
                "Argument `constant_values` can only be provided when `mode == 'constant'`. "
                f"Received: mode={mode}"
            )
        kwargs["constant_values"] = constant_values
    return jnp.pad(jnp.asarray(x), pad_width, mode=mode, **kwargs)


@keras_op
def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D coordinate vectors, as a list."""
    return jnp.meshgrid(*x, indexing=indexing)


# -- indexing, sorting, searching --------------------------------------------------------
@keras_op
def get_item(x, key):
    """``x[key]``."""
    return jnp.asarray(x)[key]


@keras_op
def take(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis``."""
    return jnp.take(jnp.asarray(x), jnp.asarray(indices), axis=axis)


@keras_op
def take_along_axis(x, indices, axis=None):
    """Values of ``x`` at matching ``indices`` along ``axis``."""
    return jnp.take_along_axis(jnp.asarray(x), jnp.asarray(indices), axis=axis)


@keras_op
def unravel_index(indices, shape):
    """Flat ``indices`` as a tuple of coordinate tensors for ``shape``."""
    return jnp.unravel_index(jnp.asarray(indices), shape)


@keras_op
def sort(x, axis=-1):
    """``x`` sorted along ``axis``."""
    return jnp.sort(jnp.asarray(x), axis=axis)


@keras_op
def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis``."""
    x = jnp.asarray(x)
    return jnp.argsort(x, axis=None if x.ndim == 0 else axis)


@keras_op
def argpartition(x, kth, axis=-1):
    """Indices that partition ``x`` around its ``kth`` element."""
    x = jnp.asarray(x)
    if axis is None:
        return jnp.argpartition(jnp.ravel(x), kth, axis=0)
    return jnp.argpartition(x, kth, axis=axis)


@keras_op
def searchsorted(sorted_sequence, values, side="left"):
    """Indices where ``values`` would be inserted into the 1-D ``sorted_sequence``."""
    sorted_sequence = jnp.asarray(sorted_sequence)
    if sorted_sequence.ndim != 1:
        raise ValueError(
            "`searchsorted` only supports 1-D sorted sequences. You can use "
            "`keras.ops.vectorized_map` to extend it to N-D sequences. Received: "
            f"sorted_sequence.shape={sorted_sequence.shape}"
        )
    return jnp.searchsorted(sorted_sequence, jnp.asarray(values), side=side)


@keras_op
def digitize(x, bins):
    """Indices of the ``bins`` each value of ``x`` falls in."""
    return jnp.digitize(jnp.asarray(x), jnp.asarray(bins))


@keras_op
def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of ``x1`` is in ``x2``."""
    return jnp.isin(jnp.asarray(x1), jnp.asarray(x2), assume_unique=assume_unique, invert=invert)


@keras_op
def nonzero(x):
    """Indices of the non-zero elements, one tensor per axis (not traceable)."""
    return jnp.nonzero(jnp.asarray(x))


@keras_op
def unique(
    x,
    sorted=True,
    return_index=False,
    return_inverse=False,
    return_counts=False,
    axis=None,
    size=None,
    fill_value=None,
):
    """Unique elements of ``x`` (traceable only with a static ``size``)."""
    return jnp.unique(
        jnp.asarray(x),
        return_index=return_index,
        return_inverse=return_inverse,
        return_counts=return_counts,
        axis=axis,
        equal_nan=False,
        size=size,
        sorted=sorted,
        fill_value=fill_value,
    )


@keras_op
def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts (or summed ``weights``) of each non-negative int; 2-D inputs count per row."""
    if sparse:
        raise NotImplementedError("`sparse=True` is not supported: kerasish has no sparse tensors.")
    x = jnp.asarray(x)
    # The output length depends on the values, so bincount cannot be traced.
    length = builtins.max(int(jnp.max(x)) + 1 if x.size else 0, minlength)

    def count(values, row_weights):
        return jnp.bincount(values, weights=row_weights, minlength=minlength, length=length)

    if x.ndim == 2:
        return jax.vmap(count)(x, weights if weights is None else jnp.asarray(weights))
    return count(x, weights)


@keras_op
def histogram(x, bins=10, range=None):
    """Histogram counts and bin edges of the 1-D ``x``."""
    if not isinstance(bins, int) or bins < 0:
        raise ValueError(f"Argument `bins` should be a non-negative integer. Received: bins={bins}")
    x = jnp.asarray(x)
    if x.ndim > 1:
        raise ValueError(f"Input tensor must be 1-dimensional. Received: input.shape={x.shape}")
    return jnp.histogram(x, bins=bins, range=range)


# -- linear algebra and statistics -------------------------------------------------------
@keras_op
def slogdet(x):
    """``(sign, log|det|)`` of square matrices."""
    return tuple(jnp.linalg.slogdet(jnp.asarray(x)))


@keras_op
def corrcoef(x):
    """Pearson correlation coefficients of the rows of ``x``."""
    return jnp.corrcoef(jnp.asarray(x))


@keras_op
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D tensors."""
    return jnp.correlate(jnp.asarray(x1), jnp.asarray(x2), mode)


@keras_op
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` by the trapezoidal rule."""
    x = None if x is None else jnp.asarray(x)
    return jnp.trapezoid(jnp.asarray(y), x, dx=jnp.asarray(dx), axis=axis)


# -- introspection and wrappers ----------------------------------------------------------
@keras_op
def size(x):
    """The number of elements of ``x``."""
    return jnp.size(x)


@keras_op
def ndim(x):
    """The number of dimensions of ``x``."""
    return jnp.ndim(x)


@keras_op
def view(x, dtype=None):
    """``x`` reinterpreted (bit for bit) as ``dtype``."""
    return jnp.asarray(x).view(optional_dtype_name(dtype))


def vectorize(pyfunc, *, excluded=None, signature=None):
    """``pyfunc`` vectorized over its array arguments, as `numpy.vectorize`."""
    if not callable(pyfunc):
        raise ValueError(f"Expected argument `pyfunc` to be a callable. Received: pyfunc={pyfunc}")
    return jnp.vectorize(pyfunc, excluded=excluded or set(), signature=signature)
