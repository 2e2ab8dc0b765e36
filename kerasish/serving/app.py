"""The TensorFlow-Serving-compatible REST server: a Starlette app over served artifacts.

Routes (TF Serving's REST API, plus health and metrics)::

    GET  /v1/models/{name}[/versions/{v}|/labels/{l}]            version status
    GET  /v1/models/{name}[/versions/{v}|/labels/{l}]/metadata   signature defs
    POST /v1/models/{name}[/versions/{v}|/labels/{l}]:predict    row or columnar predict
    POST ...:classify, ...:regress                               501 (not supported)
    GET  /healthz, GET /metrics (Prometheus text)

Every error is ``{"error": "..."}`` with a 4xx status (5xx only for a failure inside the
model), and the server keeps serving after it.
"""

import asyncio
import contextlib
import re
import time

import numpy as np
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from kerasish.serving import codec
from kerasish.serving.batching import DynamicBatcher

DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024

_MODEL_PATH = re.compile(
    r"^(?P<name>[^/:]+)"
    r"(?:/versions/(?P<version>[^/:]+)|/labels/(?P<label>[^/:]+))?"
    r"(?:(?P<metadata>/metadata)|:(?P<method>[A-Za-z]+))?$"
)


_METHODS = {"status", "metadata", "predict", "classify", "regress"}


class HTTPError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def _json(payload, status=200):
    return Response(codec.encode(payload), status_code=status, media_type="application/json")


class _Metrics:
    def __init__(self):
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "kerasish_requests",
            "Requests by model, method and HTTP status.",
            ["model", "method", "code"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "kerasish_request_latency_seconds",
            "Request latency by model and method.",
            ["model", "method"],
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=self.registry,
        )
        self.batch_size = Histogram(
            "kerasish_batch_size",
            "Rows per device call by model and signature.",
            ["model", "signature"],
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024),
            registry=self.registry,
        )
        self._children = {}  # (model, method, code) -> (counter, histogram): labels() is slow

    def observe(self, model, method, code, seconds):
        key = (model, method, code)
        children = self._children.get(key)
        if children is None:
            children = (
                self.requests.labels(model, method, str(code)),
                self.latency.labels(model, method),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)


class ModelServer:
    """Serves `ServedModel`s; ``app`` is the ASGI application.

    Example:
    >>> server = ModelServer([ServedModel(ModelConfig("mlp", "exported/mlp"))])
    >>> uvicorn.run(server.app, port=8501)  # doctest: +SKIP
    """

    def __init__(
        self,
        models,
        max_batch_size=64,
        batch_timeout_ms=0.0,
        max_body_bytes=DEFAULT_MAX_BODY_BYTES,
    ):
        self.models = {model.name: model for model in models}
        self.max_body_bytes = max_body_bytes
        self.metrics = _Metrics()
        self.batchers = {}
        for model in models:
            for version, artifact in model.versions.items():
                for name, signature in artifact.signatures.items():
                    self.batchers[(model.name, version, name)] = DynamicBatcher(
                        signature,
                        max_batch_size=max_batch_size,
                        batch_timeout_s=batch_timeout_ms / 1000.0,
                        on_batch=self.metrics.batch_size.labels(model.name, name).observe,
                    )
        self.app = Starlette(
            routes=[
                Route("/v1/models/{path:path}", self._models_route, methods=["GET", "POST"]),
                Route("/healthz", self._health, methods=["GET"]),
                Route("/metrics", self._metrics, methods=["GET"]),
            ],
            exception_handlers={404: self._not_found, 405: self._not_allowed},
            lifespan=self._lifespan,
        )

    def warm_up(self):
        """Compiles every batch bucket of every signature whose input shapes are known."""
        for (model, version, name), batcher in self.batchers.items():
            signature = self.models[model].versions[version].signatures[name]
            signature = getattr(signature, "device", signature)  # raw-input signatures: ids
            shapes = {k: spec["shape"] for k, spec in signature.inputs.items()}
            if any(d is None for shape in shapes.values() for d in shape[1:]):
                continue
            if any(spec["dtype"] == "string" for spec in signature.inputs.values()):
                continue
            batcher.warm_up(
                {
                    k: np.zeros((1, *shape[1:]), signature.inputs[k]["dtype"])
                    for k, shape in shapes.items()
                }
            )

    @contextlib.asynccontextmanager
    async def _lifespan(self, app):
        for batcher in self.batchers.values():
            await batcher.start()
        try:
            yield
        finally:
            await asyncio.gather(*(b.stop() for b in self.batchers.values()))

    async def _health(self, request):
        return _json({"status": "ok", "models": sorted(self.models)})

    async def _metrics(self, request):
        return Response(generate_latest(self.metrics.registry), media_type="text/plain")

    async def _not_found(self, request, exc):
        return _json({"error": f"Not found: {request.url.path}"}, 404)

    async def _not_allowed(self, request, exc):
        return _json({"error": f"Method {request.method} not allowed here."}, 405)

    async def _models_route(self, request):
        started = time.perf_counter()
        match = _MODEL_PATH.match(request.path_params["path"])
        name = match["name"] if match else "unknown"
        method = (match and match["method"]) or ("metadata" if match and match["metadata"] else "")
        method = method or "status"
        if method not in _METHODS:  # bounded metric labels whatever the URL says
            method = "unknown"
        try:
            if match is None:
                raise HTTPError(404, f"Malformed model URL: {request.url.path}")
            response = await self._dispatch(request, match)
        except HTTPError as error:
            response = _json({"error": error.message}, error.status)
        except codec.RequestError as error:
            response = _json({"error": str(error)}, 400)
        except ValueError as error:  # input checks of the artifact's signature
            response = _json({"error": str(error)}, 400)
        except Exception as error:
            response = _json({"error": f"Internal error: {type(error).__name__}: {error}"}, 500)
        known = name if name in self.models else "unknown"
        self.metrics.observe(known, method, response.status_code, time.perf_counter() - started)
        return response

    async def _dispatch(self, request, match):
        model = self.models.get(match["name"])
        if model is None:
            raise HTTPError(404, f"Servable not found for request: Latest({match['name']})")
        version = self._version(model, match)
        if match["method"]:
            if request.method != "POST":
                raise HTTPError(405, f"Use POST for :{match['method']}.")
            if match["method"] in ("classify", "regress"):
                raise HTTPError(501, f":{match['method']} is not supported; use :predict.")
            if match["method"] != "predict":
                raise HTTPError(404, f"Unknown method ':{match['method']}'.")
            return await self._predict(request, model, version)
        if request.method != "GET":
            raise HTTPError(405, "Use GET for model status and metadata.")
        if match["metadata"]:
            return _json(self._metadata(model, version))
        versions = [version] if (match["version"] or match["label"]) else sorted(model.versions)
        return _json({"model_version_status": [_status(v) for v in versions]})

    def _version(self, model, match):
        if match["label"]:
            if match["label"] not in model.labels:
                raise HTTPError(
                    404, f"Unrecognized servable version label: {match['label']} ({model.name})"
                )
            return model.labels[match["label"]]
        if match["version"]:
            if not match["version"].isdigit() or int(match["version"]) not in model.versions:
                raise HTTPError(
                    404,
                    f"Servable not found for request: Specific({model.name}, {match['version']})",
                )
            return int(match["version"])
        return model.latest

    def _metadata(self, model, version):
        artifact = model.versions[version]
        return {
            "model_spec": {"name": model.name, "signature_name": "", "version": str(version)},
            "metadata": {
                "signature_def": {
                    "signature_def": codec.signature_def_map(artifact.signatures),
                    "@type": "type.googleapis.com/tensorflow.serving.SignatureDefMap",
                }
            },
        }

    async def _predict(self, request, model, version):
        body = await self._read_body(request)
        artifact = model.versions[version]
        payload = codec.parse_body(body)
        signature_name, columns, row_format = codec.parse_predict(payload, artifact.signatures)
        signature = artifact.signatures[signature_name]
        columns = signature.check_inputs(columns)
        rows = codec.batch_size_of(columns)
        batcher = self.batchers[(model.name, version, signature_name)]
        outputs = await batcher.predict(columns, rows)
        postprocess = getattr(signature, "postprocess", None)  # raw-input signatures: the tail
        if postprocess is not None:
            outputs = postprocess(outputs)
        return _json(codec.predict_response(outputs, row_format))

    async def _read_body(self, request):
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise HTTPError(413, f"Request body exceeds {self.max_body_bytes} bytes.")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body_bytes:
                raise HTTPError(413, f"Request body exceeds {self.max_body_bytes} bytes.")
            chunks.append(chunk)
        return b"".join(chunks)


def _status(version):
    return {
        "version": str(version),
        "state": "AVAILABLE",
        "status": {"error_code": "OK", "error_message": ""},
    }
