"""Loading never runs code from a file: the published Keras safe_mode bypasses, replayed.

Each attack file would write a sentinel file (or import a module that writes one) if any of
its code ran; every test checks that the load fails with a clear error and that nothing ran.
"""

import codecs
import io
import json
import marshal
import os
import sys
import zipfile

import h5py
import numpy as np
import pytest
from saving_fixtures import functional_config, lambda_config, write_archive

import kerasish
from kerasish.saving import h5_store, keras_file, safe_mode


@pytest.fixture
def sentinel(tmp_path):
    path = tmp_path / "SENTINEL"
    yield path
    assert not path.exists(), "code from the file ran"


def _bytecode(sentinel_path):
    def payload(path=str(sentinel_path)):
        open(path, "w").close()

    return {
        "class_name": "__lambda__",
        "config": {
            "code": codecs.encode(marshal.dumps(payload.__code__), "base64").decode(),
            "defaults": [str(sentinel_path)],
            "closure": None,
        },
    }


def _function(module, name):
    return {"module": module, "class_name": "function", "config": name, "registered_name": name}


def _load(path, **kwargs):
    return kerasish.models.load_model(path, **kwargs)


@pytest.mark.parametrize("safe_mode_value", [True, False])
@pytest.mark.parametrize("argument", ["function", "output_shape", "mask"])
def test_cve_2024_3660_lambda_bytecode_never_runs(argument, safe_mode_value, sentinel, tmp_path):
    layer = lambda_config("l", _function("builtins", "relu"))
    layer["config"][argument] = _bytecode(sentinel)
    write_archive(tmp_path / "m.keras", functional_config([layer], "l"))
    with pytest.raises(ValueError, match="safe_mode"):
        _load(tmp_path / "m.keras", safe_mode=safe_mode_value)


def test_cve_2024_3660_tf_keras_lambda_form_is_refused(sentinel, tmp_path):
    layer = lambda_config("l", [_bytecode(sentinel)["config"]["code"], None, None])
    layer["config"]["function_type"] = "lambda"
    write_archive(tmp_path / "m.keras", functional_config([layer], "l"))
    with pytest.raises(ValueError):
        _load(tmp_path / "m.keras", safe_mode=False)


@pytest.fixture
def evil_module(tmp_path, monkeypatch, sentinel):
    """A module on the path that writes the sentinel when imported."""
    (tmp_path / "kerasish_evil_module.py").write_text(
        f"open({str(sentinel)!r}, 'w').close()\nPayload = object\nrun = print\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "kerasish_evil_module"
    assert "kerasish_evil_module" not in sys.modules


@pytest.mark.parametrize("safe_mode_value", [True, False])
def test_cve_2025_1550_modules_named_in_a_config_are_never_imported(
    evil_module, safe_mode_value, tmp_path
):
    as_function = lambda_config("l", _function(evil_module, "run"), arguments={"end": ""})
    as_system = lambda_config("l", _function("os", "system"))
    as_class = {
        "module": evil_module,
        "class_name": "Payload",
        "config": {},
        "registered_name": f"{evil_module}>Payload",
        "name": "p",
        "inbound_nodes": [],
    }
    as_initializer = {
        "module": "keras.layers",
        "class_name": "Dense",
        "config": {
            "units": 2,
            "kernel_initializer": {"module": evil_module, "class_name": "Payload", "config": {}},
        },
        "registered_name": None,
        "name": "d",
        "inbound_nodes": [],
    }
    for index, layer in enumerate((as_function, as_system, as_class, as_initializer)):
        output = layer["name"]
        if not layer["inbound_nodes"]:
            layer["inbound_nodes"] = lambda_config("", None)["inbound_nodes"]
        write_archive(tmp_path / f"{index}.keras", functional_config([layer], output))
        with pytest.raises(
            (ValueError, TypeError), match="safe_mode|Could not locate|Could not interpret"
        ):
            _load(tmp_path / f"{index}.keras", safe_mode=safe_mode_value)


def test_cve_2025_8747_non_modeling_functions_are_unreachable(sentinel, tmp_path):
    origin = f"file://{tmp_path / 'payload.txt'}"
    get_file = lambda_config(
        "l", _function("keras.utils", "get_file"), arguments={"origin": origin, "fname": "x"}
    )
    write_archive(tmp_path / "m.keras", functional_config([get_file], "l"))
    with pytest.raises(ValueError, match="Could not locate function 'get_file'"):
        _load(tmp_path / "m.keras", safe_mode=False)
    logger = {
        "module": "keras.callbacks",
        "class_name": "CSVLogger",
        "config": {"filename": str(sentinel)},
    }
    with pytest.raises(
        ValueError, match="`keras.callbacks.CSVLogger` because it is not a modeling"
    ):
        kerasish.saving.deserialize_keras_object(logger, safe_mode=False)
    with pytest.raises(ValueError, match="`keras.utils.get_file` because it is not a modeling"):
        kerasish.saving.deserialize_keras_object(_function("keras.utils", "get_file"))


@pytest.mark.parametrize(
    "switch",
    [
        _function("keras.config", "enable_unsafe_deserialization"),
        _function("keras.src.backend.common.global_state", "set_global_attribute"),
    ],
)
def test_cve_2025_9906_a_config_cannot_turn_safe_mode_off(switch, sentinel, tmp_path):
    layers = [
        lambda_config("off", switch, arguments={"name": "safe_mode_saving", "value": False}),
        lambda_config("payload", _bytecode(sentinel), source="off"),
    ]
    write_archive(tmp_path / "m.keras", functional_config(layers, "payload"))
    for safe_mode_value in (True, False):
        with pytest.raises(ValueError):
            _load(tmp_path / "m.keras", safe_mode=safe_mode_value)
    assert safe_mode.in_safe_mode() is None


def test_cve_2025_9905_legacy_h5_models_are_not_loaded(sentinel, tmp_path):
    config = functional_config([lambda_config("l", _bytecode(sentinel))], "l")
    with h5py.File(tmp_path / "m.h5", "w") as file:
        file.attrs["model_config"] = json.dumps(config)
        file.attrs["keras_version"] = "2.15.0"
    with pytest.raises(ValueError, match="does not load the legacy HDF5 model format"):
        _load(tmp_path / "m.h5", safe_mode=True)
    model = kerasish.Sequential([kerasish.Input((2,)), kerasish.layers.Dense(2)])
    with pytest.raises(ValueError, match="legacy `.h5` format is not supported"):
        model.load_weights(tmp_path / "m.h5")


def test_lambda_loads_only_with_safe_mode_off_and_only_registered_functions(tmp_path):
    model = kerasish.Sequential(
        [kerasish.Input((3,)), kerasish.layers.Lambda(kerasish.activations.relu)]
    )
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="passing `safe_mode=False`"):
        _load(tmp_path / "m.keras")
    restored = _load(tmp_path / "m.keras", safe_mode=False)
    x = np.array([[-1.0, 0.5, 2.0]], "float32")
    np.testing.assert_array_equal(restored(x), [[0.0, 0.5, 2.0]])


def test_enable_unsafe_deserialization_still_loads_no_bytecode(monkeypatch, sentinel, tmp_path):
    monkeypatch.setitem(safe_mode._process_default, "safe_mode", None)
    kerasish.config.enable_unsafe_deserialization()
    assert safe_mode.in_safe_mode() is False
    write_archive(
        tmp_path / "m.keras", functional_config([lambda_config("l", _bytecode(sentinel))], "l")
    )
    with pytest.raises(ValueError, match="never loads code"):
        _load(tmp_path / "m.keras", safe_mode=True)


def _weights_file(tmp_path, mutate):
    """A valid weights file for a one-Dense model, then ``mutate(h5_file)``."""
    model = kerasish.Sequential([kerasish.Input((2,)), kerasish.layers.Dense(2)])
    model.save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "a") as file:
        mutate(file, file["layers/dense/vars"])
    return model


def _external_link(file, group):
    del group["0"]
    group["0"] = h5py.ExternalLink(str(file.filename), "layers/dense/vars/1")


def _soft_link(file, group):
    file.create_dataset("elsewhere", data=np.ones((2, 2), "float32"))
    del group["0"]
    group["0"] = h5py.SoftLink("/elsewhere")


def _external_data(file, group):
    secret = os.path.join(os.path.dirname(file.filename), "secret.bin")
    np.arange(2, dtype="float32").tofile(secret)
    del group["1"]
    group.create_dataset("1", shape=(2,), dtype="float32", external=[(secret, 0, 8)])


def _virtual_data(file, group):
    layout = h5py.VirtualLayout(shape=(2,), dtype="float32")
    layout[:] = h5py.VirtualSource(file["layers/dense/vars/0"])[0]
    del group["1"]
    group.create_virtual_dataset("1", layout)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (_external_link, "H5 file with ExternalLink"),
        (_soft_link, "H5 file with SoftLink"),
        (_external_data, "H5 file with external Dataset"),
        (_virtual_data, "H5 file with virtual Dataset"),
    ],
)
def test_h5_links_and_external_storage_are_refused(mutate, message, tmp_path):
    model = _weights_file(tmp_path, mutate)
    with pytest.raises(ValueError, match=message):
        model.load_weights(tmp_path / "w.weights.h5")


def test_h5_shape_bombs_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(h5_store, "_BOMB_FLOOR_BYTES", 1 << 16)

    def bomb(file, group):
        del group["0"]
        group.create_dataset("0", shape=(4096, 4096), dtype="float32", chunks=(64, 64))

    model = _weights_file(tmp_path, bomb)
    with pytest.raises(ValueError, match="shape bomb"):
        model.load_weights(tmp_path / "w.weights.h5")


def _saved_model(tmp_path):
    model = kerasish.Sequential([kerasish.Input((2,)), kerasish.layers.Dense(2)])
    model.save(tmp_path / "good.keras")
    with zipfile.ZipFile(tmp_path / "good.keras") as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


@pytest.mark.parametrize(
    "member", ["assets/../../escaped.txt", "/tmp/kerasish_escaped.txt", "assets\\..\\escaped.txt"]
)
def test_zip_slip_members_are_refused(member, tmp_path):
    members = _saved_model(tmp_path)
    with zipfile.ZipFile(tmp_path / "m.keras", "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
        archive.writestr(zipfile.ZipInfo(member), b"escaped")
    with pytest.raises(ValueError, match="absolute path or a '..' component"):
        _load(tmp_path / "m.keras")
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_symlink_members_are_refused(tmp_path):
    members = _saved_model(tmp_path)
    link = zipfile.ZipInfo("assets/layers/dense/link")
    link.external_attr = (0o120777) << 16
    with zipfile.ZipFile(tmp_path / "m.keras", "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(ValueError, match="symbolic link"):
        _load(tmp_path / "m.keras")


def test_decompression_bombs_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(keras_file, "_BOMB_FLOOR_BYTES", 1 << 16)
    members = _saved_model(tmp_path)
    with zipfile.ZipFile(tmp_path / "m.keras", "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
        archive.writestr("assets/zeros.bin", b"\0" * (1 << 20), zipfile.ZIP_DEFLATED)
    with pytest.raises(ValueError, match="decompression bomb"):
        _load(tmp_path / "m.keras")


@pytest.mark.parametrize(
    "config_bytes, message",
    [(b"{not json", "Invalid `config.json`"), (b"[1, 2]", "expected a JSON object")],
)
def test_invalid_config_json_raises_clearly(config_bytes, message, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("config.json", config_bytes)
    (tmp_path / "m.keras").write_bytes(buffer.getvalue())
    with pytest.raises(ValueError, match=message):
        _load(tmp_path / "m.keras")
