"""`TerminateOnNaN`: stops training at the first NaN or infinite batch loss."""

import numpy as np

from kerasish.callbacks.callback import Callback
from kerasish.saving.serialization import keras_export
from kerasish.utils.io_utils import print_msg


@keras_export("keras.callbacks")
class TerminateOnNaN(Callback):
    """Checks ``logs["loss"]`` after every training batch; stops `fit` when it is NaN or infinite.

    Reading the loss waits for the batch to finish on the device (one scalar per batch), as in
    Keras. With ``steps_per_execution=K`` it checks the last loss of each group of K steps.

    Example:
    >>> callback = kerasish.callbacks.TerminateOnNaN()
    >>> # model.fit(x, y, callbacks=[callback])

    Arguments:
        raise_error: ``False`` (default) stops gracefully with ``model.stop_training = True``, so
            every callback's ``on_train_end`` still runs; ``True`` raises a `RuntimeError` at once.
    """

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = np.asarray(loss)
        if np.isnan(loss) or np.isinf(loss):
            if self.raise_error:
                raise RuntimeError(
                    f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                    "Terminating training immediately."
                )
            print_msg(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
