"""`kerasish.serving`: a TensorFlow-Serving-compatible REST server for export artifacts.

Run it with ``kerasish serve PATH --port 8501``, or in Python::

    server = kerasish.serving.ModelServer([ServedModel(ModelConfig("mlp", "exported/mlp"))])
    server.warm_up()
    uvicorn.run(server.app, port=8501)
"""

from kerasish.serving.app import ModelServer
from kerasish.serving.batching import DynamicBatcher
from kerasish.serving.codec import RequestError
from kerasish.serving.repository import ConfigError, ModelConfig, ServedModel, read_config

__all__ = [
    "ConfigError",
    "DynamicBatcher",
    "ModelConfig",
    "ModelServer",
    "RequestError",
    "ServedModel",
    "read_config",
]
