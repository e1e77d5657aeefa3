"""``forgelab reify NOTEBOOK --cell N`` on a notebook written for the test (a real kernel)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow


def forgelab(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forgelab.cli", "reify", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
    )


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(code)
        for code in ("import numpy as np", "ys = np.arange(4) ** 2", "ys.sum() + 1", "1 / 0")
    ]
    path = tmp_path / "squares.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_the_output_of_the_nth_code_cell_is_reified_and_reproduced(
    notebook: Path, tmp_path: Path
) -> None:
    done = forgelab(str(notebook), "--cell", "3", "--run", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["output"] == "expression"
    assert summary["outcome"] == "reproduced" and summary["reproduced"] is True
    assert Path(summary["pipeline"]) == tmp_path / "squares-cell-3.pipeline.json"
    doc = json.loads(Path(summary["pipeline"]).read_text())
    assert [n["name"] for n in doc["nodes"] if n["kind"] == "output"] == ["output"]


@pytest.mark.parametrize(
    ("args", "status", "reason"),
    [
        (("--cell", "4"), 1, "raised an error, so it has no output"),
        (("--cell", "9"), 2, "has 4 code cell(s)"),
        (("--cell", "3", "--target", "ys"), 2, "give either --target NAME"),
        ((), 2, "give either --target NAME"),
    ],
)
def test_bad_cells_are_refused_with_the_reason(
    notebook: Path, tmp_path: Path, args: tuple[str, ...], status: int, reason: str
) -> None:
    done = forgelab(str(notebook), *args, cwd=tmp_path)
    assert done.returncode == status
    assert reason in done.stderr
