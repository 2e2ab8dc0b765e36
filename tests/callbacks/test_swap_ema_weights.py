"""`SwapEMAWeights` with an optimizer that keeps Keras's EMA attributes."""

import numpy as np
import pytest
from callback_fakes import FakeModel

from kerasish import callbacks
from kerasish.engine.variables import Variable


class EMAOptimizer:
    def __init__(self, use_ema=True, name="sgd"):
        self.name = name
        self.use_ema = use_ema
        self.learning_rate = 0.1
        self._trainable_variables = [Variable(np.array([1.0, 2.0]), name="w")]
        if use_ema:
            self._model_variables_moving_average = [Variable(np.array([10.0, 20.0]), name="w_ema")]


def _model(optimizer):
    model = FakeModel()
    model.optimizer = optimizer
    return model


def _values(optimizer):
    model_weight = np.asarray(optimizer._trainable_variables[0]).tolist()
    return model_weight, np.asarray(optimizer._model_variables_moving_average[0]).tolist()


def test_swaps_around_evaluation_and_prediction():
    optimizer = EMAOptimizer()
    callback = callbacks.SwapEMAWeights()
    callback.set_model(_model(optimizer))
    callback.on_test_begin()
    assert _values(optimizer) == ([10.0, 20.0], [1.0, 2.0])
    callback.on_test_end()
    assert _values(optimizer) == ([1.0, 2.0], [10.0, 20.0])
    callback.on_predict_begin()
    assert _values(optimizer) == ([10.0, 20.0], [1.0, 2.0])
    callback.on_predict_end()
    assert _values(optimizer) == ([1.0, 2.0], [10.0, 20.0])


def test_swap_on_epoch_and_finalize_on_the_last_epoch():
    optimizer = EMAOptimizer()
    callback = callbacks.SwapEMAWeights(swap_on_epoch=True)
    callback.set_model(_model(optimizer))
    callback.set_params({"epochs": 2})
    callback.on_epoch_begin(0)
    callback.on_epoch_end(0)
    assert _values(optimizer) == ([10.0, 20.0], [1.0, 2.0])
    callback.on_epoch_begin(1)
    assert _values(optimizer) == ([1.0, 2.0], [10.0, 20.0])
    callback.on_epoch_end(1)
    # The EMA weights are in the model, and the averages hold them too for the final copy.
    assert _values(optimizer) == ([10.0, 20.0], [10.0, 20.0])


def test_inner_optimizer_of_a_loss_scale_optimizer_is_used():
    inner = EMAOptimizer()

    class LossScale:
        inner_optimizer = inner

    callback = callbacks.SwapEMAWeights()
    callback.set_model(_model(LossScale()))
    callback.on_test_begin()
    assert _values(inner) == ([10.0, 20.0], [1.0, 2.0])


def test_needs_an_ema_optimizer():
    callback = callbacks.SwapEMAWeights()
    callback.set_model(_model(EMAOptimizer(use_ema=False)))
    with pytest.raises(
        ValueError,
        match="SwapEMAWeights must be used when `use_ema=True` is set on the optimizer. "
        "Received: use_ema=False",
    ):
        callback.on_test_begin()

    class Multi:
        optimizers = [EMAOptimizer(use_ema=False), EMAOptimizer(use_ema=False)]

    callback.set_model(_model(Multi()))
    with pytest.raises(ValueError, match="at least one inner optimizer has `use_ema=True`"):
        callback.on_test_begin()


def test_multi_optimizer_swaps_only_ema_optimizers():
    with_ema, without_ema = EMAOptimizer(), EMAOptimizer(use_ema=False)

    class Multi:
        optimizers = [with_ema, without_ema]

    callback = callbacks.SwapEMAWeights()
    callback.set_model(_model(Multi()))
    callback.on_test_begin()
    assert _values(with_ema) == ([10.0, 20.0], [1.0, 2.0])
    assert np.asarray(without_ema._trainable_variables[0]).tolist() == [1.0, 2.0]
