"""The optimizer surface against Keras 3: variables, configs, `get`, errors, the pure
`stateless_apply`, learning-rate handling and optax interop."""

import re

import jax
import jax.numpy as jnp
import keras
import numpy as np
import optax
import pytest
from optimizer_parity import make_optimizer, paired_variables, random_problem

import kerasish
from kerasish import optimizers


def raised(function):
    """``(type, message)`` of the exception ``function()`` raises."""
    with pytest.raises(Exception) as info:
        function()
    return type(info.value), str(info.value)


# -- variables -------------------------------------------------------------------------------

VARIABLE_CASES = [
    ("SGD", {}),
    ("SGD", {"momentum": 0.9}),
    ("Adam", {"amsgrad": True, "use_ema": True, "gradient_accumulation_steps": 2}),
    (
        "Adam",
        {
            "schedule": (
                "ExponentialDecay",
                {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5},
            )
        },
    ),
    ("AdamW", {}),
    ("Adamax", {}),
    ("Nadam", {}),
    ("RMSprop", {"momentum": 0.9, "centered": True}),
    ("Adagrad", {}),
    ("Adadelta", {}),
    ("Adafactor", {}),
    ("Ftrl", {}),
    ("Lion", {}),
    ("Lamb", {}),
]


def describe(variables):
    """Paths, names, shapes, dtypes; default names (Nadam's ``variable_3``) lose their counter,
    which counts differently in the two libraries."""

    def plain(name):
        return re.sub(r"variable_\d+$", "variable", name)

    return [(plain(v.path), plain(v.name), tuple(v.shape), str(v.dtype)) for v in variables]


@pytest.mark.parametrize(
    "class_name, kwargs", VARIABLE_CASES, ids=[f"{c}-{k}" for c, k in VARIABLE_CASES]
)
def test_variables_have_keras_names_shapes_dtypes_and_order(class_name, kwargs):
    # Values and order after training are checked by the parity tests; here the layout.
    kwargs = {**kwargs, "name": "opt"}
    ours = make_optimizer(kerasish, class_name, kwargs)
    theirs = make_optimizer(keras, class_name, kwargs)
    assert describe(ours.variables) == describe(theirs.variables)
    our_vars, keras_vars = paired_variables(random_problem(steps=0)[0])
    ours.build(our_vars)
    theirs.build(keras_vars)
    assert describe(ours.variables) == describe(theirs.variables)


@pytest.mark.parametrize("class_name", ["Nadam", "Adafactor"])
def test_variables_built_by_apply_have_keras_paths(class_name):
    # `apply` builds inside the optimizer's name scope, which prefixes Keras's bare variables.
    ours = getattr(optimizers, class_name)(name="opt")
    theirs = getattr(keras.optimizers, class_name)(name="opt")
    initial, grads = random_problem(steps=1)
    our_vars, keras_vars = paired_variables(initial)
    ours.apply(grads[0], our_vars)
    theirs.apply(grads[0], keras_vars)
    assert describe(ours.variables) == describe(theirs.variables)


def test_keras_optimizer_state_loads_positionally_and_training_continues():
    kwargs = {"amsgrad": True, "use_ema": True, "learning_rate": 0.01}
    ours, theirs = optimizers.Adam(**kwargs), keras.optimizers.Adam(**kwargs)
    initial, grads = random_problem(steps=6)
    our_vars, keras_vars = paired_variables(initial)
    for grad in grads[:3]:
        theirs.apply(grad, keras_vars)
    ours.build(our_vars)
    store = {}
    theirs.save_own_variables(store)
    ours.load_own_variables(store)
    for mine, reference in zip(our_vars, keras_vars):
        mine.assign(reference.value)
    for grad in grads[3:]:
        theirs.apply(grad, keras_vars)
        ours.apply(grad, our_vars)
    for mine, reference in zip(our_vars + ours.variables, keras_vars + theirs.variables):
        np.testing.assert_array_equal(mine.numpy(), np.asarray(reference.value))


# -- configs and `get` -----------------------------------------------------------------------

CONFIG_CASES = [
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True, "clipnorm": 1.0}),
    (
        "Adam",
        {"amsgrad": True, "use_ema": True, "ema_overwrite_frequency": 5, "global_clipnorm": 2.0},
    ),
    (
        "Adam",
        {
            "schedule": (
                "CosineDecay",
                {
                    "initial_learning_rate": 0.1,
                    "decay_steps": 10,
                    "warmup_target": 0.2,
                    "warmup_steps": 3,
                },
            )
        },
    ),
    ("AdamW", {"weight_decay": 0.01, "gradient_accumulation_steps": 4}),
    ("Adamax", {"epsilon": 1e-5}),
    ("Nadam", {"loss_scale_factor": 128.0}),
    ("RMSprop", {"rho": 0.8, "momentum": 0.5, "centered": True, "clipvalue": 0.1}),
    ("Adagrad", {"initial_accumulator_value": 0.2}),
    ("Adadelta", {"rho": 0.9}),
    ("Adafactor", {"relative_step": False}),
    ("Ftrl", {"l1_regularization_strength": 0.1, "beta": 0.5}),
    ("Lion", {"beta_1": 0.8}),
    ("Lamb", {"weight_decay": 0.01}),
]


@pytest.mark.parametrize(
    "class_name, kwargs", CONFIG_CASES, ids=[f"{c}-{k}" for c, k in CONFIG_CASES]
)
def test_config_matches_keras_and_round_trips(class_name, kwargs):
    kwargs = {**kwargs, "name": "opt"}
    ours, theirs = (
        make_optimizer(kerasish, class_name, kwargs),
        make_optimizer(keras, class_name, kwargs),
    )
    assert ours.get_config() == theirs.get_config()
    assert optimizers.serialize(ours) == keras.optimizers.serialize(theirs)
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()
    from_keras = optimizers.deserialize(keras.optimizers.serialize(theirs))
    assert type(from_keras) is type(ours) and from_keras.get_config() == ours.get_config()
    if class_name != "Lamb":  # keras.optimizers.deserialize does not know its own Lamb
        assert (
            keras.optimizers.deserialize(optimizers.serialize(ours)).get_config()
            == theirs.get_config()
        )


def test_loss_scale_optimizer_config_round_trips():
    ours = optimizers.LossScaleOptimizer(
        optimizers.SGD(name="inner"), initial_scale=8.0, name="lso"
    )
    theirs = keras.optimizers.LossScaleOptimizer(
        keras.optimizers.SGD(name="inner"), initial_scale=8.0, name="lso"
    )
    assert optimizers.serialize(ours) == keras.optimizers.serialize(theirs)
    restored = optimizers.deserialize(keras.optimizers.serialize(theirs))
    assert isinstance(restored.inner_optimizer, optimizers.SGD)
    assert restored.get_config() == theirs.get_config()


@pytest.mark.parametrize(
    "identifier",
    [
        "adam",
        "Adam",
        "sgd",
        "SGD",
        "rmsprop",
        "adamw",
        "adagrad",
        "adadelta",
        "adamax",
        "adafactor",
        "nadam",
        "ftrl",
        "lion",
    ],
)
def test_get_by_name(identifier):
    ours, theirs = optimizers.get(identifier), keras.optimizers.get(identifier)
    assert type(ours).__name__ == type(theirs).__name__
    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    ours_config.pop("name"), theirs_config.pop("name")
    assert ours_config == theirs_config


def test_get_passes_instances_and_configs_and_wraps_optax():
    adam = optimizers.Adam()
    assert optimizers.get(adam) is adam
    assert optimizers.get(None) is None
    assert isinstance(
        optimizers.get({"class_name": "SGD", "config": {"momentum": 0.5}}), optimizers.SGD
    )
    assert isinstance(optimizers.get(optax.adamw(1e-3)), optimizers.OptaxOptimizer)
    for bad in ["foo", 3, {"class_name": "Foo", "config": {}}]:
        assert raised(lambda bad=bad: optimizers.get(bad)) == raised(
            lambda bad=bad: keras.optimizers.get(bad)
        )


# -- argument validation ---------------------------------------------------------------------

INVALID = [
    ("SGD", {"momentum": 1.5}),
    ("SGD", {"momentum": 1}),
    ("SGD", {"learning_rate": 1}),
    ("Adam", {"foo": 1}),
    ("Adam", {"clipnorm": 1.0, "clipvalue": 1.0}),
    ("Adam", {"gradient_accumulation_steps": 1}),
    ("Adam", {"use_ema": True, "ema_momentum": 2.0}),
    ("Adam", {"use_ema": True, "ema_overwrite_frequency": 0.5}),
    ("AdamW", {"weight_decay": None}),
    ("Lion", {"beta_1": 0.0}),
    ("Ftrl", {"initial_accumulator_value": -1.0}),
    ("Ftrl", {"learning_rate_power": 0.5}),
    ("Ftrl", {"l1_regularization_strength": -1.0}),
    ("Ftrl", {"l2_shrinkage_regularization_strength": -1.0}),
]


@pytest.mark.parametrize("class_name, kwargs", INVALID, ids=[f"{c}-{k}" for c, k in INVALID])
def test_invalid_arguments_raise_like_keras(class_name, kwargs):
    assert raised(lambda: make_optimizer(kerasish, class_name, kwargs)) == raised(
        lambda: make_optimizer(keras, class_name, kwargs)
    )


def test_invalid_uses_raise_like_keras():
    def loss_scale(library, **kwargs):
        return lambda: library.optimizers.LossScaleOptimizer(library.optimizers.SGD(), **kwargs)

    for kwargs in ({"clipnorm": 1.0}, {"dynamic": False}, {"bogus": 1}):
        assert raised(loss_scale(kerasish, **kwargs)) == raised(loss_scale(keras, **kwargs))

    def set_float_on_schedule(library):
        schedule = library.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9)
        optimizer = library.optimizers.SGD(learning_rate=schedule)
        optimizer.learning_rate = 0.5

    assert raised(lambda: set_float_on_schedule(kerasish)) == raised(
        lambda: set_float_on_schedule(keras)
    )
    grads = [np.ones((2,), "float32")]
    assert raised(lambda: optimizers.SGD().apply(grads)) == raised(
        lambda: keras.optimizers.SGD().apply(grads)
    )
    assert raised(lambda: optimizers.SGD().stateless_apply([], grads, [])) == raised(
        lambda: keras.optimizers.SGD().stateless_apply([], grads, [])
    )
    ours = optimizers.SGD()
    ours.build([kerasish.Variable(np.ones(2, "float32"))])
    theirs = keras.optimizers.SGD()
    theirs.build([keras.Variable(np.ones(2, "float32"))])
    for arguments in (([0.0], grads, [np.ones(2)]), ([0, 0.0], grads, [])):
        assert raised(lambda a=arguments: ours.stateless_apply(*a)) == raised(
            lambda a=arguments: theirs.stateless_apply(*a)
        )


# -- the pure step ---------------------------------------------------------------------------

PURE_CASES = [
    ("Adam", {"amsgrad": True, "weight_decay": 0.01}),
    (
        "SGD",
        {
            "momentum": 0.9,
            "gradient_accumulation_steps": 2,
            "use_ema": True,
            "ema_overwrite_frequency": 3,
        },
    ),
    ("Nadam", {"clipnorm": 1.0}),
    ("Adafactor", {}),
]


@pytest.mark.parametrize("class_name, kwargs", PURE_CASES, ids=[c for c, _ in PURE_CASES])
def test_jitted_stateless_apply_equals_stateful_apply(class_name, kwargs):
    initial, grads = random_problem(steps=8)
    stateful, pure = (
        make_optimizer(kerasish, class_name, kwargs),
        make_optimizer(kerasish, class_name, kwargs),
    )
    stateful_vars, _ = paired_variables(initial)
    pure_vars, _ = paired_variables(initial)
    pure.build(pure_vars)
    step = jax.jit(pure.stateless_apply)
    trainable = [v.value for v in pure_vars]
    optimizer_values = [v.value for v in pure.variables]
    for grad in grads:
        stateful.apply(grad, stateful_vars)
        trainable, optimizer_values = step(optimizer_values, grad, trainable)
    # Fused under jit, XLA may contract multiply-adds: equal to a rounding, not bit for bit.
    for mine, reference in zip(
        trainable + optimizer_values, [v.value for v in stateful_vars + stateful.variables]
    ):
        np.testing.assert_allclose(mine, reference, rtol=1e-6, atol=1e-7)
    # stateless_apply leaves the variables themselves alone.
    np.testing.assert_array_equal(pure_vars[0].numpy(), initial[0])


def test_learning_rate_lives_in_the_state_and_changes_without_retracing():
    optimizer = optimizers.SGD(learning_rate=0.1)
    variables = [kerasish.Variable(np.zeros(3, "float32"), name="w")]
    optimizer.build(variables)
    traces = []

    @jax.jit
    def step(optimizer_values, grads, trainable):
        traces.append(1)
        return optimizer.stateless_apply(optimizer_values, grads, trainable)

    grads = [jnp.ones(3)]
    trainable, optimizer_values = step(
        [v.value for v in optimizer.variables], grads, [variables[0].value]
    )
    np.testing.assert_allclose(trainable[0], -0.1)
    for variable, value in zip(optimizer.variables, optimizer_values):
        variable.assign(value)
    optimizer.learning_rate = 0.5
    trainable, _ = step([v.value for v in optimizer.variables], grads, trainable)
    np.testing.assert_allclose(trainable[0], -0.6)
    assert len(traces) == 1


def test_stateful_apply_runs_inside_a_state_scope():
    from kerasish.engine.scope import StateScope

    optimizer = optimizers.Adam(0.1)
    variable = kerasish.Variable(np.ones(2, "float32"), name="w")
    optimizer.build([variable])
    values = {id(v): v.value for v in [variable, *optimizer.variables]}

    @jax.jit
    def step(values):
        with StateScope(
            {id(v): values[str(i)] for i, v in enumerate([variable, *optimizer.variables])}
        ) as scope:
            optimizer.apply([jnp.ones(2)])
        return [scope.values[id(v)] for v in [variable, *optimizer.variables]]

    new = step({str(i): value for i, value in enumerate(values.values())})
    np.testing.assert_allclose(new[0], 0.9, rtol=1e-5)
    assert int(new[1]) == 1
    np.testing.assert_array_equal(variable.numpy(), [1.0, 1.0])  # untouched outside the scope


def test_schedule_learning_rate_follows_iterations_and_can_replace_a_float():
    schedule = optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    optimizer = optimizers.SGD(learning_rate=schedule)
    variable = kerasish.Variable(np.zeros(1, "float32"), name="w")
    optimizer.apply([np.ones(1, "float32")], [variable])
    assert float(optimizer.learning_rate) == pytest.approx(0.05)

    ours, theirs = optimizers.Adam(), keras.optimizers.Adam()
    initial, grads = random_problem(steps=1)
    our_vars, keras_vars = paired_variables(initial)
    ours.apply(grads[0], our_vars)
    theirs.apply(grads[0], keras_vars)
    ours.learning_rate = optimizers.schedules.ExponentialDecay(0.1, 1, 0.5)
    theirs.learning_rate = keras.optimizers.schedules.ExponentialDecay(0.1, 1, 0.5)
    assert [v.name for v in ours.variables] == [v.name for v in theirs.variables]
    ours.apply(grads[0], our_vars)
    theirs.apply(grads[0], keras_vars)
    for mine, reference in zip(our_vars, keras_vars):
        np.testing.assert_array_equal(mine.numpy(), np.asarray(reference.value))


def test_iterations_and_learning_rate_variables():
    optimizer = optimizers.Adam(learning_rate=0.01, gradient_accumulation_steps=2)
    assert optimizer.variables[0].dtype == "int32" and optimizer.variables[1].dtype == "float32"
    variable = kerasish.Variable(np.zeros(2, "float32"), name="w")
    for _ in range(3):
        optimizer.apply([np.ones(2, "float32")], [variable])
    assert int(optimizer.iterations) == 1 and int(optimizer._iterations.value) == 3


# -- optax ---------------------------------------------------------------------------------


def test_transform_is_plain_optax():
    optimizer = optimizers.Adam(learning_rate=0.1, weight_decay=0.01, use_ema=True)
    tx = optimizer.transform
    params = {"kernel": jnp.ones((2, 3)), "bias": jnp.zeros(3)}
    state = tx.init(params)
    grads = {"kernel": jnp.full((2, 3), 0.5), "bias": jnp.ones(3)}
    for _ in range(3):
        updates, state = jax.jit(tx.update)(grads, state, params)
        params = optax.apply_updates(params, updates)
    variables = [
        kerasish.Variable(np.zeros(3, "float32"), name="bias"),
        kerasish.Variable(np.ones((2, 3), "float32"), name="kernel"),
    ]
    reference = optimizers.Adam(learning_rate=0.1, weight_decay=0.01, use_ema=True)
    for _ in range(3):
        reference.apply([grads["bias"], grads["kernel"]], variables)
    np.testing.assert_allclose(params["bias"], variables[0].numpy(), rtol=1e-6)
    np.testing.assert_allclose(params["kernel"], variables[1].numpy(), rtol=1e-6)
    assert int(state.iteration) == 3


def test_optax_optimizer_matches_plain_optax_and_keeps_the_state_in_variables():
    transform = optax.inject_hyperparams(optax.adam)(learning_rate=0.1)
    optimizer = optimizers.get(transform)
    initial, grads = random_problem(steps=5)
    variables, _ = paired_variables(initial)
    params = [jnp.asarray(x) for x in initial]
    state = transform.init(params)
    for grad in grads:
        optimizer.apply(grad, variables)
        updates, state = transform.update(grad, state, params)
        params = optax.apply_updates(params, updates)
    for mine, reference in zip(variables, params):
        np.testing.assert_allclose(mine.numpy(), reference, rtol=1e-6)
    assert len(optimizer.variables) == 1 + len(jax.tree.leaves(state))
    assert int(optimizer.iterations) == 5
    optimizer.learning_rate = 0.0
    before = [v.numpy() for v in variables]
    trainable, _ = jax.jit(optimizer.stateless_apply)(
        [v.value for v in optimizer.variables], grads[0], [v.value for v in variables]
    )
    for mine, reference in zip(trainable, before):
        np.testing.assert_array_equal(mine, reference)
    with pytest.raises(NotImplementedError):
        optimizer.get_config()
    with pytest.raises(ValueError, match="inject_hyperparams"):
        optimizers.get(optax.sgd(0.1)).learning_rate = 0.5
