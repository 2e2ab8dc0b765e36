"""`kerasish.ops` core functions against `keras.ops`, and the op contract: every op works on
variables, under `jax.jit`, `jax.grad`, `jax.vmap` and `jax.eval_shape`, and on symbolic
`KerasTensor`s (where it becomes a graph node)."""

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from ops_comparison import case, check_case, parametrize_cases, run_cases

from kerasish import ops
from kerasish.engine.input_layer import Input
from kerasish.engine.keras_tensor import KerasTensor
from kerasish.engine.variables import Variable

rng = np.random.default_rng(3)
X = rng.standard_normal((4, 3)).astype("float32")
BIG = (rng.standard_normal((4, 3)) * 1000).astype("float32")
I = rng.integers(-300, 300, (4, 3)).astype("int32")  # noqa: E741
IMAGES = rng.standard_normal((2, 4, 6, 3)).astype("float32")


def accumulate(carry, x):
    return carry + x, carry * x


def add_pair(a, b):
    return a + b


def double(x):
    return 2 * x


def square_row(row):
    return row * row


CASES = [
    case("cast", X, "int32"), case("cast", I, "float16"), case("cast", X, jnp.bfloat16),
    case("saturate_cast", BIG, "int8"), case("saturate_cast", BIG, "uint8"),
    case("saturate_cast", I, "int8"), case("saturate_cast", I, "uint16"),
    case("saturate_cast", BIG, "float16"), case("convert_to_tensor", X),
    case("convert_to_tensor", [1, 2, 3]), case("convert_to_tensor", X, dtype="float16"),
    case("convert_to_tensor", 2.5, "bfloat16"), case("stop_gradient", X),
    case("scatter", np.array([[0, 1], [2, 2]]), np.array([1.0, 2.0], "float32"), (3, 3)),
    case("scatter", np.array([[1], [1]]), np.ones((2, 3), "float32"), (4, 3)),
    case("scatter_update", X, np.array([[0, 1], [3, 2]]), np.array([5.0, 6.0], "float32")),
    case("scatter_update", X, np.array([[0, 1], [0, 1]]), np.array([5.0, 6.0], "float32"), reduction="add"),
    case("scatter_update", X, np.array([[1, 1]]), np.array([-9.0], "float32"), reduction="min"),
    case("scatter_update", X, np.array([[1, 1]]), np.array([9.0], "float32"), reduction="max"),
    case("scatter_update", X, np.array([[2, 0]]), np.array([3.0], "float32"), reduction="mul"),
    case("slice", X, (1, 0), (2, 3)), case("slice", X, [2, 1], [-1, 2]),
    case("slice_update", X, (1, 1), np.zeros((2, 2), "float32")), case("unstack", X),
    case("unstack", X, axis=1), case("unstack", X, 4),
    case("rearrange", IMAGES, "b h w c -> b c h w"),
    case("rearrange", IMAGES, "b h w c -> (b h) w c"),
    # Keras's rearrange only runs eagerly when it splits axes.
    case("rearrange", IMAGES, "b (h h1) (w w1) c -> b h w (c h1 w1)", h1=2, w1=3, eager=True),
    case("rearrange", IMAGES, "b (h1 h) w c -> (b h1) h w c", h1=2, eager=True),
    # control flow
    case("cond", True, lambda: X, lambda: -X), case("cond", X[0, 0] > 0, lambda: X, lambda: -X),
    case("switch", 1, [double, jnp.negative], X), case("switch", 5, [double, jnp.negative], X),
    case("map", square_row, X), case("vectorized_map", square_row, X),
    case("scan", accumulate, X[0], X), case("scan", accumulate, X[0], X, reverse=True, unroll=2),
    case("scan", lambda c, _: (c + 1, c), 0, length=3), case("associative_scan", add_pair, X),
    case("associative_scan", add_pair, X, reverse=True, axis=1),
    case("fori_loop", 0, 5, lambda i, v: v + i, X),
    case("while_loop", lambda x: jnp.sum(x) < 50.0, lambda x: x + 1.0, np.abs(X)),
    case("while_loop", lambda i, x: i < 4, lambda i, x: (i + 1, x * 2), (0, X)),
    case("while_loop", lambda i, x: i < 10, lambda i, x: [i + 1, x * 2], [0, X], maximum_iterations=3),
]  # fmt: skip


@pytest.fixture(scope="module")
def outcomes():
    return run_cases(CASES, ops, keras.ops)


@parametrize_cases(CASES)
def test_matches_keras(key, c, outcomes):
    check_case(key, c, outcomes, ops, keras.ops)


def test_introspection_matches_keras():
    assert ops.shape(X) == keras.ops.shape(X) == (4, 3)
    assert ops.dtype(X) == keras.ops.dtype(X) == "float32"
    assert ops.is_tensor(jnp.asarray(X)) and not ops.is_tensor(X)
    array = ops.convert_to_numpy(jnp.asarray(X, "bfloat16"))
    assert (
        isinstance(array, np.ndarray)
        and array.dtype == keras.ops.convert_to_numpy(jnp.asarray(X, "bfloat16")).dtype
    )


def test_custom_gradient_matches_keras():
    def clipped_identity(x):
        def grad(upstream):
            return jnp.clip(upstream, -0.1, 0.1)

        return x, grad

    ours = jax.grad(lambda x: jnp.sum(ops.custom_gradient(clipped_identity)(x) * 3))(X)
    theirs = jax.grad(lambda x: jnp.sum(keras.ops.custom_gradient(clipped_identity)(x) * 3))(X)
    np.testing.assert_allclose(ours, theirs)
    np.testing.assert_allclose(ours, np.full_like(X, 0.1))


def test_ops_accept_variables():
    variable = Variable(X, name="weights")
    np.testing.assert_allclose(ops.matmul(variable, ops.transpose(variable)), X @ X.T, rtol=1e-6)
    np.testing.assert_allclose(ops.stop_gradient(variable), X)
    assert ops.shape(variable) == (4, 3)
    np.testing.assert_allclose(ops.convert_to_numpy(variable), X)


def test_ops_under_jit_grad_vmap_and_eval_shape():
    def loss(x):
        return ops.sum(ops.square(ops.nn.relu(ops.matmul(x, ops.transpose(x)))))

    np.testing.assert_allclose(jax.jit(loss)(X), loss(X), rtol=1e-5)
    np.testing.assert_allclose(
        jax.grad(loss)(X),
        jax.grad(
            lambda x: keras.ops.sum(
                keras.ops.square(keras.ops.relu(keras.ops.matmul(x, keras.ops.transpose(x))))
            )
        )(X),
        rtol=1e-5,
    )
    batched = jax.vmap(lambda row: ops.softmax(row))(X)
    np.testing.assert_allclose(batched, keras.ops.softmax(X), rtol=1e-6)
    spec = jax.eval_shape(lambda x: ops.conv(x, jnp.ones((3, 3, 3, 5)), padding="same"), IMAGES)
    assert spec.shape == (2, 4, 6, 5) and spec.dtype == jnp.float32
    gradient = jax.grad(lambda x: ops.mean(ops.image.resize(x, (8, 12))))(IMAGES)
    assert gradient.shape == IMAGES.shape


def test_symbolic_calls_build_keras_tensors():
    inputs = Input((4, 6, 3))
    assert ops.shape(inputs) == (None, 4, 6, 3)
    assert ops.dtype(inputs) == "float32"
    outputs = ops.conv(inputs, jnp.ones((3, 3, 3, 5)), strides=2, padding="same")
    assert isinstance(outputs, KerasTensor) and outputs.shape == (None, 2, 3, 5)
    assert ops.mean(ops.cast(inputs, "int32"), axis=-1).dtype == "float32"
    flat = ops.reshape(inputs, (-1, 72))
    assert flat.shape == (None, 72)
    assert (inputs[:, 0] + 1).shape == (None, 6, 3)
    values, indices = ops.top_k(flat, 3)
    assert values.shape == (None, 3) and indices.dtype == "int32"
