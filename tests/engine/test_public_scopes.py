"""Keras 3's top-level scopes and aliases: `StatelessScope`, `name_scope`, `device`,
`version` and the base classes (`keras.Loss`, `keras.Metric` ...), compared with Keras."""

import jax
import keras
import numpy as np
import pytest

import kerasish


def _dense_and_bn(lib):
    dense = lib.layers.Dense(2, name="dense")
    dense.build((None, 3))
    bn = lib.layers.BatchNormalization(name="bn")
    bn.build((None, 2))
    return dense, bn


def _stateless_run(lib):
    dense, bn = _dense_and_bn(lib)
    mapping = [(v, np.full(v.shape, 0.5, v.dtype)) for v in dense.weights]
    x = np.arange(12, dtype="float32").reshape(4, 3)
    with lib.StatelessScope(mapping) as scope:
        outputs = bn(dense(x), training=True)
    return (
        np.asarray(outputs),
        np.asarray(scope.get_current_value(bn.moving_mean)),
        scope.get_current_value(bn.gamma),
        dense.kernel.numpy(),
        bn.moving_mean.numpy(),
    )


def test_stateless_scope_reads_the_mapping_and_collects_updates_like_keras():
    ours, theirs = _stateless_run(kerasish), _stateless_run(keras)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)
    assert ours[2] is None and theirs[2] is None  # neither mapped nor assigned
    assert not np.allclose(ours[3], 0.5)  # the variables themselves never change
    np.testing.assert_array_equal(ours[4], np.zeros(2))


def test_stateless_scope_collects_losses_only_when_asked():
    layer = kerasish.layers.ActivityRegularization(l1=1.0)
    x = np.array([[1.0, -2.0]], "float32")
    with kerasish.StatelessScope(collect_losses=True) as scope:
        layer(x)
    np.testing.assert_allclose([float(v) for v in scope.losses], [3.0])
    with kerasish.StatelessScope() as scope:
        layer(x)
    assert scope.losses == []


def test_stateless_scope_errors_match_keras():
    ours, theirs = kerasish.Variable(np.zeros(2)), keras.Variable(np.zeros(2))
    for lib, variable in ((kerasish, ours), (keras, theirs)):
        with pytest.raises(ValueError, match="with a shape that matches the corresponding"):
            lib.StatelessScope([(variable, np.zeros(3))])
        with pytest.raises(ValueError, match="all keys in argument `mapping` must be Variable"):
            lib.StatelessScope([("v", np.zeros(2))])


def _paths(lib):
    paths = []
    with lib.name_scope("outer"):
        paths.append(lib.Variable(1.0, name="v").path)
        with lib.name_scope("inner"):
            paths.append(lib.Variable(1.0, name="w").path)
        with lib.name_scope("other", override_parent="root/branch"):
            paths.append(lib.Variable(1.0, name="x").path)
        paths.append(lib.Variable(1.0, name="y").path)
    return paths


def test_name_scope_paths_match_keras():
    assert (
        _paths(kerasish)
        == _paths(keras)
        == [
            "outer/v",
            "outer/inner/w",
            "root/branch/other/x",
            "outer/y",
        ]
    )
    with pytest.raises(ValueError, match="cannot contain character `/`"):
        kerasish.name_scope("a/b")


def test_device_places_new_arrays_and_rejects_bad_names():
    cpu = jax.devices("cpu")[0]
    for name in ("cpu", "cpu:0", "CPU:0", cpu):
        with kerasish.device(name):
            assert kerasish.ops.ones((2,)).devices() == {cpu}
    with pytest.raises(ValueError, match="Unknown device 'cpu:99'"):
        with kerasish.device("cpu:99"):
            pass
    with pytest.raises(ValueError, match="Expected a string like 'gpu:0'"):
        kerasish.device(3)


def test_top_level_aliases_are_the_base_classes():
    assert kerasish.Loss is kerasish.losses.Loss
    assert kerasish.Metric is kerasish.metrics.Metric
    assert kerasish.Optimizer is kerasish.optimizers.Optimizer
    assert kerasish.Initializer is kerasish.initializers.Initializer
    assert kerasish.Regularizer is kerasish.regularizers.Regularizer
    assert issubclass(kerasish.Layer, kerasish.Operation)
    assert kerasish.version() == kerasish.__version__


def test_subclassing_the_top_level_loss_trains():
    class Squared(kerasish.Loss):
        def call(self, y_true, y_pred):
            return kerasish.ops.mean(kerasish.ops.square(y_true - y_pred), axis=-1)

    model = kerasish.Sequential([kerasish.Input((2,)), kerasish.layers.Dense(1)])
    model.compile("sgd", loss=Squared())
    x = np.ones((8, 2), "float32")
    history = model.fit(x, np.zeros((8, 1), "float32"), epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]
