"""`serialize_keras_object` is recursive and writes what Keras 3 writes; deserialization reads
Keras's configs, shares shared objects, and carries `safe_mode` into nested objects."""

import json

import jax.numpy as jnp
import keras
import numpy as np
import pytest

import kerasish
from kerasish.saving import serialization


def _json(config):
    """As written to config.json, without Keras's per-process ``shared_object_id`` values."""

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "shared_object_id"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(json.loads(json.dumps(config)))


def _objects(lib):
    return {
        "dense": lib.layers.Dense(
            3,
            activation="gelu",
            kernel_initializer=lib.initializers.VarianceScaling(2.0, seed=1),
            kernel_regularizer=lib.regularizers.L1L2(0.1, 0.2),
            kernel_constraint=lib.constraints.MaxNorm(2.0),
            name="dense",
        ),
        "adam_with_schedule": lib.optimizers.Adam(
            lib.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9), clipnorm=1.0, name="adam"
        ),
        "loss": lib.losses.CategoricalCrossentropy(label_smoothing=0.1),
        "metric": lib.metrics.AUC(name="auc", num_thresholds=50),
    }


@pytest.mark.parametrize("name", list(_objects(kerasish)))
def test_nested_object_configs_match_keras_both_ways(name):
    ours, theirs = _objects(kerasish)[name], _objects(keras)[name]
    config = _json(serialization.serialize_keras_object(ours))
    assert config == _json(keras.saving.serialize_keras_object(theirs))
    revived = kerasish.saving.deserialize_keras_object(config)
    assert type(revived) is type(ours)
    assert _json(serialization.serialize_keras_object(revived)) == config
    assert type(keras.saving.deserialize_keras_object(config)) is type(theirs)


@pytest.mark.parametrize(
    "value",
    [
        b"bytes",
        slice(1, None, 2),
        Ellipsis,
        (1, (2.5, None)),
        np.arange(3, dtype="int32"),
        np.float32(1.5),
        {"nested": [None, True]},
    ],
    ids=repr,
)
def test_special_values_serialize_as_keras_does(value):
    ours = serialization.serialize_keras_object(value)
    assert ours == keras.saving.serialize_keras_object(value)
    revived = kerasish.saving.deserialize_keras_object(_json(ours))
    theirs = keras.saving.deserialize_keras_object(_json(ours))
    if isinstance(value, np.ndarray):
        np.testing.assert_array_equal(revived, theirs)
    else:
        assert revived == theirs


def test_jax_arrays_serialize_as_keras_tensors():
    config = serialization.serialize_keras_object(jnp.array([1.0, 2.0]))
    assert config == keras.saving.serialize_keras_object(keras.ops.convert_to_tensor([1.0, 2.0]))
    np.testing.assert_array_equal(kerasish.saving.deserialize_keras_object(config), [1.0, 2.0])


def _shared_across_submodels(lib):
    shared = lib.layers.Dense(2, name="shared")
    first = lib.Sequential([lib.Input((3,)), shared, lib.layers.Dense(1)], name="first")
    second = lib.Sequential([lib.Input((3,)), shared], name="second")
    inputs = lib.Input((3,))
    return lib.Model(inputs, [first(inputs), second(inputs)])


def test_a_layer_shared_by_two_submodels_stays_shared(tmp_path):
    """Both occurrences carry one ``shared_object_id``, so Keras and kerasish rebuild one
    layer (Keras's own writer marks only the second one, and cannot load such files)."""
    model = _shared_across_submodels(kerasish)
    model.save(tmp_path / "m.keras")
    for restored in (
        kerasish.models.load_model(tmp_path / "m.keras"),
        keras.models.load_model(tmp_path / "m.keras"),
    ):
        first, second = restored.layers[1], restored.layers[2]
        assert first.layers[0] is second.layers[0]
        for left, right in zip(restored.get_weights(), model.get_weights()):
            np.testing.assert_array_equal(left, right)


@kerasish.saving.register_keras_serializable(package="kerasish_saving_tests")
def doubled(x):
    return 2.0 * x


def test_registered_functions_round_trip_by_name():
    config = serialization.serialize_keras_object(doubled)
    assert config["registered_name"] == "kerasish_saving_tests>doubled"
    assert kerasish.saving.deserialize_keras_object(config) is doubled


def test_safe_mode_reaches_layers_nested_in_wrappers():
    layer = kerasish.layers.TimeDistributed(kerasish.layers.Lambda(kerasish.activations.relu))
    config = _json(serialization.serialize_keras_object(layer))
    with pytest.raises(ValueError, match="safe_mode=False"):
        kerasish.saving.deserialize_keras_object(config)
    revived = kerasish.saving.deserialize_keras_object(config, safe_mode=False)
    assert revived.layer.function is kerasish.activations.relu
