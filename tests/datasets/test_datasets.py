"""`kerasish.datasets` read Keras's cached files exactly as Keras 3 does, and never run code.

Small fake files with Keras's layouts are placed in a temporary ``KERAS_HOME``; Keras's own
loaders read the same bytes (its ``get_file`` patched to return our path) for comparison.
"""

import gzip
import hashlib
import io
import os
import pickle
import tarfile
import zipfile

import numpy as np
import pytest
from keras.src.datasets import (
    boston_housing as keras_boston,
)
from keras.src.datasets import (
    california_housing as keras_california,
)
from keras.src.datasets import (
    cifar10 as keras_cifar10,
)
from keras.src.datasets import (
    cifar100 as keras_cifar100,
)
from keras.src.datasets import (
    fashion_mnist as keras_fashion_mnist,
)
from keras.src.datasets import imdb as keras_imdb
from keras.src.datasets import mnist as keras_mnist
from keras.src.datasets import reuters as keras_reuters

from kerasish import datasets
from kerasish.datasets._safe_pickle import UnsafeDatasetFileError
from kerasish.utils.file_utils import FileNotCachedError


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    return tmp_path / "datasets"


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _trust(monkeypatch, module, path):
    """Our loader accepts the fake file (its hash), Keras's reads the same path."""
    monkeypatch.setattr(module, "_HASH", _sha256(path))


def _keras_reads(monkeypatch, keras_module, path):
    monkeypatch.setattr(keras_module, "get_file", lambda *args, **kwargs: str(path))


def _ragged(rng, count, vocabulary=40):
    return [list(rng.integers(1, vocabulary, rng.integers(2, 9))) for _ in range(count)]


def _object_array(sequences):
    array = np.empty(len(sequences), dtype="object")
    array[:] = [list(map(int, s)) for s in sequences]
    return array


def _assert_same(ours, theirs):
    for our_part, their_part in zip(ours, theirs):
        for a, b in zip(our_part, their_part):
            assert a.dtype == b.dtype and a.shape == b.shape
            if a.dtype == object:
                assert [list(x) for x in a] == [list(x) for x in b]
            else:
                np.testing.assert_array_equal(a, b)


def test_mnist(cache, monkeypatch):
    rng = np.random.default_rng(0)
    path = cache / "mnist.npz"
    np.savez(
        path,
        x_train=rng.integers(0, 255, (6, 28, 28), dtype=np.uint8),
        y_train=rng.integers(0, 10, 6, dtype=np.uint8),
        x_test=rng.integers(0, 255, (2, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, 2, dtype=np.uint8),
    )
    _trust(monkeypatch, datasets.mnist, path)
    _keras_reads(monkeypatch, keras_mnist, path)
    _assert_same(datasets.mnist.load_data(), keras_mnist.load_data())


def test_fashion_mnist(cache, monkeypatch):
    rng = np.random.default_rng(1)
    folder = cache / "fashion-mnist"
    folder.mkdir()
    for prefix, count in (("train", 5), ("t10k", 3)):
        labels = b"\0" * 8 + rng.integers(0, 10, count, dtype=np.uint8).tobytes()
        images = b"\0" * 16 + rng.integers(0, 255, count * 784, dtype=np.uint8).tobytes()
        (folder / f"{prefix}-labels-idx1-ubyte.gz").write_bytes(gzip.compress(labels))
        (folder / f"{prefix}-images-idx3-ubyte.gz").write_bytes(gzip.compress(images))
    monkeypatch.setattr(keras_fashion_mnist, "get_file", lambda name, **kwargs: str(folder / name))
    (x_train, y_train), (x_test, y_test) = datasets.fashion_mnist.load_data()
    assert x_train.shape == (5, 28, 28) and x_test.shape == (3, 28, 28)
    _assert_same(((x_train, y_train), (x_test, y_test)), keras_fashion_mnist.load_data())


def _write_imdb(path, rng):
    np.savez(
        path,
        x_train=_object_array(_ragged(rng, 12)),
        y_train=rng.integers(0, 2, 12),
        x_test=_object_array(_ragged(rng, 8)),
        y_test=rng.integers(0, 2, 8),
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"num_words": 20, "skip_top": 5},
        {"maxlen": 8, "seed": 7},
        {"start_char": None, "oov_char": None, "index_from": 0, "num_words": 15},
        {"oov_char": None, "skip_top": 10},
    ],
)
def test_imdb_matches_keras_index_arithmetic(cache, monkeypatch, kwargs):
    path = cache / "imdb.npz"
    _write_imdb(path, np.random.default_rng(2))
    _trust(monkeypatch, datasets.imdb, path)
    _keras_reads(monkeypatch, keras_imdb, path)
    _assert_same(datasets.imdb.load_data(**kwargs), keras_imdb.load_data(**kwargs))


def test_imdb_maxlen_that_keeps_nothing_is_an_error(cache, monkeypatch):
    path = cache / "imdb.npz"
    _write_imdb(path, np.random.default_rng(2))
    _trust(monkeypatch, datasets.imdb, path)
    with pytest.raises(ValueError, match="no sequence was kept. Increase maxlen"):
        datasets.imdb.load_data(maxlen=2)


@pytest.mark.parametrize("kwargs", [{}, {"num_words": 12, "test_split": 0.3, "maxlen": 7}])
def test_reuters_matches_keras(cache, monkeypatch, kwargs):
    rng = np.random.default_rng(3)
    path = cache / "reuters.npz"
    np.savez(path, x=_object_array(_ragged(rng, 15)), y=rng.integers(0, 46, 15))
    _trust(monkeypatch, datasets.reuters, path)
    _keras_reads(monkeypatch, keras_reuters, path)
    _assert_same(datasets.reuters.load_data(**kwargs), keras_reuters.load_data(**kwargs))
    assert datasets.reuters.get_label_names() == keras_reuters.get_label_names()


def test_word_index_is_checked_against_keras_hash(cache):
    (cache / "imdb_word_index.json").write_text('{"the": 1, "movie": 2}')
    with pytest.raises(ValueError, match="hash does not match"):
        datasets.imdb.get_word_index()


def _tar_with(archive_path, folder, members):
    with tarfile.open(archive_path, "w:gz") as archive:
        for name, content in members.items():
            data = pickle.dumps(content)
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def _cifar_batch(rng, count, label_keys):
    batch = {b"data": rng.integers(0, 255, (count, 3072), dtype=np.uint8)}
    for key, classes in label_keys.items():
        batch[key] = [int(v) for v in rng.integers(0, classes, count)]
    return batch


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_cifar10(cache, monkeypatch, data_format):
    import kerasish

    rng = np.random.default_rng(4)
    archive = cache / "cifar-10-batches-py-target_archive"
    members = {f"data_batch_{i}": _cifar_batch(rng, 3, {b"labels": 10}) for i in range(1, 6)}
    members["test_batch"] = _cifar_batch(rng, 2, {b"labels": 10})
    _tar_with(archive, "cifar-10-batches-py", members)
    _trust(monkeypatch, datasets.cifar10, archive)
    monkeypatch.setattr(kerasish.backend.config, "_IMAGE_DATA_FORMAT", data_format)
    ours = datasets.cifar10.load_data()
    assert ours[0][0].shape == (
        (15, 32, 32, 3) if data_format == "channels_last" else (15, 3, 32, 32)
    )
    # Keras fills a fixed 50,000-row array; compare with its batch reader and layout instead.
    extracted = cache / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    first, labels = keras_cifar10.load_batch(str(extracted / "data_batch_1"))
    if data_format == "channels_last":
        first = first.transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(ours[0][0][:3], first)
    np.testing.assert_array_equal(ours[0][1][:3, 0], labels)
    assert ours[0][1].dtype == ours[1][1].dtype == np.uint8 and ours[1][1].shape == (2, 1)


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_matches_keras(cache, monkeypatch, label_mode):
    rng = np.random.default_rng(5)
    archive = cache / "cifar-100-python-target_archive"
    keys = {b"fine_labels": 100, b"coarse_labels": 20}
    _tar_with(
        archive,
        "cifar-100-python",
        {"train": _cifar_batch(rng, 4, keys), "test": _cifar_batch(rng, 2, keys)},
    )
    _trust(monkeypatch, datasets.cifar100, archive)
    ours = datasets.cifar100.load_data(label_mode)
    _keras_reads(monkeypatch, keras_cifar100, cache / "cifar-100-python-target")
    _assert_same(ours, keras_cifar100.load_data(label_mode))


def test_cifar100_rejects_unknown_label_mode():
    with pytest.raises(ValueError, match='`label_mode` must be one of `"fine"`, `"coarse"`'):
        datasets.cifar100.load_data("medium")


@pytest.mark.parametrize(
    "module, keras_module, kwargs",
    [
        (datasets.boston_housing, keras_boston, {"test_split": 0.25, "seed": 3}),
        (datasets.california_housing, keras_california, {"version": "small"}),
        (datasets.california_housing, keras_california, {"version": "large", "test_split": 0}),
    ],
)
def test_housing_splits_match_keras(cache, monkeypatch, module, keras_module, kwargs):
    rng = np.random.default_rng(6)
    path = cache / "housing.npz"
    np.savez(path, x=rng.standard_normal((700, 8)), y=rng.standard_normal(700))
    _trust(monkeypatch, module, path)
    _keras_reads(monkeypatch, keras_module, path)
    _assert_same(module.load_data(path="housing.npz", **kwargs), keras_module.load_data(**kwargs))


def test_housing_errors_match_keras(cache, monkeypatch):
    with pytest.raises(ValueError, match="Invalid `test_split` argument: 1"):
        datasets.boston_housing.load_data(test_split=1)
    path = cache / "california_housing.npz"
    np.savez(path, x=np.zeros((3, 8)), y=np.zeros(3))
    _trust(monkeypatch, datasets.california_housing, path)
    with pytest.raises(ValueError, match="must be one of 'small', 'large'"):
        datasets.california_housing.load_data(version="medium")


def test_missing_file_names_the_path_and_never_downloads(cache):
    with pytest.raises(FileNotCachedError, match=str(cache / "mnist.npz")):
        datasets.mnist.load_data()


class _Payload:
    def __reduce__(self):
        return (os.system, ("touch kerasish_dataset_pwned",))


def test_a_pickle_gadget_in_a_dataset_file_is_refused_without_side_effect(
    cache, monkeypatch, tmp_path
):
    monkeypatch.chdir(tmp_path)
    stream = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        stream, {"descr": "|O", "fortran_order": False, "shape": (1,)}
    )
    stream.write(pickle.dumps(_Payload()))
    path = cache / "reuters.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x.npy", stream.getvalue())
        archive.writestr("y.npy", stream.getvalue())
    _trust(monkeypatch, datasets.reuters, path)
    with pytest.raises(UnsafeDatasetFileError, match="Refusing to load `posix.system`"):
        datasets.reuters.load_data()
    assert not (tmp_path / "kerasish_dataset_pwned").exists()
