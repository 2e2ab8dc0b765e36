"""`kerasish.initializers` against `keras.initializers` (Keras 3 on its JAX backend)."""

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras.src.initializers import ALL_OBJECTS_DICT as KERAS_NAMES

from kerasish import initializers
from kerasish.engine.scope import InitScope
from kerasish.engine.variables import Variable
from kerasish.random import SeedGenerator

# Random draws share one shape so that each distribution compiles once for the whole file.
SHAPE = (300, 300)
RANDOM_CLASSES = [
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "GlorotUniform",
    "GlorotNormal",
    "HeNormal",
    "HeUniform",
    "LecunNormal",
    "LecunUniform",
    "Orthogonal",
]
CONFIG_CASES = [
    ("Constant", {}),
    ("Constant", {"value": 2.5}),
    ("Zeros", {}),
    ("Ones", {}),
    ("STFT", {}),
    ("STFT", {"side": "imag", "window": "hamming", "scaling": None, "periodic": True}),
    ("RandomNormal", {}),
    ("RandomNormal", {"mean": 1.0, "stddev": 2.0, "seed": 3}),
    ("RandomUniform", {}),
    ("RandomUniform", {"minval": -1.0, "maxval": 2.0, "seed": 4}),
    ("TruncatedNormal", {}),
    ("TruncatedNormal", {"mean": 0.5, "stddev": 0.1, "seed": 5}),
    ("VarianceScaling", {}),
    ("VarianceScaling", {"scale": 2.0, "mode": "fan_out", "distribution": "normal", "seed": 1}),
    (
        "VarianceScaling",
        {
            "mode": "fan_avg",
            "distribution": "untruncated_normal",
            "input_axes": [0],
            "output_axes": [1],
        },
    ),
    ("Orthogonal", {}),
    ("Orthogonal", {"gain": 2.0, "seed": 2}),
    *[(name, {}) for name in RANDOM_CLASSES[4:10]],
    *[
        (name, {"seed": 9, "input_axes": [0, 1], "output_axes": [2]})
        for name in RANDOM_CLASSES[4:10]
    ],
]


@pytest.mark.parametrize("name, kwargs", CONFIG_CASES)
def test_config_matches_keras(name, kwargs):
    ours = getattr(initializers, name)(**kwargs)
    theirs = getattr(keras.initializers, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert initializers.serialize(ours) == keras.initializers.serialize(theirs)


def test_identity_config_keeps_gain_which_keras_drops():
    # Deliberate deviation: Keras 3.15 returns {} and loses `gain` on reload.
    assert keras.initializers.Identity(gain=3.0).get_config() == {}
    assert initializers.Identity(gain=3.0).get_config() == {"gain": 3.0}
    assert keras.initializers.Identity.from_config({"gain": 3.0}).gain == 3.0
    assert initializers.Identity(gain=3.0).clone().gain == 3.0


def test_seed_generator_config_matches_keras():
    ours = initializers.RandomNormal(seed=SeedGenerator(3, name="gen"))
    theirs = keras.initializers.RandomNormal(seed=keras.random.SeedGenerator(3, name="gen"))
    assert ours.get_config() == theirs.get_config()
    restored = initializers.RandomNormal.from_config(ours.get_config())
    assert isinstance(restored.seed, SeedGenerator)


DETERMINISTIC_CASES = [
    ("Constant", {"value": 3}, (2, 3), "int32"),
    ("Constant", {"value": -1.5}, (4,), None),
    ("Zeros", {}, (3, 2), None),
    ("Ones", {}, (2, 2, 2), "float16"),
    ("Identity", {}, (3, 3), "int32"),
    ("Identity", {"gain": 2.5}, (2, 4), None),
    ("STFT", {}, (16, 1, 9), None),
    (
        "STFT",
        {"side": "imag", "window": "hamming", "scaling": "spectrum", "periodic": True},
        (8, 1, 5),
        None,
    ),
    ("STFT", {"window": None, "scaling": None}, (8, 2, 5), None),
]


@pytest.mark.parametrize("name, kwargs, shape, dtype", DETERMINISTIC_CASES)
def test_deterministic_values_match_keras(name, kwargs, shape, dtype):
    ours = np.asarray(getattr(initializers, name)(**kwargs)(shape, dtype=dtype))
    theirs = np.asarray(getattr(keras.initializers, name)(**kwargs)(shape, dtype=dtype))
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


def test_orthogonal_values_equal_keras():
    for shape in [(20, 30), (30, 20)]:
        ours = initializers.Orthogonal(gain=1.5, seed=7)(shape)
        np.testing.assert_array_equal(ours, keras.initializers.Orthogonal(gain=1.5, seed=7)(shape))


STATISTICS = [
    ("RandomNormal", {"mean": 1.0, "stddev": 2.0}, 1.0, 2.0, None),
    ("RandomUniform", {"minval": -2.0, "maxval": 4.0}, 1.0, 6.0 / np.sqrt(12.0), (-2.0, 4.0)),
    ("TruncatedNormal", {"stddev": 1.0}, 0.0, 0.8796, (-2.0, 2.0)),
    ("TruncatedNormal", {"mean": 1.0, "stddev": 0.5}, 1.0, 0.5 * 0.8796, (0.0, 2.0)),
    ("GlorotUniform", {}, 0.0, np.sqrt(2.0 / 600), (-np.sqrt(6 / 600), np.sqrt(6 / 600))),
    ("GlorotNormal", {}, 0.0, np.sqrt(2.0 / 600), None),
    ("HeNormal", {}, 0.0, np.sqrt(2.0 / 300), None),
    ("HeUniform", {}, 0.0, np.sqrt(2.0 / 300), (-np.sqrt(6 / 300), np.sqrt(6 / 300))),
    ("LecunNormal", {}, 0.0, np.sqrt(1.0 / 300), None),
    ("LecunUniform", {}, 0.0, np.sqrt(1.0 / 300), (-np.sqrt(3 / 300), np.sqrt(3 / 300))),
    (
        "VarianceScaling",
        {"scale": 2.0, "mode": "fan_out", "distribution": "untruncated_normal"},
        0.0,
        np.sqrt(2.0 / 300),
        None,
    ),
    (
        "VarianceScaling",
        {"scale": 0.5, "mode": "fan_avg", "distribution": "uniform"},
        0.0,
        np.sqrt(0.5 / 300),
        None,
    ),
]


@pytest.mark.parametrize("name, kwargs, mean, std, bounds", STATISTICS)
def test_random_statistics_and_seeded_values_equal_keras(name, kwargs, mean, std, bounds):
    values = np.asarray(getattr(initializers, name)(**kwargs, seed=1)(SHAPE))
    assert values.shape == SHAPE and values.dtype == np.float32
    assert abs(values.mean() - mean) < 0.02 * max(1.0, std * 10)
    assert values.std() == pytest.approx(std, rel=0.02)
    if bounds is not None:
        assert bounds[0] - 1e-6 <= values.min() and values.max() <= bounds[1] + 1e-6
    # Same seed, same jax.random calls: the values match Keras's bit for bit.
    theirs = np.asarray(getattr(keras.initializers, name)(**kwargs, seed=1)(SHAPE))
    np.testing.assert_array_equal(values, theirs)


# Every shape here is a (30, 20) QR, which compiles once (slowly) for the whole file.
@pytest.mark.parametrize("shape", [(20, 30), (30, 20), (3, 10, 20)])
def test_orthogonal_is_orthogonal(shape):
    values = np.asarray(initializers.Orthogonal(gain=2.0, seed=0)(shape), dtype=np.float64)
    matrix = values.reshape(-1, shape[-1]) / 2.0
    small = min(matrix.shape)
    gram = matrix.T @ matrix if matrix.shape[0] >= matrix.shape[1] else matrix @ matrix.T
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-5)


def test_orthogonal_rejects_vectors():
    with pytest.raises(ValueError, match="at least two-dimensional"):
        initializers.Orthogonal()((3,))


def test_identity_rejects_non_matrices():
    with pytest.raises(ValueError, match="only be used for 2D matrices"):
        initializers.Identity()((2, 2, 2))


def test_int_seed_repeats_and_generator_advances():
    seeded = initializers.RandomNormal(seed=5)
    np.testing.assert_array_equal(seeded(SHAPE), seeded(SHAPE))
    generated = initializers.RandomNormal(seed=SeedGenerator(5))
    assert not np.array_equal(generated(SHAPE), generated(SHAPE))
    unseeded = initializers.GlorotUniform()
    np.testing.assert_array_equal(unseeded(SHAPE), unseeded(SHAPE))  # default int seed
    assert unseeded.get_config()["seed"] is None


def test_unseeded_draws_come_from_the_init_scope():
    initializer = initializers.HeNormal()

    def draw(key):
        with InitScope(key):
            return initializer(SHAPE)

    first = draw(jax.random.key(0))
    np.testing.assert_array_equal(first, draw(jax.random.key(0)))
    assert not np.array_equal(first, draw(jax.random.key(1)))
    assert not np.array_equal(first, initializer(SHAPE))
    # Works under jit: the key is traced.
    np.testing.assert_array_equal(jax.jit(draw)(jax.random.key(0)), first)


def test_seeded_draws_ignore_the_init_scope():
    initializer = initializers.HeNormal(seed=3)
    outside = initializer(SHAPE)
    with InitScope(jax.random.key(0)):
        np.testing.assert_array_equal(initializer(SHAPE), outside)


@pytest.mark.parametrize(
    "name", ["RandomNormal", "RandomUniform", "TruncatedNormal", "Orthogonal", "HeUniform"]
)
def test_integer_dtype_raises_like_keras(name):
    with pytest.raises(ValueError) as theirs:
        getattr(keras.initializers, name)(seed=1)((2, 2), dtype="int32")
    with pytest.raises(ValueError) as ours:
        getattr(initializers, name)(seed=1)((2, 2), dtype="int32")
    assert str(ours.value) == str(theirs.value)


def test_dtype_defaults_to_floatx_and_is_honoured():
    assert initializers.GlorotUniform(seed=0)(SHAPE).dtype == jnp.float32
    assert initializers.RandomNormal(seed=0)((2, 2), dtype="bfloat16").dtype == jnp.bfloat16
    assert initializers.Zeros()((2,), dtype="int8").dtype == jnp.int8


def test_invalid_arguments_raise_like_keras():
    with pytest.raises(ValueError, match="`seed` argument should be an instance"):
        initializers.RandomNormal(seed="abc")
    with pytest.raises(ValueError, match="Argument `scale` must be positive float"):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="Invalid `mode` argument: fan"):
        initializers.VarianceScaling(mode="fan")
    with pytest.raises(ValueError, match="Invalid `distribution` argument: gamma"):
        initializers.VarianceScaling(distribution="gamma")
    with pytest.raises(ValueError, match="side should be 'real' or 'imag'"):
        initializers.STFT(side="both")


@pytest.mark.parametrize("name", sorted(KERAS_NAMES))
def test_every_keras_name_resolves_to_the_same_class(name):
    if name in ("Constant", "constant"):
        # Keras 3.15's `get("Constant")` fails (`from_config` needs "value"); ours gives Constant(0.0).
        assert initializers.get(name).get_config() == {"value": 0.0}
        return
    theirs = keras.initializers.get(name)
    ours = initializers.get(name)
    assert type(ours).__name__ == type(theirs).__name__


def test_public_aliases_match_keras():
    public = [name for name in dir(keras.initializers) if not name.startswith("_")]
    for name in public:
        assert hasattr(initializers, name), name
        if isinstance(getattr(keras.initializers, name), type):
            assert (
                getattr(initializers, name).__name__ == getattr(keras.initializers, name).__name__
            )


def test_get_accepts_every_identifier_kind():
    assert initializers.get(None) is None
    instance = initializers.Ones()
    assert initializers.get(instance) is instance
    assert isinstance(initializers.get(initializers.HeNormal), initializers.HeNormal)
    config = {"class_name": "RandomUniform", "config": {"minval": 0.0, "maxval": 2.0, "seed": 1}}
    assert initializers.get(config).get_config() == keras.initializers.get(config).get_config()

    def function(shape, dtype=None):
        return jnp.zeros(shape, dtype)

    assert initializers.get(function) is function
    array_init = initializers.get(np.arange(4.0))
    np.testing.assert_array_equal(array_init((4,), dtype="int32"), [0, 1, 2, 3])
    with pytest.raises(ValueError, match=r"Expected `shape` to be \(4,\)"):
        array_init((3,))


@pytest.mark.parametrize("identifier", ["foo", 3, {"class_name": "foo", "config": {}}])
def test_unknown_identifier_error_matches_keras(identifier):
    with pytest.raises(ValueError) as theirs:
        keras.initializers.get(identifier)
    with pytest.raises(ValueError, match="Could not interpret initializer identifier") as ours:
        initializers.get(identifier)
    assert str(ours.value) == str(theirs.value)


def test_keras_configs_load_and_ours_load_in_keras():
    for name, kwargs in CONFIG_CASES:
        theirs = getattr(keras.initializers, name)(**kwargs)
        ours = initializers.deserialize(keras.initializers.serialize(theirs))
        assert type(ours).__name__ == name
        assert ours.get_config() == theirs.get_config()
        back = keras.initializers.deserialize(initializers.serialize(ours))
        assert back.get_config() == theirs.get_config()


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(["RandomNormal", "TruncatedNormal"]),
    mean=st.floats(-10, 10),
    stddev=st.floats(0.001, 10),
    seed=st.one_of(st.none(), st.integers(0, 2**31 - 1)),
)
def test_serialize_round_trip(name, mean, stddev, seed):
    initializer = getattr(initializers, name)(mean=mean, stddev=stddev, seed=seed)
    restored = initializers.deserialize(initializers.serialize(initializer))
    assert type(restored) is type(initializer)
    assert restored.get_config() == initializer.get_config()
    if seed is not None:
        np.testing.assert_array_equal(restored(SHAPE), initializer(SHAPE))


@settings(max_examples=30, deadline=None)
@given(
    scale=st.floats(0.01, 10),
    mode=st.sampled_from(["fan_in", "fan_out", "fan_avg"]),
    distribution=st.sampled_from(["uniform", "normal", "truncated_normal", "untruncated_normal"]),
)
def test_variance_scaling_round_trip(scale, mode, distribution):
    initializer = initializers.VarianceScaling(scale, mode, distribution, seed=0)
    restored = initializers.get(initializers.serialize(initializer))
    assert restored.get_config() == initializer.get_config()
    assert (
        restored.get_config()
        == keras.initializers.VarianceScaling(scale, mode, distribution, seed=0).get_config()
    )


def test_clone_gives_an_equal_config():
    initializer = initializers.Orthogonal(gain=3.0, seed=4)
    clone = initializer.clone()
    assert clone is not initializer and clone.get_config() == initializer.get_config()


def test_variables_use_string_initializers():
    variable = Variable(initializer="ones", shape=(2, 3))
    np.testing.assert_array_equal(variable.numpy(), np.ones((2, 3)))


def test_compute_fans_match_keras():
    from keras.src.initializers.random_initializers import compute_fans

    for shape in [(), (5,), (3, 4), (3, 3, 8, 16), (2, 3, 4, 5, 6)]:
        assert initializers.compute_fans(shape) == compute_fans(shape)
    assert initializers.compute_fans((2, 3, 4), [0, 1], [2]) == compute_fans((2, 3, 4), [0, 1], [2])
