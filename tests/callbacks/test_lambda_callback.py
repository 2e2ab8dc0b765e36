"""`LambdaCallback`: functions become hooks, and `fit` sees their batch hooks."""

from kerasish import callbacks


def test_functions_replace_hooks():
    calls = []
    callback = callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: calls.append(("epoch_begin", epoch)),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, logs)),
        on_train_begin=lambda logs: calls.append(("train_begin",)),
        on_predict_end=lambda anything: calls.append(("predict_end", anything)),
        on_train_end=lambda logs: calls.append(("train_end",)),
        on_train_batch_begin=lambda batch, logs: calls.append(("batch_begin", batch)),
        on_train_batch_end=lambda batch, logs: calls.append(("batch_end", batch)),
        on_test_end=lambda logs: calls.append(("test_end", logs)),
    )
    hooks = callbacks.CallbackList([callback])
    hooks.on_train_begin()
    hooks.on_epoch_begin(0)
    hooks.on_train_batch_begin(0)
    hooks.on_train_batch_end(0, {"loss": 1.0})
    hooks.on_epoch_end(0, {"loss": 1.0})
    hooks.on_test_end({"loss": 2.0})
    hooks.on_predict_end()
    hooks.on_train_end(logs={"loss": 1.0})
    assert calls == [
        ("train_begin",),
        ("epoch_begin", 0),
        ("batch_begin", 0),
        ("batch_end", 0),
        ("epoch_end", 0, {"loss": 1.0}),
        ("test_end", {"loss": 2.0}),
        ("predict_end", {}),  # logs are passed by position, as Keras passes them
        ("train_end",),
    ]


def test_unset_hooks_stay_the_base_no_ops():
    callback = callbacks.LambdaCallback()
    callback.on_epoch_end(0, {})
    callback.on_train_batch_end(0, {})
    assert not callbacks.CallbackList([callback]).wants_batch_hooks("train")


def test_instance_batch_hooks_are_wanted_by_fit():
    train = callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: None)
    test = callbacks.LambdaCallback(on_test_batch_end=lambda batch, logs: None)
    assert callbacks.CallbackList([train]).wants_batch_hooks("train")
    assert not callbacks.CallbackList([train]).wants_batch_hooks("test")
    assert callbacks.CallbackList([test]).wants_batch_hooks("test")
