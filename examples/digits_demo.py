"""`make demo`: a Keras Sequential model trained with `fit` on scikit-learn's 8x8 digits.

Plain Keras 3 code: only the import differs (`import kerasish as keras`).
"""

import time

import numpy as np
from sklearn.datasets import load_digits

import kerasish as keras
from kerasish import layers


def load_data(seed=0):
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int32")
    order = np.random.default_rng(seed).permutation(len(x))
    x, y = x[order], y[order]
    split = int(0.8 * len(x))
    return (x[:split], y[:split]), (x[split:], y[split:])


def main():
    keras.utils.set_random_seed(0)
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
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    start = time.perf_counter()
    model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=15,
        validation_split=0.1,
        verbose=2,
        callbacks=[
            keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
        ],
    )
    elapsed = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(
        f"trained in {elapsed:.1f}s; test accuracy {accuracy:.3f} (loss {loss:.3f}) on {len(x_test)} held-out digits"
    )


if __name__ == "__main__":
    main()
