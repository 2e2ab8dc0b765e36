"""`kerasish.utils` against `keras.utils` (Keras 3 on its JAX backend)."""

import hashlib
import random
import tarfile

import jax.numpy as jnp
import keras
import numpy as np
import pytest

from kerasish import utils
from kerasish.engine.variables import Variable
from kerasish.random import seed_generator
from kerasish.utils.file_utils import FileNotCachedError

ORIGIN = "https://example.com/data/mnist.npz"


@pytest.mark.parametrize(
    "labels, num_classes",
    [([0, 2, 1], None), ([[1], [0]], None), ([3, 1], 5), (np.array([[0, 1], [2, 1]]), 3), (4, 6)],
)
def test_to_categorical_matches_keras(labels, num_classes):
    ours = utils.to_categorical(labels, num_classes)
    theirs = keras.utils.to_categorical(labels, num_classes)
    assert isinstance(ours, np.ndarray) and ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_to_categorical_of_jax_arrays_matches_keras():
    labels = jnp.array([[1], [0], [2]])
    ours = utils.to_categorical(labels, 3)
    theirs = keras.utils.to_categorical(labels, 3)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(
        utils.to_categorical(Variable(jnp.array([1, 0]), dtype="int32"), 2), [[0, 1], [1, 0]]
    )


@pytest.mark.parametrize("axis, order", [(-1, 2), (1, 1), (-1, 3), (None, 2)])
def test_normalize_matches_keras(axis, order):
    x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    x[0] = 0.0
    ours = utils.normalize(x, axis=axis, order=order)
    theirs = keras.utils.normalize(x, axis=axis, order=order)
    assert isinstance(ours, np.ndarray)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    if axis is not None:
        ours = utils.normalize(jnp.asarray(x), axis=axis, order=order)
        theirs = keras.utils.normalize(jnp.asarray(x), axis=axis, order=order)
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


def test_normalize_numpy_axis_zero_is_correct():
    # Keras 3.15's NumPy path expands along -1 for axis=0; ours normalizes columns.
    x = np.array([[3.0, 1.0], [4.0, 0.0]])
    np.testing.assert_allclose(utils.normalize(x, axis=0), [[0.6, 1.0], [0.8, 0.0]])


def test_normalize_rejects_bad_orders_like_keras():
    with pytest.raises(ValueError, match="Argument `order` must be an int >= 1"):
        utils.normalize(jnp.ones((2, 2)), order=0)


def test_set_random_seed_seeds_python_numpy_and_kerasish():
    utils.set_random_seed(123)
    first = (random.random(), np.random.rand(), np.asarray(seed_generator.draw_seed(None)))
    utils.set_random_seed(123)
    second = (random.random(), np.random.rand(), np.asarray(seed_generator.draw_seed(None)))
    assert first[:2] == second[:2]
    np.testing.assert_array_equal(first[2], second[2])
    with pytest.raises(ValueError, match="Expected `seed` argument to be an integer"):
        utils.set_random_seed(1.5)


def test_get_file_returns_a_cached_file(tmp_path):
    cached = tmp_path / "datasets" / "mnist.npz"
    cached.parent.mkdir()
    cached.write_bytes(b"payload")
    assert utils.get_file(origin=ORIGIN, cache_dir=tmp_path) == str(cached)
    assert utils.get_file("mnist.npz", ORIGIN, cache_dir=str(tmp_path)) == str(cached)
    sha256 = hashlib.sha256(b"payload").hexdigest()
    md5 = hashlib.md5(b"payload").hexdigest()
    assert utils.get_file(origin=ORIGIN, cache_dir=tmp_path, file_hash=sha256) == str(cached)
    assert utils.get_file(origin=ORIGIN, cache_dir=tmp_path, file_hash=md5) == str(cached)
    with pytest.raises(ValueError, match="hash does not match"):
        utils.get_file(origin=ORIGIN, cache_dir=tmp_path, file_hash="0" * 64)


def test_get_file_never_downloads(tmp_path):
    expected_path = tmp_path / "models" / "weights.h5"
    with pytest.raises(FileNotCachedError) as error:
        utils.get_file(
            "weights.h5",
            origin="https://example.com/w.h5",
            cache_subdir="models",
            cache_dir=tmp_path,
        )
    assert isinstance(error.value, RuntimeError)
    message = str(error.value)
    assert "never downloads" in message
    assert "https://example.com/w.h5" in message and str(expected_path) in message
    assert not (tmp_path / "models").exists()
    cached = tmp_path / "datasets" / "mnist.npz"
    cached.parent.mkdir()
    cached.write_bytes(b"x")
    with pytest.raises(FileNotCachedError, match="force_download"):
        utils.get_file(origin=ORIGIN, cache_dir=tmp_path, force_download=True)


def test_get_file_honours_keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotCachedError, match=str(tmp_path / "datasets" / "mnist.npz")):
        utils.get_file(origin=ORIGIN)
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "mnist.npz").write_bytes(b"x")
    assert utils.get_file(origin=ORIGIN) == str(tmp_path / "datasets" / "mnist.npz")


def test_get_file_argument_errors_match_keras(tmp_path):
    with pytest.raises(ValueError, match='Please specify the "origin" argument'):
        utils.get_file("x")
    with pytest.raises(ValueError, match="Paths are no longer accepted"):
        utils.get_file("a/b.txt", origin=ORIGIN, cache_dir=tmp_path)
    with pytest.raises(ValueError, match="Can't parse the file name"):
        utils.get_file(origin="https://example.com/", cache_dir=tmp_path)


def test_get_file_extracts_a_cached_archive(tmp_path):
    source = tmp_path / "source.txt"
    source.write_text("hello")
    datadir = tmp_path / "datasets"
    datadir.mkdir()
    with tarfile.open(datadir / "data.tar.gz", "w:gz") as archive:
        archive.add(source, arcname="inner/source.txt")
    path = utils.get_file(
        "data.tar.gz", origin="https://example.com/data.tar.gz", cache_dir=tmp_path, extract=True
    )
    assert path == str(datadir / "data_extracted")
    assert (datadir / "data_extracted" / "inner" / "source.txt").read_text() == "hello"
