"""`kerasish.ops` offers every function of `keras.ops`, with Keras's argument names and defaults."""

import inspect

import keras
import pytest

from kerasish import ops

# Deliberate differences from keras.ops. There are none: every public function exists.
OMITTED = {}
SUBMODULES = ("numpy", "nn", "linalg", "image")


def _public_functions(module):
    return sorted(
        name
        for name in dir(module)
        if not name.startswith("_")
        and callable(getattr(module, name))
        and not inspect.ismodule(getattr(module, name))
    )


KERAS_OPS = _public_functions(keras.ops)
KERAS_SUBMODULE_OPS = [
    (sub, name) for sub in SUBMODULES for name in _public_functions(getattr(keras.ops, sub))
]


def test_every_keras_op_exists():
    missing = [name for name in KERAS_OPS if not hasattr(ops, name) and name not in OMITTED]
    assert not missing, f"kerasish.ops lacks {missing}"


def test_every_keras_submodule_op_exists():
    missing = [
        f"{sub}.{name}" for sub, name in KERAS_SUBMODULE_OPS if not hasattr(getattr(ops, sub), name)
    ]
    assert not missing, f"kerasish.ops lacks {missing}"


def test_submodules_exist():
    for name in (*SUBMODULES, "math", "core"):
        assert inspect.ismodule(getattr(ops, name))


@pytest.mark.parametrize("sub, name", KERAS_SUBMODULE_OPS + [(None, name) for name in KERAS_OPS])
def test_signature_matches_keras(sub, name):
    theirs = getattr(getattr(keras.ops, sub) if sub else keras.ops, name)
    ours = getattr(getattr(ops, sub) if sub else ops, name)
    expected = inspect.signature(theirs).parameters
    actual = inspect.signature(ours).parameters
    assert list(actual) == list(expected)
    for parameter in expected.values():
        assert actual[parameter.name].kind == parameter.kind, parameter.name
        assert actual[parameter.name].default == parameter.default, parameter.name


def test_introspection_functions_are_not_graph_ops():
    for name in ("shape", "dtype", "is_tensor", "convert_to_numpy", "custom_gradient", "vectorize"):
        assert not hasattr(getattr(ops, name), "__wrapped_op__"), name
    for name in KERAS_OPS:
        if name not in (
            "shape",
            "dtype",
            "is_tensor",
            "convert_to_numpy",
            "custom_gradient",
            "vectorize",
        ):
            assert hasattr(getattr(ops, name), "__wrapped_op__"), name
