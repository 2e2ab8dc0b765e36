"""Unsigned 64-bit words for the hash functions, on the host (numpy) and inside JAX.

The hashes Keras inherits from TensorFlow (FarmHash Fingerprint64, SipHash-2-4 and the
FingerprintCat64 of feature crosses) are defined on uint64 arithmetic modulo ``2**64``.
On the host, numpy's uint64 arrays do that arithmetic natively. JAX runs without x64, so
inside a traced function a word is a `DeviceWord`: a pair of uint32 arrays (high, low)
with the same operators. `_hash_functions` writes each hash once against either kind, and
the two namespaces `HOST` and `DEVICE` supply what operators cannot: reading bytes and
selecting (and, on the device, reducing a word modulo a bin count; numpy has ``%``).

Byte strings arrive as a zero-padded ``(n, width)`` uint8 matrix with one row per string.
"""

import jax
import jax.numpy as jnp
import numpy as np

_MASK32 = 0xFFFFFFFF


class DeviceWord:
    """A uint64 array held as two uint32 arrays; ``+ * ^ | & >> <<`` wrap modulo ``2**64``."""

    __slots__ = ("high", "low")

    def __init__(self, high, low):
        self.high = high
        self.low = low

    @classmethod
    def of(cls, value):
        if isinstance(value, DeviceWord):
            return value
        value = int(value) & 0xFFFFFFFFFFFFFFFF
        return cls(jnp.uint32(value >> 32), jnp.uint32(value & _MASK32))

    def __add__(self, other):
        other = DeviceWord.of(other)
        low = self.low + other.low
        carry = (low < self.low).astype(jnp.uint32)
        return DeviceWord(self.high + other.high + carry, low)

    __radd__ = __add__

    def __mul__(self, other):
        other = DeviceWord.of(other)
        low, carry_high = _multiply_32(self.low, other.low)
        high = carry_high + self.high * other.low + self.low * other.high
        return DeviceWord(high, low)

    __rmul__ = __mul__

    def __xor__(self, other):
        other = DeviceWord.of(other)
        return DeviceWord(self.high ^ other.high, self.low ^ other.low)

    __rxor__ = __xor__

    def __or__(self, other):
        other = DeviceWord.of(other)
        return DeviceWord(self.high | other.high, self.low | other.low)

    def __and__(self, other):
        other = DeviceWord.of(other)
        return DeviceWord(self.high & other.high, self.low & other.low)

    def __rshift__(self, shift):
        if shift == 0:
            return self
        if shift >= 32:
            return DeviceWord(jnp.zeros_like(self.high), self.high >> (shift - 32))
        return DeviceWord(self.high >> shift, (self.low >> shift) | (self.high << (32 - shift)))

    def __lshift__(self, shift):
        if shift == 0:
            return self
        if shift >= 32:
            return DeviceWord(self.low << (shift - 32), jnp.zeros_like(self.low))
        return DeviceWord((self.high << shift) | (self.low >> (32 - shift)), self.low << shift)


def _multiply_32(a, b):
    """``a * b`` of two uint32 arrays as (low 32 bits, high 32 bits), from 16-bit halves."""
    a_low, a_high = a & 0xFFFF, a >> 16
    b_low, b_high = b & 0xFFFF, b >> 16
    low_low = a_low * b_low
    cross = a_low * b_high
    middle = cross + a_high * b_low
    middle_carry = (middle < cross).astype(jnp.uint32)
    low = low_low + (middle << 16)
    low_carry = (low < low_low).astype(jnp.uint32)
    high = a_high * b_high + (middle >> 16) + (middle_carry << 16) + low_carry
    return low, high


def _host_word(value):
    return np.uint64(int(value) & 0xFFFFFFFFFFFFFFFF) if isinstance(value, int) else value


class _Host:
    """numpy uint64 arrays; callers run under ``np.errstate(over="ignore")``."""

    @staticmethod
    def full(value, like):
        """``value`` in every position of the array ``like``."""
        return np.full(np.shape(like), int(value) & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)

    @staticmethod
    def from_unsigned(values):
        return np.asarray(values).astype(np.uint64)

    @staticmethod
    def where(condition, when_true, when_false):
        return np.where(condition, _host_word(when_true), _host_word(when_false))

    @staticmethod
    def fetch(data, offset, size):
        """Little-endian words of ``size`` bytes starting at ``offset`` (an int or one per row)."""
        columns = np.clip(np.reshape(offset, (-1, 1)) + np.arange(size), 0, data.shape[1] - 1)
        chunk = np.take_along_axis(data, np.broadcast_to(columns, (data.shape[0], size)), axis=1)
        shifts = np.arange(size, dtype=np.uint64) * np.uint64(8)
        return np.bitwise_or.reduce(chunk.astype(np.uint64) << shifts, axis=1)


class _Device:
    """`DeviceWord`s over jax uint32 arrays; traceable."""

    @staticmethod
    def full(value, like):
        """``value`` in every position of the array ``like`` (whose shape may be symbolic)."""
        word = DeviceWord.of(value)
        zeros = jnp.zeros_like(like, dtype=jnp.uint32)
        return DeviceWord(zeros + word.high, zeros + word.low)

    @staticmethod
    def from_unsigned(values):
        values = jnp.asarray(values).astype(jnp.uint32)
        return DeviceWord(jnp.zeros_like(values), values)

    @staticmethod
    def where(condition, when_true, when_false):
        when_true, when_false = DeviceWord.of(when_true), DeviceWord.of(when_false)
        return DeviceWord(
            jnp.where(condition, when_true.high, when_false.high),
            jnp.where(condition, when_true.low, when_false.low),
        )

    @staticmethod
    def fetch(data, offset, size):
        columns = jnp.clip(jnp.reshape(offset, (-1, 1)) + jnp.arange(size), 0, data.shape[1] - 1)
        chunk = jnp.take_along_axis(
            data, jnp.broadcast_to(columns, (data.shape[0], size)), axis=1
        ).astype(jnp.uint32)

        def pack(part):
            return jnp.bitwise_or.reduce(
                part << (jnp.arange(part.shape[1], dtype=jnp.uint32) * 8), axis=1
            )

        if size <= 4:
            low = pack(chunk)
            return DeviceWord(jnp.zeros_like(low), low)
        return DeviceWord(pack(chunk[:, 4:]), pack(chunk[:, :4]))

    @staticmethod
    def modulo(words, divisor):
        """``words % divisor`` as int32, for ``1 <= divisor <= 2**31`` (an int or a traced
        uint32): the high word's remainder, then long division by the low word's bits."""
        divisor = jnp.asarray(divisor, jnp.uint32)
        remainder = words.high % divisor

        def step(index, remainder):
            bit = (words.low >> (31 - index).astype(jnp.uint32)) & 1
            doubled = (remainder << 1) | bit
            return jnp.where(doubled >= divisor, doubled - divisor, doubled)

        remainder = jax.lax.fori_loop(0, 32, step, remainder)
        return remainder.astype(jnp.int32)


HOST = _Host()
DEVICE = _Device()
