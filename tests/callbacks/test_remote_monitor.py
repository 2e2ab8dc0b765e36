"""RemoteMonitor posts each epoch's logs to a local HTTP server, as form data or JSON."""

import http.server
import json
import threading
import urllib.parse

import numpy as np
import pytest

import kerasish


@pytest.fixture
def server():
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], body.decode()))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", received
    httpd.shutdown()


def _fit(callback, epochs=2):
    model = kerasish.Sequential([kerasish.Input((3,)), kerasish.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((8, 3), "float32"), np.zeros((8, 1), "float32")
    return model.fit(x, y, epochs=epochs, verbose=0, callbacks=[callback])


def test_posts_form_field_with_json_logs(server):
    root, received = server
    history = _fit(kerasish.callbacks.RemoteMonitor(root=root, path="/events/", field="payload"))
    assert [path for path, _, _ in received] == ["/events/", "/events/"]
    _, content_type, body = received[1]
    assert content_type == "application/x-www-form-urlencoded"
    payload = json.loads(urllib.parse.parse_qs(body)["payload"][0])
    assert payload["epoch"] == 1
    assert payload["loss"] == pytest.approx(history.history["loss"][1])


def test_posts_json_body(server):
    root, received = server
    _fit(kerasish.callbacks.RemoteMonitor(root=root, send_as_json=True), epochs=1)
    _, content_type, body = received[0]
    assert content_type == "application/json"
    assert set(json.loads(body)) == {"epoch", "loss"}


def test_unreachable_server_warns_and_training_goes_on():
    callback = kerasish.callbacks.RemoteMonitor(root="http://127.0.0.1:9")
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server"):
        history = _fit(callback, epochs=1)
    assert len(history.history["loss"]) == 1
