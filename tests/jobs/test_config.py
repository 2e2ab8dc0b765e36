"""Run configs: defaults, TOML values, --set overrides and errors that name key and file."""

import pytest

from kerasish.cli import main
from kerasish.jobs import retail
from kerasish.jobs.config import ConfigError, load, parse_override


def _write(tmp_path, text):
    path = tmp_path / "run.toml"
    path.write_text(text)
    return path


def test_values_override_defaults_and_set_overrides_the_file(tmp_path):
    path = _write(tmp_path, "[train]\nepochs = 5\nlearning_rate = 1\n")
    config = load(path, retail.DEFAULTS, ["train.epochs=1", "model.units=[8, 4]", "job=retail"])
    assert config["train"]["epochs"] == 1
    assert config["train"]["learning_rate"] == 1.0 and isinstance(
        config["train"]["learning_rate"], float
    )
    assert config["model"]["units"] == [8, 4]
    assert config["data"]["products"] == retail.DEFAULTS["data"]["products"]
    assert retail.DEFAULTS["train"]["epochs"] == 3  # defaults are not mutated


@pytest.mark.parametrize(
    "text, overrides, message",
    [
        (
            "[train]\nepoch = 2\n",
            [],
            "unknown key 'train.epoch'. Known keys here: train.batch_size",
        ),
        ("[trian]\nepochs = 2\n", [], "unknown key 'trian'"),
        ("[train]\nepochs = 'two'\n", [], "'train.epochs' must be a int"),
        ("train = 3\n", [], "'train' must be a table"),
        ("", ["train.epochs=1.5"], r"--set train.epochs=1.5: 'train.epochs' must be a int"),
        ("", ["epochs"], "expected key=value"),
        ("[train\n", [], "invalid TOML"),
    ],
)
def test_bad_configs_name_the_key_and_the_source(tmp_path, text, overrides, message):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as info:
        load(path, retail.DEFAULTS, overrides)
    if not overrides:
        assert str(path) in str(info.value)


def test_override_values_are_read_as_toml():
    assert parse_override("a.b=true") == (["a", "b"], True)
    assert parse_override("name=runs/x") == (["name"], "runs/x")
    assert parse_override('name="quoted"') == (["name"], "quoted")


def test_the_cli_reports_config_errors_without_a_traceback(tmp_path):
    path = _write(tmp_path, "[train]\nepoch = 2\n")
    with pytest.raises(SystemExit, match="kerasish train: .*unknown key 'train.epoch'"):
        main(["train", str(path)])
    with pytest.raises(SystemExit, match="unknown job 'ranking'"):
        main(["train", str(_write(tmp_path, "job = 'ranking'\n"))])
