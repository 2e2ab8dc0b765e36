"""The one contract every metric goes through, against Keras 3 (JAX backend).

`check_metric` feeds the same batches to a kerasish metric and to its Keras twin and
checks: results after every batch (with and without ``sample_weight``), the variables'
names, paths, shapes and dtypes, ``get_config`` and its round trip, ``reset_state``, and
that the pure API -- one `jax.jit` step, then a `jax.lax.scan` over the remaining batches
-- reaches the stateful result without touching the metric's own variables.
"""

import dataclasses
from collections.abc import Callable

import jax
import jax.numpy as jnp
import keras
import numpy as np

import kerasish.metrics

RTOL, ATOL = 1e-5, 1e-6


@dataclasses.dataclass
class Batch:
    args: tuple
    sample_weight: object = None

    def kwargs(self):
        return {} if self.sample_weight is None else {"sample_weight": self.sample_weight}


@dataclasses.dataclass
class Case:
    """One metric configuration and how to draw its batches.

    ``make_batch(rng)`` returns the positional ``update_state`` arguments (same shapes
    every call); ``make_weight(rng, args)`` the ``sample_weight`` for them.
    """

    class_name: str
    kwargs: dict
    make_batch: Callable
    make_weight: Callable = None
    num_batches: int = 4
    rtol: float = RTOL
    atol: float = ATOL
    id: str = ""

    def __str__(self):
        return self.id or f"{self.class_name}{self.kwargs or ''}"

    def batches(self, seed=0):
        """Batch 0 unweighted, the rest weighted (when the case has weights)."""
        rng = np.random.RandomState(seed)
        batches = []
        for index in range(self.num_batches):
            args = self.make_batch(rng)
            weight = None
            if self.make_weight is not None and index > 0:
                weight = self.make_weight(rng, args)
            batches.append(Batch(args, weight))
        return batches


def as_plain(value):
    """Configs with arrays and NumPy scalars turned into Python lists and numbers."""
    if isinstance(value, dict):
        return {key: as_plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_plain(item) for item in value]
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return np.asarray(value).tolist()
    return value


def assert_same_values(ours, theirs, rtol=RTOL, atol=ATOL):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True)


def make_pair(class_name, kwargs, name="m"):
    """``(kerasish metric, keras metric)`` built with the same arguments and name."""
    kwargs = {"name": name, **kwargs}
    return getattr(kerasish.metrics, class_name)(**kwargs), getattr(keras.metrics, class_name)(
        **kwargs
    )


def describe_variables(metric):
    return [(v.name, v.path, tuple(v.shape), str(np.dtype(v.dtype))) for v in metric.variables]


def stack(batches):
    return jax.tree.map(lambda *xs: jnp.stack([jnp.asarray(x) for x in xs]), *batches)


def check_metric(case, seed=0):
    batches = case.batches(seed)
    ours, theirs = make_pair(case.class_name, case.kwargs)

    for batch in batches:
        ours.update_state(*batch.args, **batch.kwargs())
        theirs.update_state(*batch.args, **batch.kwargs())
        assert_same_values(ours.result(), theirs.result(), case.rtol, case.atol)
    final = np.asarray(theirs.result())

    assert describe_variables(ours) == describe_variables(theirs)
    config = ours.get_config()
    assert as_plain(config) == as_plain(theirs.get_config())
    clone = type(ours).from_config(config)
    assert as_plain(clone.get_config()) == as_plain(config)
    if not getattr(clone, "_built", True):
        clone.symbolic_build(*batches[0].args)
    assert describe_variables(clone) == describe_variables(ours)

    check_stateless(ours, batches, final, case)

    ours.reset_state()
    theirs.reset_state()
    for variable in ours.variables:
        assert not np.any(np.asarray(variable.value)), variable.path
    assert_same_values(ours.result(), theirs.result(), case.rtol, case.atol)
    ours.update_state(*batches[-1].args, **batches[-1].kwargs())
    theirs.update_state(*batches[-1].args, **batches[-1].kwargs())
    assert_same_values(ours.result(), theirs.result(), case.rtol, case.atol)


def check_stateless(metric, batches, expected, case):
    """One jitted program -- a first step, then `lax.scan` over the other batches, then the
    result -- equals the stateful result and leaves the metric's variables untouched."""
    before = [np.asarray(v.value) for v in metric.variables]
    initial = metric.stateless_reset_state()
    for value, variable in zip(initial, metric.variables):
        assert not np.any(np.asarray(value)), variable.path
    first, rest = batches[0], batches[1:]
    use_weights = bool(rest) and rest[0].sample_weight is not None

    def step(state, batch):
        args, weight = batch
        kwargs = {"sample_weight": weight} if use_weights else {}
        return metric.stateless_update_state(state, *args, **kwargs), None

    @jax.jit
    def run(state, first_args, rest):
        state = metric.stateless_update_state(state, *first_args, **first.kwargs())
        if rest is not None:
            state, _ = jax.lax.scan(step, state, rest)
        return metric.stateless_result(state)

    stacked = (
        stack([(b.args, b.sample_weight if use_weights else 0) for b in rest]) if rest else None
    )
    assert_same_values(run(initial, first.args, stacked), expected, case.rtol, case.atol)
    for old, variable in zip(before, metric.variables):
        np.testing.assert_array_equal(np.asarray(variable.value), old)


# -- batch makers --------------------------------------------------------------------------
def floats(*shape, low=-1.0, high=1.0):
    return lambda rng: rng.uniform(low, high, size=shape).astype("float32")


def binary_labels_and_scores(*shape):
    def make(rng):
        return (
            rng.randint(0, 2, size=shape).astype("float32"),
            rng.uniform(0, 1, size=shape).astype("float32"),
        )

    return make


def regression(*shape, low=-1.0, high=1.0):
    def make(rng):
        return (
            rng.uniform(low, high, size=shape).astype("float32"),
            rng.uniform(low, high, size=shape).astype("float32"),
        )

    return make


def probabilities(rng, shape):
    logits = rng.normal(size=shape).astype("float32")
    return np.asarray(jax.nn.softmax(logits, axis=-1))


def one_hot_and_probabilities(batch, classes):
    def make(rng):
        labels = rng.randint(0, classes, size=batch)
        return np.eye(classes, dtype="float32")[labels], probabilities(rng, (batch, classes))

    return make


def sparse_and_probabilities(batch, classes, label_shape=None):
    def make(rng):
        labels = rng.randint(0, classes, size=label_shape or (batch,)).astype("float32")
        return labels, probabilities(rng, (batch, classes))

    return make


def per_sample_weight(rng, args):
    return rng.uniform(0, 2, size=np.shape(args[-1])[:1]).astype("float32")


def weight_like(rank):
    """Weights shaped like the first ``rank`` axes of ``y_pred``."""

    def make(rng, args):
        return rng.uniform(0, 2, size=np.shape(args[-1])[:rank]).astype("float32")

    return make
