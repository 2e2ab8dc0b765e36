"""Which artifacts a server serves: TF Serving's model base paths, versions and labels.

A base path holds one artifact per numeric version, ``<base>/<version>/manifest.json``; by
default the highest version is served (TF Serving's ``latest`` policy). A TOML file can list
several models::

    [server]
    port = 8501
    max_batch_size = 64

    [[models]]
    name = "retrieval"
    base_path = "exported/retrieval"
    versions = "all"                # "latest" (default), "all" or a list such as [1, 2]
    labels = { stable = 1, canary = 2 }
"""

import os
import tomllib
from dataclasses import dataclass, field

from kerasish.export.loader import MANIFEST_FILE, load
from kerasish.serving.raw_inputs import with_raw_inputs

SERVER_KEYS = {"host", "port", "max_batch_size", "batch_timeout_ms", "max_body_bytes"}
MODEL_KEYS = {"name", "base_path", "versions", "labels"}


class ConfigError(ValueError):
    """A bad serving config: the message names the file and the key."""


@dataclass
class ModelConfig:
    name: str
    base_path: str
    versions: object = "latest"
    labels: dict = field(default_factory=dict)


def available_versions(base_path):
    """``{version: directory}`` of the artifacts under ``base_path``; a base path that is
    itself an artifact counts as version 1."""
    if os.path.isfile(os.path.join(base_path, MANIFEST_FILE)):
        return {1: base_path}
    if not os.path.isdir(base_path):
        raise FileNotFoundError(f"No model base path at '{base_path}'.")
    found = {}
    for entry in os.listdir(base_path):
        directory = os.path.join(base_path, entry)
        if entry.isdigit() and os.path.isfile(os.path.join(directory, MANIFEST_FILE)):
            found[int(entry)] = directory
    if not found:
        raise FileNotFoundError(
            f"'{base_path}' holds no artifact: expected numbered version directories "
            f"(<base>/1/{MANIFEST_FILE}, ...) or an artifact itself."
        )
    return found


def select_versions(found, policy, model_name):
    if policy == "latest":
        return [max(found)]
    if policy == "all":
        return sorted(found)
    missing = [v for v in policy if v not in found]
    if missing:
        raise FileNotFoundError(
            f"Model '{model_name}' has no version(s) {missing}; available: {sorted(found)}."
        )
    return sorted(policy)


class ServedModel:
    """The loaded versions of one model, with its labels."""

    def __init__(self, config):
        self.name = config.name
        found = available_versions(config.base_path)
        self.versions = {
            version: with_raw_inputs(load(found[version]))
            for version in select_versions(found, config.versions, config.name)
        }
        for label, version in config.labels.items():
            if version not in self.versions:
                raise ConfigError(
                    f"Label '{label}' of model '{self.name}' points at version {version}, which "
                    f"is not served (served: {sorted(self.versions)})."
                )
        self.labels = dict(config.labels)

    @property
    def latest(self):
        return max(self.versions)


def read_config(path):
    """``(server_options, [ModelConfig])`` from a TOML file."""
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    unknown = sorted(set(data) - {"server", "models"})
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {unknown}; expected [server], [[models]].")
    server = data.get("server", {})
    bad = sorted(set(server) - SERVER_KEYS)
    if bad:
        raise ConfigError(f"{path}: unknown key(s) {bad} in [server]; known: {sorted(SERVER_KEYS)}")
    models = data.get("models", [])
    if not isinstance(models, list) or not models:
        raise ConfigError(f"{path}: no [[models]] entries.")
    base = os.path.dirname(os.path.abspath(path))
    return server, [_model_config(path, base, index, entry) for index, entry in enumerate(models)]


def _model_config(path, base, index, entry):
    where = f"{path}: models[{index}]"
    bad = sorted(set(entry) - MODEL_KEYS)
    if bad:
        raise ConfigError(f"{where}: unknown key(s) {bad}; known: {sorted(MODEL_KEYS)}")
    for key in ("name", "base_path"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise ConfigError(f"{where}: `{key}` is required and must be a string.")
    versions = entry.get("versions", "latest")
    valid = versions in ("latest", "all") or (
        isinstance(versions, list) and versions and all(isinstance(v, int) for v in versions)
    )
    if not valid:
        raise ConfigError(
            f"{where}: `versions` must be 'latest', 'all' or a list of version numbers; "
            f"received {versions!r}."
        )
    labels = entry.get("labels", {})
    if not isinstance(labels, dict) or not all(isinstance(v, int) for v in labels.values()):
        raise ConfigError(f"{where}: `labels` must map label names to version numbers.")
    base_path = entry["base_path"]
    if not os.path.isabs(base_path):
        base_path = os.path.join(base, base_path)
    return ModelConfig(entry["name"], base_path, versions, labels)
