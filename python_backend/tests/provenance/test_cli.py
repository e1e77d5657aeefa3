"""``forgelab reify`` on notebooks written for the tests: a real kernel, a real pipeline run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from forgelab.executions import pipeline as pipelines

pytestmark = pytest.mark.slow


def notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, str(path))
    return path


def forgelab(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forgelab.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_reify_run_reproduces_the_notebook_value(tmp_path: Path) -> None:
    (tmp_path / "sales.csv").write_text("region,amount\nnorth,10\nsouth,5\nnorth,7\n")
    nb = notebook(
        tmp_path / "sales.ipynb",
        "import pandas as pd\nimport numpy as np",
        "%matplotlib inline\nthreshold = 6",
        "sales = pd.read_csv('sales.csv')",
        "big = sales[sales.amount > threshold].copy()\nbig['double'] = big.amount * 2",
        "summary = big.groupby('region')['double'].sum()",
        "unrelated = np.zeros(3)",
    )
    out = tmp_path / "summary.pipeline.json"
    done = forgelab(
        "reify",
        str(nb),
        "--target",
        "summary",
        "-o",
        str(out),
        "--run",
        "--json",
        "--lift-constants",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["reproduced"] is True and summary["outcome"] == "reproduced"
    assert summary["detail"] is None
    assert [Path(p).name for p in summary["inputs"]] == ["sales.csv"]
    doc = json.loads(out.read_text())
    pipelines.validate(doc)
    attributes = [
        a for n in doc["nodes"] if n["kind"] == "operation" for a in n["operation"]["attributes"]
    ]
    assert attributes == [{"name": "threshold", "type": "int", "default": 6}]
    assert "unrelated" not in out.read_text()


def test_lift_constants_says_why_nothing_was_lifted(tmp_path: Path) -> None:
    nb = notebook(tmp_path / "rates.ipynb", "rate = 0.1\nrate = rate / 2", "loss = rate * 3")
    done = forgelab("reify", str(nb), "--target", "loss", "--lift-constants", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "no constants lifted: rate: it is bound 2 times" in done.stdout


def test_reify_explains_what_cannot_be_reified(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("7")
    nb = notebook(
        tmp_path / "gone.ipynb",
        "import os\ntext = open('note.txt').read()",
        "value = int(text) * 2\nos.remove('note.txt')",
    )
    done = forgelab("reify", str(nb), "--target", "value", cwd=tmp_path)
    assert done.returncode == 1
    assert "cannot reify 'value'" in done.stderr and "no longer exists" in done.stderr


def test_bad_input_is_reported(tmp_path: Path) -> None:
    missing = forgelab("reify", "nothing.ipynb", "--target", "x", cwd=tmp_path)
    assert missing.returncode == 2 and "no such notebook" in missing.stderr
    nb = notebook(tmp_path / "one.ipynb", "x = 1")
    unknown = forgelab("reify", str(nb), "--target", "y", cwd=tmp_path)
    assert unknown.returncode == 1
    assert "no recorded cell wrote a variable named 'y'" in unknown.stderr
