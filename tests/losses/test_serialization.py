"""The public surface against Keras 3: names, signatures, `get` / `serialize` /
`deserialize`, and configs (equal to Keras's, round-tripping in both directions)."""

import inspect

import keras
import pytest
from keras.src.losses import ALL_OBJECTS_DICT as KERAS_OBJECTS
from keras.src.losses.losses import LossFunctionWrapper as KerasLossFunctionWrapper
from loss_cases import CASES, both_losses

import kerasish.losses as losses
from kerasish import DTypePolicy
from kerasish.losses.loss import LossFunctionWrapper

KERAS_PUBLIC = sorted(name for name in dir(keras.losses) if not name.startswith("_"))


def test_every_keras_name_exists():
    assert [name for name in KERAS_PUBLIC if not hasattr(losses, name)] == []


@pytest.mark.parametrize(
    "name", [name for name in KERAS_PUBLIC if name not in ("get", "serialize", "deserialize")]
)
def test_signature_matches_keras(name):
    ours, theirs = getattr(losses, name), getattr(keras.losses, name)
    if inspect.isclass(theirs):
        ours, theirs = ours.__init__, theirs.__init__
    assert _parameters(ours) == _parameters(theirs)


def _parameters(function):
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize("name", sorted(set(KERAS_OBJECTS) - {"LossFunctionWrapper"}))
def test_get_accepts_every_keras_name(name):
    ours, theirs = losses.get(name), keras.losses.get(name)
    if inspect.isfunction(theirs):
        assert inspect.isfunction(ours) and ours.__name__ == theirs.__name__
    else:
        assert type(ours).__name__ == type(theirs).__name__
        assert _without_name(ours.get_config()) == _without_name(theirs.get_config())


def _without_name(config):
    return {key: value for key, value in config.items() if key != "name"}


def test_get_cannot_build_a_bare_wrapper():
    # It needs a function; Keras fails the same way.
    for get in (losses.get, keras.losses.get):
        with pytest.raises(TypeError, match="fn"):
            get("LossFunctionWrapper")


def test_get_also_knows_generalized_cross_entropy():
    # Keras exports it but leaves it out of `get`'s table; we accept its names too.
    assert losses.get("categorical_generalized_cross_entropy") is (
        losses.categorical_generalized_cross_entropy
    )
    assert isinstance(
        losses.get("CategoricalGeneralizedCrossEntropy"), losses.CategoricalGeneralizedCrossEntropy
    )


def test_get_passes_through_none_callables_and_instances():
    instance = losses.Huber()
    assert losses.get(None) is None
    assert losses.get(losses.huber) is losses.huber
    assert losses.get(instance) is instance
    assert isinstance(losses.get(losses.Huber), losses.Huber)


@pytest.mark.parametrize(
    "identifier", ["foo", 42, {"class_name": "NoSuchLoss", "config": {}}, "logcosh"]
)
def test_unknown_identifier_raises_keras_error(identifier):
    with pytest.raises(ValueError) as theirs:
        keras.losses.get(identifier)
    with pytest.raises(ValueError, match="Could not interpret loss identifier") as ours:
        losses.get(identifier)
    assert str(ours.value) == str(theirs.value)


def test_deserialize_returns_unknown_names_unchanged():
    assert losses.deserialize("foo") == keras.losses.deserialize("foo") == "foo"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_config_and_serialization_match_keras(case):
    ours, theirs = both_losses(case, reduction="sum", name="custom")
    assert ours.get_config() == theirs.get_config()
    assert losses.serialize(ours) == keras.losses.serialize(theirs)
    rebuilt = losses.deserialize(keras.losses.serialize(theirs))
    assert type(rebuilt) is type(ours) and rebuilt.get_config() == ours.get_config()
    if case.class_name in KERAS_OBJECTS:  # Keras cannot deserialize its generalized CE
        from_ours = keras.losses.deserialize(losses.serialize(ours))
        assert from_ours.get_config() == theirs.get_config()
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()


@pytest.mark.parametrize("name", sorted({case.function_name for case in CASES}))
def test_function_serialization_matches_keras(name):
    ours, theirs = getattr(losses, name), getattr(keras.losses, name)
    assert losses.serialize(ours) == keras.losses.serialize(theirs)
    assert losses.deserialize(losses.serialize(ours)) is ours
    assert losses.get(keras.losses.serialize(theirs)) is ours


def test_base_loss_serializes_under_keras_module():
    ours, theirs = losses.Loss(name="base"), keras.losses.Loss(name="base")
    assert losses.serialize(ours) == keras.losses.serialize(theirs)
    assert losses.Loss().name.startswith("loss")


def test_loss_function_wrapper_config_matches_keras():
    ours = LossFunctionWrapper(losses.huber, name="wrapped", reduction="sum", delta=2.0)
    theirs = KerasLossFunctionWrapper(
        keras.losses.huber, name="wrapped", reduction="sum", delta=2.0
    )
    assert ours.get_config() == theirs.get_config()
    serialized = losses.serialize(ours)
    assert serialized["module"] == keras.losses.serialize(theirs)["module"]
    rebuilt = losses.deserialize(serialized)
    assert rebuilt.fn is losses.huber and rebuilt._fn_kwargs == {"delta": 2.0}
    assert rebuilt.get_config() == ours.get_config()
    assert repr(rebuilt).startswith("<LossFunctionWrapper(<function huber")


def test_invalid_reduction_raises_keras_error():
    with pytest.raises(ValueError, match="Invalid value for argument `reduction`.*reduction=avg"):
        losses.MeanSquaredError(reduction="avg")


def test_dtype_argument():
    assert losses.MeanSquaredError().dtype == "float32"
    assert losses.MeanSquaredError(dtype="float16").dtype == "float16"
    assert losses.MeanSquaredError(dtype=DTypePolicy("mixed_bfloat16")).dtype == "bfloat16"
    assert "dtype" not in losses.MeanSquaredError(dtype="float16").get_config()


def test_invalid_arguments_raise_keras_errors():
    with pytest.raises(ValueError, match=r"q must be in the interval \(0, 1\)"):
        losses.CategoricalGeneralizedCrossEntropy(q=1.5)
    with pytest.raises(ValueError, match="`axis` must be of type `int`. Received: axis=True"):
        losses.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]], axis=True)
    with pytest.raises(NotImplementedError):
        losses.Loss()([1.0], [1.0])
