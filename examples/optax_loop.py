"""A kerasish Sequential model trained by a hand-written optax loop over its pure functions.

The model is declared with the Keras API; `model.init` / `model.apply` give the pure JAX
functions that `jax.jit`, `jax.grad` and optax use directly. Run:
`.venv/bin/python examples/optax_loop.py`.
"""

import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from digits_demo import load_data

import kerasish as keras
from kerasish import layers


def main():
    (x_train, y_train), (x_test, y_test) = load_data()
    model = keras.Sequential(
        [
            keras.Input((64,)),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(64, activation="relu"),
            layers.Dense(10),
        ],
        name="digits_mlp",
    )
    model.summary()
    params, state = model.init(jax.random.key(0))
    optimizer = optax.adam(1e-3)
    opt_state = optimizer.init(params)

    def loss_fn(params, state, x, y, rng):
        logits, state = model.apply(params, state, x, training=True, rng=rng)
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean(), state

    @jax.jit
    def train_step(params, state, opt_state, x, y, rng):
        (loss, state), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, state, x, y, rng)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), state, opt_state, loss

    @jax.jit
    def accuracy(params, state, x, y):
        logits, _ = model.apply(params, state, x)
        return jnp.mean(jnp.argmax(logits, -1) == y)

    rng = jax.random.key(1)
    batch_size = 64
    start = time.perf_counter()
    for epoch in range(15):
        order = np.random.default_rng(epoch).permutation(len(x_train))
        losses = []
        for i in range(0, len(order) - batch_size + 1, batch_size):
            index = order[i : i + batch_size]
            rng, step_rng = jax.random.split(rng)
            params, state, opt_state, loss = train_step(
                params, state, opt_state, x_train[index], y_train[index], step_rng
            )
            losses.append(loss)
        if epoch % 5 == 4:
            print(f"epoch {epoch + 1:2d}  loss {float(np.mean(losses)):.4f}")
    elapsed = time.perf_counter() - start
    test_accuracy = float(accuracy(params, state, x_test, y_test))
    print(
        f"trained in {elapsed:.1f}s; test accuracy {test_accuracy:.3f} on {len(x_test)} held-out digits"
    )


if __name__ == "__main__":
    main()
