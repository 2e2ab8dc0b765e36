"""Model base paths, version policies, labels and TOML configs."""

import pytest

import kerasish as keras
from kerasish.cli import main
from kerasish.serving import ConfigError, ModelConfig, ServedModel, read_config


@pytest.fixture(scope="module")
def base_path(tmp_path_factory):
    root = tmp_path_factory.mktemp("models") / "ranker"
    for version in (1, 4):
        inputs = keras.Input((2,), name="x")
        keras.Model(inputs, keras.layers.Dense(1)(inputs)).export(
            root / str(version), verbose=False, platforms=("cpu",)
        )
    (root / "7").mkdir()  # a version directory without an artifact is ignored
    return root


def test_latest_all_and_listed_versions(base_path):
    assert sorted(ServedModel(ModelConfig("r", str(base_path))).versions) == [4]
    assert sorted(ServedModel(ModelConfig("r", str(base_path), "all")).versions) == [1, 4]
    assert sorted(ServedModel(ModelConfig("r", str(base_path), [1])).versions) == [1]
    with pytest.raises(FileNotFoundError, match=r"no version\(s\) \[2\]"):
        ServedModel(ModelConfig("r", str(base_path), [2]))
    with pytest.raises(ConfigError, match="Label 'stable' .* version 1, which is not served"):
        ServedModel(ModelConfig("r", str(base_path), labels={"stable": 1}))
    assert sorted(ServedModel(ModelConfig("r", str(base_path / "1"))).versions) == [1]


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "[server]\nprot = 1\n[[models]]\nname='a'\nbase_path='b'\n",
            r"unknown key\(s\) \['prot'\]",
        ),
        ("[[models]]\nname='a'\n", "models\\[0\\]: `base_path` is required"),
        ("[[models]]\nname='a'\nbase_path='b'\nversion=1\n", r"\['version'\]"),
        ("[[models]]\nname='a'\nbase_path='b'\nversions='newest'\n", "`versions` must be"),
        ("[server]\nport = \n", "invalid TOML"),
        ("[server]\nport = 1\n", r"no \[\[models\]\]"),
    ],
)
def test_bad_configs_name_the_file_and_key(tmp_path, text, message):
    path = tmp_path / "serving.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as info:
        read_config(path)
    assert str(path) in str(info.value)


def test_relative_base_paths_resolve_against_the_config_file(tmp_path, base_path):
    path = tmp_path / "serving.toml"
    path.write_text(f"[[models]]\nname = 'r'\nbase_path = '{base_path}'\nversions = 'all'\n")
    server, models = read_config(path)
    assert server == {} and models[0].base_path == str(base_path)


def test_info_prints_signatures_platforms_and_size(base_path, capsys):
    main(["info", str(base_path / "4")])
    out = capsys.readouterr().out
    assert "platforms: cpu" in out
    assert "signature serving_default:" in out
    assert "input  x: float32 (None, 2)" in out
    with pytest.raises(SystemExit, match="no manifest.json"):
        main(["info", str(base_path / "7")])
