"""`SwapEMAWeights`: evaluates (and optionally checkpoints) with the optimizer's EMA weights."""

import numpy as np

from kerasish.callbacks.callback import Callback
from kerasish.saving.serialization import keras_export


@keras_export("keras.callbacks")
class SwapEMAWeights(Callback):
    """Swaps the model's weights with the optimizer's moving averages around evaluation.

    Works with an optimizer built with ``use_ema=True``: it reads the optimizer's
    ``_trainable_variables`` and ``_model_variables_moving_average`` (Keras's names) and swaps
    their values in place.

    Example:
    >>> callback = kerasish.callbacks.SwapEMAWeights(swap_on_epoch=True)
    >>> # model.compile(optimizer=kerasish.optimizers.SGD(use_ema=True), loss="mse")
    >>> # model.fit(x, y, callbacks=[callback, kerasish.callbacks.ModelCheckpoint(...)])

    Arguments:
        swap_on_epoch: also swap at each epoch end (and back at the next epoch start), so that
            callbacks placed after this one (`ModelCheckpoint`) see the EMA weights.
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _ema_optimizers(self):
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # LossScaleOptimizer
        if not hasattr(optimizer, "optimizers"):
            if not hasattr(optimizer, "_model_variables_moving_average"):
                raise ValueError(
                    "SwapEMAWeights must be used when `use_ema=True` is set on the optimizer. "
                    f"Received: use_ema={getattr(optimizer, 'use_ema', False)}"
                )
            return [optimizer]
        if not any(getattr(inner, "use_ema", False) for inner in optimizer.optimizers):
            raise ValueError(
                "SwapEMAWeights must be used when at least one inner optimizer has `use_ema=True` "
                "set. Received a MultiOptimizer with all inner optimizers having `use_ema=False`."
            )
        selected = []
        for inner in optimizer.optimizers:
            if getattr(inner, "use_ema", False):
                if not hasattr(inner, "_model_variables_moving_average"):
                    raise ValueError(
                        "SwapEMAWeights must be used when `use_ema=True` is set on the optimizer. "
                        f"Received: use_ema={inner.use_ema}"
                    )
                selected.append(inner)
        return selected

    def _swap_variables(self):
        for optimizer in self._ema_optimizers():
            pairs = zip(optimizer._trainable_variables, optimizer._model_variables_moving_average)
            for variable, average in pairs:
                current = np.array(variable)
                variable.assign(average)
                average.assign(current)

    def _finalize_ema_values(self):
        for optimizer in self._ema_optimizers():
            pairs = zip(optimizer._trainable_variables, optimizer._model_variables_moving_average)
            for variable, average in pairs:
                average.assign(variable)

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True
            # At the end of `fit` the optimizer copies its averages into the model: make the
            # averages hold the EMA weights (now in the model) again for that last copy.
            if epoch == self.params["epochs"] - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_test_end(self, logs=None):
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_predict_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_predict_end(self, logs=None):
        # Keras 3.15 tests `not self._ema_weights_in_model` here, leaving the EMA weights in the
        # model after `predict`; swapping back mirrors `on_test_end`.
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False
