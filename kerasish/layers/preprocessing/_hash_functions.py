"""The string hashes of Keras's `Hashing` and `HashedCrossing`, without TensorFlow.

Keras 3 computes them with TensorFlow ops; kerasish reproduces those ops bit for bit:

- ``tf.strings.to_hash_bucket_fast``: FarmHash ``Fingerprint64`` (farmhashna's Hash64) of the
  UTF-8 bytes, modulo the bin count;
- ``tf.strings.to_hash_bucket_strong``: SipHash-2-4 keyed by the two salt words, modulo the
  bin count;
- ``tf.sparse.cross_hashed``: each feature hashed (integers as their int64 value, strings by
  Fingerprint64), folded with ``FingerprintCat64`` from the seed ``0xDECAFCAFFE``, modulo the
  bin count.

Each hash is written once over the words of `_uint64`: numpy uint64 arrays on the host (any
string, vectorized over the distinct values) or uint32 pairs inside JAX (for integers, whose
decimal form is built on the device, so integer hashing jits and exports).
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from kerasish.layers.preprocessing._uint64 import DEVICE, HOST, DeviceWord

_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F
_CROSS_MULTIPLIER = 0xC6A4A7935BD1E995
CROSS_SEED = 0xDECAFCAFFE
_SIP_CONSTANTS = (0x736F6D6570736575, 0x646F72616E646F6D, 0x6C7967656E657261, 0x7465646279746573)
_MASK64 = 0xFFFFFFFFFFFFFFFF


def _rotate(value, shift):
    """Rotation right by ``shift`` bits, ``0 < shift < 64``."""
    return (value >> shift) | (value << (64 - shift))


def _shift_mix(value):
    return value ^ (value >> 47)


def _hash_len_16(u, v, multiplier):
    a = (u ^ v) * multiplier
    a = a ^ (a >> 47)
    b = (v ^ a) * multiplier
    b = b ^ (b >> 47)
    return b * multiplier


def _weak_hash_len_32(w, x, y, z, a, b):
    a = a + w
    b = _rotate(b + a + z, 21)
    c = a
    a = a + x + y
    b = b + _rotate(a, 44)
    return a + z, b + c


# -- FarmHash Fingerprint64 ----------------------------------------------------------------
def _fingerprint_0_to_16(words, data, lengths):
    length = words.from_unsigned(lengths)
    multiplier = length * 2 + _K2
    a = words.fetch(data, 0, 8) + _K2
    b = words.fetch(data, lengths - 8, 8)
    c = _rotate(b, 37) * multiplier + a
    d = (_rotate(a, 25) + b) * multiplier
    from_8 = _hash_len_16(c, d, multiplier)
    first = words.fetch(data, 0, 4)
    from_4 = _hash_len_16(length + (first << 3), words.fetch(data, lengths - 4, 4), multiplier)
    y = words.fetch(data, 0, 1) + (words.fetch(data, lengths >> 1, 1) << 8)
    z = length + (words.fetch(data, lengths - 1, 1) << 2)
    from_1 = _shift_mix(y * _K2 ^ z * _K0) * _K2
    return words.where(
        lengths >= 8,
        from_8,
        words.where(lengths >= 4, from_4, words.where(lengths > 0, from_1, _K2)),
    )


def _fingerprint_17_to_32(words, data, lengths):
    multiplier = words.from_unsigned(lengths) * 2 + _K2
    a = words.fetch(data, 0, 8) * _K1
    b = words.fetch(data, 8, 8)
    c = words.fetch(data, lengths - 8, 8) * multiplier
    d = words.fetch(data, lengths - 16, 8) * _K2
    return _hash_len_16(
        _rotate(a + b, 43) + _rotate(c, 30) + d, a + _rotate(b + _K2, 18) + c, multiplier
    )


def _fingerprint_33_to_64(words, data, lengths):
    multiplier = words.from_unsigned(lengths) * 2 + _K2
    a = words.fetch(data, 0, 8) * _K2
    b = words.fetch(data, 8, 8)
    c = words.fetch(data, lengths - 8, 8) * multiplier
    d = words.fetch(data, lengths - 16, 8) * _K2
    y = _rotate(a + b, 43) + _rotate(c, 30) + d
    z = _hash_len_16(y, a + _rotate(b + _K2, 18) + c, multiplier)
    e = words.fetch(data, 16, 8) * multiplier
    f = words.fetch(data, 24, 8)
    g = (y + words.fetch(data, lengths - 32, 8)) * multiplier
    h = (z + words.fetch(data, lengths - 24, 8)) * multiplier
    return _hash_len_16(
        _rotate(e + f, 43) + _rotate(g, 30) + h, e + _rotate(f + a, 18) + g, multiplier
    )


def _fingerprint_over_64(words, data, lengths):
    y0 = (81 * _K1 + 113) & _MASK64
    x = words.full(81, lengths) * _K2 + words.fetch(data, 0, 8)
    y = words.full(y0, lengths)
    z = words.full(_shift_mix((y0 * _K2 + 113) & _MASK64) * _K2, lengths)
    v = (words.full(0, lengths), words.full(0, lengths))
    w = (words.full(0, lengths), words.full(0, lengths))

    def weak(offset, a, b):
        return _weak_hash_len_32(*(words.fetch(data, offset + 8 * i, 8) for i in range(4)), a, b)

    chunks = (lengths - 1) // 64
    for chunk in range(int(chunks.max())):
        start = 64 * chunk
        new_x = _rotate(x + y + v[0] + words.fetch(data, start + 8, 8), 37) * _K1
        new_y = _rotate(y + v[1] + words.fetch(data, start + 48, 8), 42) * _K1
        new_x = new_x ^ w[1]
        new_y = new_y + v[0] + words.fetch(data, start + 40, 8)
        new_z = _rotate(z + w[0], 33) * _K1
        new_v = weak(start, v[1] * _K1, new_x + w[0])
        new_w = weak(start + 32, new_z + w[1], new_y + words.fetch(data, start + 16, 8))
        new_x, new_z = new_z, new_x
        active = chunk < chunks
        x, y, z = (words.where(active, n, o) for n, o in ((new_x, x), (new_y, y), (new_z, z)))
        v = tuple(words.where(active, n, o) for n, o in zip(new_v, v))
        w = tuple(words.where(active, n, o) for n, o in zip(new_w, w))
    multiplier = (z & 0xFF) * 2 + _K1
    last = lengths - 64
    w0 = w[0] + words.from_unsigned((lengths - 1) & 63)
    v0 = v[0] + w0
    w0 = w0 + v0
    x = _rotate(x + y + v0 + words.fetch(data, last + 8, 8), 37) * multiplier
    y = _rotate(y + v[1] + words.fetch(data, last + 48, 8), 42) * multiplier
    x = x ^ (w[1] * 9)
    y = y + v0 * 9 + words.fetch(data, last + 40, 8)
    z = _rotate(z + w0, 33) * multiplier
    v = weak(last, v[1] * multiplier, x + w0)
    w = weak(last + 32, z + w[1], y + words.fetch(data, last + 16, 8))
    x, z = z, x
    return _hash_len_16(
        _hash_len_16(v[0], w[0], multiplier) + _shift_mix(y) * _K0 + z,
        _hash_len_16(v[1], w[1], multiplier) + x,
        multiplier,
    )


# -- SipHash-2-4 and FingerprintCat64 ------------------------------------------------------
def _sip_rounds(v, rounds):
    v0, v1, v2, v3 = v
    for _ in range(rounds):
        v0 = v0 + v1
        v1 = _rotate(v1, 64 - 13) ^ v0
        v0 = _rotate(v0, 32)
        v2 = v2 + v3
        v3 = _rotate(v3, 64 - 16) ^ v2
        v0 = v0 + v3
        v3 = _rotate(v3, 64 - 21) ^ v0
        v2 = v2 + v1
        v1 = _rotate(v1, 64 - 17) ^ v2
        v2 = _rotate(v2, 32)
    return v0, v1, v2, v3


def _siphash(words, data, lengths, key):
    """SipHash-2-4 keyed by the two words ``key`` (scalars, broadcast to every string)."""
    keys = (key[0], key[1], key[0], key[1])
    v = tuple(words.full(0, lengths) + (k ^ c) for k, c in zip(keys, _SIP_CONSTANTS))
    blocks = lengths // 8
    # `data` is at least one block wider than the longest string's full blocks.
    for block in range(data.shape[1] // 8 - 1):
        message = words.fetch(data, 8 * block, 8)
        v0, v1, v2, v3 = _sip_rounds((v[0], v[1], v[2], v[3] ^ message), 2)
        mixed = (v0 ^ message, v1, v2, v3)
        v = tuple(words.where(block < blocks, n, o) for n, o in zip(mixed, v))
    # The bytes after the last full block are zero-padded in `data`.
    message = words.fetch(data, 8 * blocks, 8) | (words.from_unsigned(lengths & 0xFF) << 56)
    v0, v1, v2, v3 = _sip_rounds((v[0], v[1], v[2], v[3] ^ message), 2)
    v0, v1, v2, v3 = _sip_rounds((v0 ^ message, v1, v2 ^ 0xFF, v3), 4)
    return v0 ^ v1 ^ v2 ^ v3


def fingerprint_cat(first, second):
    """TensorFlow's ``FingerprintCat64``: folds ``second`` into the running hash ``first``."""
    result = first ^ _CROSS_MULTIPLIER
    result = result ^ (_shift_mix(second * _CROSS_MULTIPLIER) * _CROSS_MULTIPLIER)
    result = result * _CROSS_MULTIPLIER
    return _shift_mix(_shift_mix(result) * _CROSS_MULTIPLIER)


# -- host: any strings ---------------------------------------------------------------------
def _byte_matrix(encoded, width):
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    data = np.zeros((len(encoded), width), dtype=np.uint8)
    data[np.arange(width) < lengths[:, None]] = np.frombuffer(b"".join(encoded), np.uint8)
    return data, lengths


def fingerprint64(encoded):
    """FarmHash Fingerprint64 of each byte string in the list ``encoded`` (numpy uint64)."""
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    result = np.zeros(len(encoded), dtype=np.uint64)
    classes = (
        (lengths <= 16, _fingerprint_0_to_16),
        ((lengths > 16) & (lengths <= 32), _fingerprint_17_to_32),
        ((lengths > 32) & (lengths <= 64), _fingerprint_33_to_64),
        (lengths > 64, _fingerprint_over_64),
    )
    with np.errstate(over="ignore"):
        for selected, function in classes:
            if selected.any():
                members = [encoded[i] for i in np.flatnonzero(selected)]
                data, member_lengths = _byte_matrix(members, max(16, lengths[selected].max()))
                result[selected] = function(HOST, data, member_lengths)
    return result


def siphash(encoded, key):
    """SipHash-2-4 of each byte string in the list ``encoded`` under the two-word ``key``
    (an int ``k`` is the key ``(k, k)``, as Keras's ``salt``)."""
    if isinstance(key, (int, np.integer)):
        key = (int(key), int(key))
    width = 8 * (max(map(len, encoded), default=0) // 8 + 1)
    data, lengths = _byte_matrix(encoded, width)
    key_words = tuple(np.uint64(int(k) & _MASK64) for k in key)
    with np.errstate(over="ignore"):
        return _siphash(HOST, data, lengths, key_words)


def as_hash_strings(values):
    """The UTF-8 bytes TensorFlow hashes for each value of a numpy array (flattened): strings
    as they are, integers in decimal, floats truncated to int64 first, booleans as true/false."""
    values = np.asarray(values)
    flat = values.reshape(-1)
    if values.dtype.kind == "b":
        return [b"true" if v else b"false" for v in flat]
    if values.dtype.kind == "f":
        flat = flat.astype(np.int64)
    if values.dtype.kind in "iuf":
        return [str(int(v)).encode() for v in flat]
    return [v if isinstance(v, bytes) else str(v).encode("utf-8") for v in flat]


def hash_on_host(values, function):
    """``function(list_of_bytes) -> uint64`` over the distinct values of ``values`` only, mapped
    back to the shape of ``values``."""
    values = np.asarray(values)
    unique, inverse = np.unique(values.reshape(-1), return_inverse=True)
    hashes = function(as_hash_strings(unique)) if unique.size else np.zeros(0, np.uint64)
    return hashes[inverse].reshape(values.shape)


# -- device: integers --------------------------------------------------------------------
_POWERS_OF_TEN = np.array([10**i for i in range(10)], dtype=np.uint32)


def _decimal_bytes(values):
    """``(data, lengths)``: the decimal text of each int32/uint32 of the 1-D ``values``."""
    if jnp.issubdtype(values.dtype, jnp.signedinteger):
        values = values.astype(jnp.int32)
        negative = values < 0
        bits = values.view(jnp.uint32)
        magnitude = jnp.where(negative, jnp.uint32(0) - bits, bits)
    else:
        magnitude = values.astype(jnp.uint32)
        negative = jnp.zeros(magnitude.shape, bool)
    digits = (magnitude[:, None] // _POWERS_OF_TEN) % 10
    num_digits = 1 + jnp.sum(magnitude[:, None] >= _POWERS_OF_TEN[1:], axis=1)
    sign = negative.astype(jnp.int32)
    position = jnp.arange(16)[None, :] - sign[:, None]
    digit_index = num_digits[:, None] - 1 - position
    digit = jnp.take_along_axis(digits, jnp.clip(digit_index, 0, 9), axis=1)
    text = jnp.where((digit_index >= 0) & (position >= 0), digit + ord("0"), 0)
    text = jnp.where((position < 0), ord("-"), text)
    return text.astype(jnp.uint8), num_digits + sign


def _padded(values):
    """``values`` (1-D) zero-padded to a power-of-two length (64 at least), so that eager calls
    on arrays of nearby sizes share one compiled kernel; a symbolic length is left as it is."""
    size = values.shape[0]
    if not isinstance(size, int):
        return values
    bucket = max(64, 1 << max(size - 1, 0).bit_length())
    return jnp.pad(values, (0, bucket - size))


def _salt_words(salt):
    """The two salt words of SipHash as a uint32[4] array (high, low, high, low)."""
    parts = []
    for k in salt:
        k = int(k) & _MASK64
        parts += [k >> 32, k & 0xFFFFFFFF]
    return jnp.asarray(np.array(parts, dtype=np.uint32))


@functools.partial(jax.jit, static_argnames=("salted",))
def _hash_kernel(values, num_bins, salt, salted):
    data, lengths = _decimal_bytes(values)
    if salted:
        key = (DeviceWord(salt[0], salt[1]), DeviceWord(salt[2], salt[3]))
        hashes = _siphash(DEVICE, data, lengths, key)
    else:
        hashes = _fingerprint_0_to_16(DEVICE, data, lengths)
    return DEVICE.modulo(hashes, num_bins)


def device_hash_bins(values, num_bins, salt=None):
    """The bin (int32) of each integer of the 1-D ``values`` (at most 32 bits): the hash of
    its decimal text -- Fingerprint64, or SipHash keyed by ``salt`` (two ints) -- modulo
    ``num_bins`` (at most ``2**31``). Traceable; eager calls reuse one compiled kernel."""
    size = values.shape[0]
    key = _salt_words(salt if salt is not None else (0, 0))
    bins = _hash_kernel(_padded(values), jnp.uint32(num_bins), key, salted=salt is not None)
    return bins[:size]


@jax.jit
def _cross_kernel(features, num_bins):
    crossed = DEVICE.full(CROSS_SEED, features[0])
    for feature in features:
        crossed = fingerprint_cat(crossed, device_integer_feature(feature))
    return DEVICE.modulo(crossed, num_bins)


def device_cross_bins(features, num_bins):
    """The bin (int32) of the cross of 1-D integer ``features`` (arrays of one shape), as
    ``tf.sparse.cross_hashed`` with ``num_bins`` (at most ``2**31``). Traceable."""
    size = features[0].shape[0]
    padded = tuple(_padded(feature) for feature in features)
    return _cross_kernel(padded, jnp.uint32(num_bins))[:size]


def device_integer_feature(values):
    """An integer feature of a cross as the uint64 TensorFlow uses: its int64 value."""
    if jnp.issubdtype(values.dtype, jnp.signedinteger):
        values = values.astype(jnp.int32)
        high = jnp.where(values < 0, jnp.uint32(0xFFFFFFFF), jnp.uint32(0))
        return DeviceWord(high, values.view(jnp.uint32))
    return DEVICE.from_unsigned(values)
