"""The notebooks under notebooks/ run end to end (nbclient, a fresh kernel each)."""

import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

FAST = {"quickstart"}  # about 10 s; the others train for about 90 s together: `make test-slow`
NOTEBOOKS = [
    pytest.param(path, id=path.stem, marks=() if path.stem in FAST else pytest.mark.slow)
    for path in sorted((pathlib.Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
]


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_runs(path, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    ).execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert not errors
