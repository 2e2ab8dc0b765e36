"""Each CLI command on a tiny retail config: train -> evaluate -> export -> predict -> info."""

import json
import re

from kerasish.cli import main

TINY = [
    "--set=data.products=200",
    "--set=data.categories=4",
    "--set=data.users=120",
    "--set=data.history_length=4",
    "--set=train.epochs=1",
    "--set=train.verbose=0",
    "--set=model.units=[8, 4]",
    "--set=model.embedding_dim=8",
    "--set=export.k=5",
    '--set=export.platforms=["cpu"]',
]


def test_train_evaluate_export_predict_info(tmp_path, capsys):
    config = tmp_path / "retail.toml"
    config.write_text(f'job = "retail"\noutput_dir = "{tmp_path / "run"}"\n')
    main(["train", str(config), *TINY])
    assert (tmp_path / "run" / "model.keras").exists()
    assert "loss" in json.loads((tmp_path / "run" / "history.json").read_text())
    main(["evaluate", str(config), *TINY])
    table = capsys.readouterr().out
    assert "recall@10" in table and "most_popular" in table
    main(["export", str(config), *TINY])
    artifact = tmp_path / "run" / "export" / "1"
    request = tmp_path / "request.json"
    request.write_text(json.dumps({"instances": [{"history": [0, 0, 3, 7]}]}))
    main(["predict", str(artifact), "--input", str(request)])
    answer = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert len(answer["predictions"][0]["product_ids"]) == 5
    main(["info", str(artifact)])
    assert "signature query_embed:" in capsys.readouterr().out


def test_info_describes_a_checkpoint_directory(tmp_path, capsys):
    import numpy as np

    import kerasish
    from kerasish.saving import Checkpointer

    model = kerasish.Sequential([kerasish.Input((3,)), kerasish.layers.Dense(2, name="dense")])
    model.compile("adam", "mse")
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    with Checkpointer(tmp_path / "ckpt") as checkpointer:
        checkpointer.save(5, model)
        checkpointer.save(9, model)
    main(["info", str(tmp_path / "ckpt")])
    text = capsys.readouterr().out
    assert "steps:      [5, 9] (latest 9)" in text
    assert re.search(r"sequential(_\d+)?/dense/kernel: float32 \(3, 2\)", text)
    main(["info", str(tmp_path / "ckpt"), "--json"])
    described = json.loads(capsys.readouterr().out)
    assert described["steps"] == [5, 9] and described["size_bytes"] > 0
