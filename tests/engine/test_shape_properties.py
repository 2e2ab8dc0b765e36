"""Property tests: symbolic shape inference agrees with eager shapes; weights round-trip."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kerasish as keras
from kerasish import layers

dims = st.integers(min_value=1, max_value=5)
SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _symbolic_and_eager(layer_factory, shapes):
    inputs = [keras.Input(shape[1:]) for shape in shapes]
    symbolic = layer_factory()(inputs if len(inputs) > 1 else inputs[0])
    arrays = [np.ones(shape, "float32") for shape in shapes]
    eager = layer_factory()(arrays if len(arrays) > 1 else arrays[0])
    return symbolic.shape, tuple(eager.shape)


@SETTINGS
@given(batch=dims, middle=st.lists(dims, max_size=2), features=dims, units=dims)
def test_dense_shape_inference(batch, middle, features, units):
    shape = (batch, *middle, features)
    symbolic, eager = _symbolic_and_eager(lambda: layers.Dense(units), [shape])
    assert symbolic == (None, *middle, units)
    assert eager == (batch, *middle, units)
    assert layers.Dense(units).compute_output_shape(shape) == eager


@SETTINGS
@given(batch=dims, shape=st.lists(dims, min_size=1, max_size=3))
def test_flatten_shape_inference(batch, shape):
    symbolic, eager = _symbolic_and_eager(layers.Flatten, [(batch, *shape)])
    assert symbolic == (None, int(np.prod(shape)))
    assert eager == (batch, int(np.prod(shape)))


@SETTINGS
@given(batch=dims, shape=st.lists(dims, min_size=1, max_size=3), data=st.data())
def test_reshape_shape_inference(batch, shape, data):
    size = int(np.prod(shape))
    divisors = [d for d in range(1, size + 1) if size % d == 0]
    first = data.draw(st.sampled_from(divisors))
    target = (first, -1)
    symbolic, eager = _symbolic_and_eager(lambda: layers.Reshape(target), [(batch, *shape)])
    assert symbolic == (None, first, size // first)
    assert eager == (batch, first, size // first)


@SETTINGS
@given(batch=dims, rank=st.integers(1, 3), data=st.data())
def test_concatenate_shape_inference(batch, rank, data):
    base = data.draw(st.lists(dims, min_size=rank, max_size=rank))
    axis = data.draw(st.integers(1, rank))
    sizes = data.draw(st.lists(dims, min_size=2, max_size=3))
    shapes = []
    for size in sizes:
        shape = [batch, *base]
        shape[axis] = size
        shapes.append(tuple(shape))
    symbolic, eager = _symbolic_and_eager(lambda: layers.Concatenate(axis=axis), shapes)
    expected = list(shapes[0])
    expected[axis] = sum(sizes)
    assert eager == tuple(expected)
    assert symbolic == (None, *expected[1:])


@SETTINGS
@given(units=st.lists(dims, min_size=1, max_size=3), features=dims, seed=st.integers(0, 2**16))
def test_weights_round_trip_between_models(units, features, seed):
    def build():
        return keras.Sequential([keras.Input((features,)), *[layers.Dense(u) for u in units]])

    source, target = build(), build()
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal(w.shape).astype("float32") for w in source.get_weights()]
    source.set_weights(weights)
    target.set_weights(source.get_weights())
    for a, b in zip(weights, target.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = rng.standard_normal((2, features)).astype("float32")
    np.testing.assert_allclose(source(x), target(x))
