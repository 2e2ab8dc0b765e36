"""Run configs: TOML files checked against a job's defaults, with ``--set key=value`` overrides.

Every key a config may hold is in the job's defaults (with its type), so a typo or a value of
the wrong type is an error that names the key and the file instead of a silently ignored
setting.
"""

import copy
import tomllib


class ConfigError(ValueError):
    """A config that does not fit its job: the message names the file and the key."""


def parse_override(text):
    """``"train.epochs=2"`` -> ``(["train", "epochs"], 2)``; the value is read as TOML
    (numbers, booleans, arrays, quoted strings) and otherwise kept as a bare string."""
    if "=" not in text:
        raise ConfigError(f"--set {text!r}: expected key=value, e.g. --set train.epochs=2")
    key, raw = text.split("=", 1)
    try:
        value = tomllib.loads(f"value = {raw}")["value"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key.strip().split("."), value


def load(path, defaults, overrides=()):
    """The job config: ``defaults`` updated by the TOML file at ``path``, then ``overrides``."""
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file.") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    config = copy.deepcopy(defaults)
    _merge(config, data, path, [])
    for text in overrides:
        keys, value = parse_override(text)
        _merge(config, _nested(keys, value), f"--set {text}", [])
    return config


def _nested(keys, value):
    for key in reversed(keys):
        value = {key: value}
    return value


def _merge(config, data, source, prefix):
    for key, value in data.items():
        name = ".".join([*prefix, key])
        if key not in config:
            known = ", ".join(sorted(".".join([*prefix, k]) for k in config))
            raise ConfigError(f"{source}: unknown key '{name}'. Known keys here: {known}.")
        default = config[key]
        if isinstance(default, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: '{name}' must be a table of settings.")
            _merge(default, value, source, [*prefix, key])
            continue
        config[key] = _checked(name, value, default, source)


def _checked(name, value, default, source):
    if isinstance(default, bool) or default is None:
        valid = default is None or isinstance(value, bool)
    elif isinstance(default, float):
        valid = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if valid else value
    elif isinstance(default, int):
        valid = isinstance(value, int) and not isinstance(value, bool)
    else:
        valid = isinstance(value, type(default))
    if not valid:
        raise ConfigError(
            f"{source}: '{name}' must be a {type(default).__name__} (like the default "
            f"{default!r}); received {value!r}."
        )
    return value
