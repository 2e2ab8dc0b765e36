"""TF Serving's JSON request and response formats, without a server."""

import base64

import numpy as np
import pytest

from kerasish.serving import codec
from kerasish.serving.codec import RequestError


class _Signature:
    def __init__(self, inputs):
        self.inputs = inputs


SIGNATURES = {
    "serving_default": _Signature({"x": {"shape": [None, 2], "dtype": "float32"}}),
    "ids": _Signature(
        {
            "token": {"shape": [None], "dtype": "string"},
            "count": {"shape": [None], "dtype": "int32"},
        }
    ),
}


def test_row_format_single_input_and_named_rows():
    name, columns, rows = codec.parse_predict({"instances": [[1, 2], [3, 4]]}, SIGNATURES)
    assert (name, rows) == ("serving_default", True)
    assert columns["x"].dtype == np.float32 and columns["x"].tolist() == [[1, 2], [3, 4]]
    _, named, _ = codec.parse_predict({"instances": [{"x": [1, 2]}]}, SIGNATURES)
    assert named["x"].shape == (1, 2)


def test_binary_values_decode_to_bytes():
    encoded = base64.b64encode(b"\x00\xffsku").decode()
    request = {
        "signature_name": "ids",
        "instances": [{"token": {"b64": encoded}, "count": 2}, {"token": "plain", "count": 3}],
    }
    _, columns, _ = codec.parse_predict(request, SIGNATURES)
    assert columns["token"].tolist() == [b"\x00\xffsku", "plain"]
    assert columns["count"].dtype == np.int32


@pytest.mark.parametrize(
    "request_body, message",
    [
        ({"instances": [[1, 2], [3]]}, "ragged"),
        ({"signature_name": "ids", "inputs": {"token": ["a"], "count": [1.5]}}, "integers"),
        ({"signature_name": "ids", "inputs": {"token": ["a"], "count": [2**40]}}, "range"),
        ({"instances": [{"b64": "!!"}]}, "Invalid base64"),
        ({"instances": [[1, 2]], "extra": 1}, "Unknown keys"),
        ({"inputs": [[{"a": 1}, 2]]}, "Unexpected JSON object"),
    ],
)
def test_malformed_values_raise_request_errors(request_body, message):
    with pytest.raises(RequestError, match=message):
        codec.parse_predict(request_body, SIGNATURES)


def test_responses_are_shaped_like_tf_serving():
    one = {"y": np.array([[1.0], [2.0]], "float32")}
    assert codec.predict_response(one, row_format=True) == {"predictions": [[1.0], [2.0]]}
    assert codec.predict_response(one, row_format=False) == {"outputs": [[1.0], [2.0]]}
    two = {"y": np.array([1, 2]), "z": np.array([3, 4])}
    assert codec.predict_response(two, row_format=True) == {
        "predictions": [{"y": 1, "z": 3}, {"y": 2, "z": 4}]
    }
    assert codec.predict_response(two, row_format=False) == {"outputs": {"y": [1, 2], "z": [3, 4]}}
    binary = codec.predict_response({"image_bytes": np.array([b"ab"], dtype=object)}, True)
    assert binary == {"predictions": [{"b64": base64.b64encode(b"ab").decode()}]}
    assert codec.dumps({"v": float("nan")}) == '{"v":NaN}'


def test_parse_body_rejects_non_objects():
    with pytest.raises(RequestError, match="JSON object"):
        codec.parse_body(b"[1, 2]")
    with pytest.raises(RequestError, match="Malformed JSON"):
        codec.parse_body(b"\xff\xfe")


def test_parse_body_reads_what_json_reads_beyond_strict_json():
    request = codec.parse_body(b'{"instances": [[NaN, -Infinity]], "n": 123456789012345678901}')
    assert np.isnan(request["instances"][0][0]) and request["instances"][0][1] == -np.inf
    assert request["n"] == 123456789012345678901
    with pytest.raises(RequestError, match="Malformed JSON in request body: Expecting"):
        codec.parse_body(b'{"instances": [1,')


def test_numbers_sent_as_binary_or_strings_are_rejected():
    for value in ([{"b64": "AAE="}, 1.0], ["1.0", "2.0"]):
        with pytest.raises(RequestError, match="not all numbers"):
            codec.parse_predict({"instances": [value]}, SIGNATURES)


def test_string_outputs_are_json_strings_and_encoding_keeps_non_finite_floats():
    outputs = {"city": np.array(["oslo", b"lima"], dtype=object), "p": np.array([0.5, np.nan])}
    body = codec.encode(codec.predict_response(outputs, row_format=False))
    assert body == b'{"outputs":{"city":["oslo","lima"],"p":[0.5,NaN]}}'
    finite = codec.encode(codec.predict_response({"p": np.array([0.25, -1.0])}, True))
    assert finite == b'{"predictions":[0.25,-1.0]}'
    assert codec.dumps({"error": "null input"}) == '{"error":"null input"}'
