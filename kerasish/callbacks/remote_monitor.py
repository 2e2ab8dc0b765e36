"""`RemoteMonitor`: posts each epoch's logs to an HTTP server (with the standard library)."""

import json
import urllib.parse
import urllib.request
import warnings

import numpy as np

from kerasish.callbacks.callback import Callback
from kerasish.saving.serialization import keras_export


@keras_export("keras.callbacks")
class RemoteMonitor(Callback):
    """At the end of every epoch, POSTs ``{"epoch": epoch, **logs}`` to ``root + path``.

    As a form field ``field`` holding the JSON text (default), or as a JSON body with
    ``send_as_json=True``. An unreachable server only warns: training goes on.

    Example:
    >>> monitor = kerasish.callbacks.RemoteMonitor(root="http://localhost:9000")
    >>> # model.fit(x, y, callbacks=[monitor])

    Arguments:
        root: the server's root URL.
        path: the path the events are posted to.
        field: the form field that carries the JSON text (when not ``send_as_json``).
        headers: extra HTTP headers, a dict.
        send_as_json: send the logs as an ``application/json`` body.
    """

    def __init__(
        self,
        root="http://localhost:9000",
        path="/publish/epoch/end/",
        field="data",
        headers=None,
        send_as_json=False,
    ):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        payload = {"epoch": epoch}
        for name, value in (logs or {}).items():  # numpy and jax scalars as Python numbers
            payload[name] = np.asarray(value).item() if hasattr(value, "shape") else value
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(payload)}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10):
                pass
        except OSError:
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}")
