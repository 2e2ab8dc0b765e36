"""The keras.distribution API on one device: meshes, layouts, layout maps, errors vs Keras."""

import jax
import keras
import numpy as np
import pytest

import kerasish
from kerasish import distribution as D


def _error(function):
    with pytest.raises(Exception) as info:
        function()
    return type(info.value), str(info.value)


def test_list_devices_matches_keras():
    assert D.list_devices() == keras.distribution.list_devices()
    assert D.get_device_count() == len(jax.devices())


@pytest.mark.parametrize(
    "shape, axis_names",
    [((), ()), ((1,), ("a", "b")), ((2,), ("batch",))],
)
def test_device_mesh_errors_match_keras(shape, axis_names):
    assert _error(lambda: D.DeviceMesh(shape, axis_names)) == _error(
        lambda: keras.distribution.DeviceMesh(shape, axis_names)
    )


def test_mesh_and_layout_map_onto_jax_sharding():
    mesh = D.DeviceMesh((1,), ["batch"])
    assert mesh.backend_mesh.shape == {"batch": 1}
    layout = D.TensorLayout([None, "batch"], mesh)
    assert isinstance(layout.backend_layout, jax.sharding.NamedSharding)
    assert layout.backend_layout.spec == jax.sharding.PartitionSpec(None, "batch")
    with pytest.raises(ValueError, match="Invalid axis names for Layout"):
        D.TensorLayout(["model"], mesh)
    with pytest.raises(ValueError, match="Cannot override device mesh value"):
        layout.device_mesh = mesh


def test_layout_map_full_match_rules_like_keras():
    ours = D.LayoutMap(D.DeviceMesh((1,), ["model"]))
    theirs = keras.distribution.LayoutMap(keras.distribution.DeviceMesh((1,), ["model"]))
    for layout_map in (ours, theirs):
        layout_map["dense.*/kernel"] = (None, "model")
        layout_map["dense_1/bias"] = ("model",)
    for path in ["dense/kernel", "dense_1/kernel", "seq/dense/kernel", "dense_1/bias", "other"]:
        a, b = ours[path], theirs[path]
        assert (a is None) == (b is None), path
        if a is not None:
            assert a.axes == tuple(b.axes)
    for layout_map in (ours, theirs):
        layout_map[".*kernel"] = ("model", None)
    assert _error(lambda: ours["dense/kernel"]) == _error(lambda: theirs["dense/kernel"])
    assert _error(lambda: ours.__setitem__("dense_1/bias", ("model",)))[0] is ValueError
    with pytest.raises(ValueError, match="should be a TensorLayout type"):
        ours["x"] = ["model"]


def test_model_parallel_argument_errors_match_keras():
    for kwargs in ({}, {"layout_map": {"a": 1}}):
        assert _error(lambda kw=kwargs: D.ModelParallel(**kw)) == _error(
            lambda kw=kwargs: keras.distribution.ModelParallel(**kw)
        )


def test_scope_and_set_distribution():
    distribution = D.DataParallel()
    assert D.distribution() is None
    with distribution.scope():
        assert D.distribution() is distribution
        model = kerasish.Sequential([kerasish.Input((3,)), kerasish.layers.Dense(2)])
    assert D.distribution() is None
    kernel = model.weights[0].value
    assert kernel.sharding.spec == jax.sharding.PartitionSpec(None, None)
    with pytest.raises(ValueError, match="Expected a `Distribution` instance"):
        D.set_distribution("data_parallel")


def test_assign_keeps_a_variable_in_its_layout():
    mesh = D.DeviceMesh((1,), ["model"])
    layout = D.TensorLayout([None, "model"], mesh)
    variable = kerasish.Variable(np.ones((2, 3), "float32"), layout=layout)
    variable.assign(np.zeros((2, 3), "float32"))
    assert variable.value.sharding == layout.backend_layout


def test_distribute_tensor_places_values():
    mesh = D.DeviceMesh((1,), ["batch"])
    layout = D.TensorLayout(["batch", None], mesh)
    value = D.distribute_tensor(np.ones((4, 2), "float32"), layout)
    assert value.sharding == layout.backend_layout
    symbolic = kerasish.Input((2,))
    assert D.distribute_tensor(symbolic, layout) is symbolic


def test_initialize_reads_keras_environment_variables(monkeypatch):
    calls = []
    monkeypatch.setattr(jax.distributed, "initialize", lambda **kwargs: calls.append(kwargs))
    monkeypatch.setenv("KERAS_DISTRIBUTION_JOB_ADDRESSES", "10.0.0.1:1234,10.0.0.2:2345")
    monkeypatch.setenv("KERAS_DISTRIBUTION_NUM_PROCESSES", "2")
    monkeypatch.setenv("KERAS_DISTRIBUTION_PROCESS_ID", "1")
    D.initialize()
    D.initialize(job_addresses="127.0.0.1:9999", num_processes=4, process_id=3)
    assert calls == [
        {"coordinator_address": "10.0.0.1:1234", "num_processes": 2, "process_id": 1},
        {"coordinator_address": "127.0.0.1:9999", "num_processes": 4, "process_id": 3},
    ]


def test_a_model_compiled_in_scope_keeps_its_distribution_outside_it():
    distribution = D.DataParallel()
    with distribution.scope():
        model = kerasish.Sequential([kerasish.Input((3,)), kerasish.layers.Dense(2)])
        model.compile(optimizer="sgd", loss="mse")
    assert model._current_distribution() is distribution
    history = model.fit(np.ones((8, 3)), np.ones((8, 2)), batch_size=4, verbose=0)
    assert len(history.history["loss"]) == 1
    other = kerasish.Sequential([kerasish.Input((3,)), kerasish.layers.Dense(2)])
    other.compile(optimizer="sgd", loss="mse")
    assert other._current_distribution() is None
