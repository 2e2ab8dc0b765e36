"""Small `keras.utils` / `keras.backend` / `keras.config` / `keras.models` helpers vs Keras 3."""

import json
import logging
import warnings

import keras
import numpy as np
import pytest

import kerasish


@pytest.mark.parametrize(
    "dtypes",
    [
        ("int32", "float32"),
        ("bfloat16", int),
        ("int8", "uint8"),
        ("int64", "float32"),
        (None,),
        ("float16", float),
        ("bool", int),
        ("int32", float),
        ("uint32", "int32"),
        ("float16", "bfloat16"),
        (),
    ],
)
def test_result_type_matches_keras(dtypes):
    assert kerasish.backend.result_type(*dtypes) == keras.backend.result_type(*dtypes)


@pytest.mark.parametrize("dtype", ["uint8", "int64", "float16", "bfloat16", "bool", "float32"])
def test_dtype_predicates_match_keras(dtype):
    assert kerasish.backend.is_int_dtype(dtype) == keras.backend.is_int_dtype(dtype)
    assert kerasish.backend.is_float_dtype(dtype) == keras.backend.is_float_dtype(dtype)
    assert kerasish.backend.standardize_dtype(dtype) == keras.backend.standardize_dtype(dtype)


def test_get_uid_counts_per_prefix():
    first = kerasish.backend.get_uid("kerasish_test_prefix")
    assert kerasish.backend.get_uid("kerasish_test_prefix") == first + 1
    assert kerasish.backend.get_uid("another_kerasish_prefix") == 1


def test_get_source_inputs_walks_to_the_graph_inputs():
    a, b = kerasish.Input((2,)), kerasish.Input((2,))
    x = kerasish.layers.Dense(2)(a)
    y = kerasish.layers.Add()([x, kerasish.layers.Dense(2)(b)])
    z = kerasish.layers.Concatenate()([y, x])
    sources = kerasish.utils.get_source_inputs(z)
    assert len(sources) == 2 and sources[0] is a and sources[1] is b
    assert kerasish.utils.get_source_inputs(a) == [a]
    assert kerasish.utils.is_keras_tensor(z) and not kerasish.utils.is_keras_tensor(np.ones(2))


def test_model_json_round_trips_with_keras_both_ways():
    ours = kerasish.Sequential([kerasish.Input((4,)), kerasish.layers.Dense(3, name="d")])
    theirs = keras.models.model_from_json(ours.to_json())
    assert [layer.name for layer in theirs.layers] == ["d"]
    back = kerasish.models.model_from_json(theirs.to_json())
    assert isinstance(back, kerasish.Sequential)
    assert json.loads(back.to_json())["config"]["layers"][1]["config"]["units"] == 3


def test_layers_serialize_and_deserialize():
    layer = kerasish.layers.deserialize(kerasish.layers.serialize(kerasish.layers.Dense(3)))
    assert isinstance(layer, kerasish.layers.Dense) and layer.units == 3
    with pytest.raises(ValueError, match="not a `keras.layers.Layer`"):
        kerasish.layers.deserialize(kerasish.optimizers.serialize(kerasish.optimizers.Adam()))


def test_max_epochs_and_max_steps_per_epoch_cap_fit():
    model = kerasish.Sequential([kerasish.Input((2,)), kerasish.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    seen = []
    count_batches = kerasish.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(batch)
    )
    x, y = np.ones((64, 2), "float32"), np.ones((64, 1), "float32")
    kerasish.config.set_max_epochs(2)
    kerasish.config.set_max_steps_per_epoch(3)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            history = model.fit(x, y, batch_size=8, epochs=5, verbose=0, callbacks=[count_batches])
    finally:
        kerasish.config.set_max_epochs(None)
        kerasish.config.set_max_steps_per_epoch(None)
    assert len(history.history["loss"]) == 2
    assert seen == [0, 1, 2, 0, 1, 2]
    messages = {str(w.message) for w in caught}
    assert {"Limiting epochs to 2", "Limiting steps_per_epoch to 3"} <= messages


def test_interactive_logging_switch_routes_messages_to_logging(capsys, caplog):
    model = kerasish.Sequential([kerasish.Input((2,)), kerasish.layers.Dense(1)])
    kerasish.config.disable_interactive_logging()
    try:
        assert not kerasish.utils.is_interactive_logging_enabled()
        with caplog.at_level(logging.INFO, logger="kerasish"):
            model.summary()
    finally:
        kerasish.config.enable_interactive_logging()
    assert "Total params" not in capsys.readouterr().out
    assert "Total params" in caplog.text
    model.summary()
    assert "Total params" in capsys.readouterr().out


def test_config_switches_match_keras_defaults():
    assert kerasish.config.is_flash_attention_enabled() == keras.config.is_flash_attention_enabled()
    kerasish.config.disable_flash_attention()
    try:
        assert kerasish.config.is_flash_attention_enabled() is False
        assert kerasish.layers.MultiHeadAttention(2, 4)._flash_attention is False
    finally:
        kerasish.config.enable_flash_attention()
    assert kerasish.config.is_flash_attention_enabled() is None
    assert kerasish.config.is_traceback_filtering_enabled()
    assert kerasish.config.is_nnx_enabled() is False
    kerasish.config.set_backend("jax")
    with pytest.raises(ValueError, match="JAX only"):
        kerasish.config.set_backend("torch")


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"maxlen": 2},
        {"maxlen": 4, "padding": "post", "truncating": "post", "value": -1},
        {"dtype": "float32", "value": 0.5},
    ],
)
def test_pad_sequences_matches_keras(kwargs):
    sequences = [[1, 2, 3], [4], [], [5, 6, 7, 8, 9]]
    ours = kerasish.utils.pad_sequences(sequences, **kwargs)
    theirs = keras.utils.pad_sequences(sequences, **kwargs)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_pad_sequences_errors_match_keras():
    for args, kwargs in [((5,), {}), (([[1]],), {"padding": "middle"}), (([[1]],), {"value": "x"})]:
        with pytest.raises(ValueError) as ours:
            kerasish.utils.pad_sequences(*args, **kwargs)
        with pytest.raises(ValueError) as theirs:
            keras.utils.pad_sequences(*args, **kwargs)
        assert str(ours.value) == str(theirs.value)
