"""`initial_state`: optimizer states made of constants are filled on the host and equal what
the compiled ``init`` returns (values, dtypes, structure); any other ``init`` is compiled."""

import jax
import numpy as np
import optax
import pytest

import kerasish
from kerasish.optimizers.host_init import _constant_outputs, initial_state

PARAMS = [np.full((2, 3), 0.5, "float32"), np.arange(4, dtype="float32"), np.ones((), "bfloat16")]

OPTIMIZERS = [
    lambda: kerasish.optimizers.Adam(1e-3, amsgrad=True),
    lambda: kerasish.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    lambda: kerasish.optimizers.Adagrad(initial_accumulator_value=0.3),
    lambda: kerasish.optimizers.AdamW(use_ema=True),
    lambda: kerasish.optimizers.Adafactor(),
    lambda: kerasish.optimizers.Ftrl(initial_accumulator_value=0.2),
    lambda: kerasish.optimizers.RMSprop(centered=True, momentum=0.5),
    lambda: kerasish.optimizers.Adam(gradient_accumulation_steps=3),
]


def _assert_same_state(got, expected):
    assert jax.tree.structure(got) == jax.tree.structure(expected)
    for a, b in zip(jax.tree.leaves(got), jax.tree.leaves(expected)):
        assert np.asarray(a).dtype == np.asarray(b).dtype
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_constant_states_are_filled_on_the_host_like_the_compiled_init(make):
    model = kerasish.Sequential([kerasish.Input((3,)), kerasish.layers.Dense(4)])
    optimizer = make()
    optimizer.build(model.trainable_variables)
    init = optimizer._transformation.init
    params = optimizer._initial_parameters()
    assert _constant_outputs(jax.make_jaxpr(init)(params), params) is not None
    _assert_same_state(initial_state(init, params), jax.jit(init)(params))


def test_optax_states_and_parameter_copies():
    for transformation in (optax.adam(1e-3), optax.sgd(0.1, momentum=0.9), optax.ema(0.9)):
        _assert_same_state(
            initial_state(transformation.init, PARAMS), jax.jit(transformation.init)(PARAMS)
        )

    def copies(params):  # a state that starts as the parameters themselves
        return {"copy": list(params), "count": np.zeros((), "int32")}

    _assert_same_state(initial_state(copies, PARAMS), jax.jit(copies)(PARAMS))


def test_computed_states_are_compiled():
    def scaled(params):
        return [2.0 * p for p in params]

    params = PARAMS[:2]
    assert _constant_outputs(jax.make_jaxpr(scaled)(params), params) is None
    _assert_same_state(initial_state(scaled, params), [2.0 * p for p in params])
