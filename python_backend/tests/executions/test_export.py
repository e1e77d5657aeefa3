"""A pipeline exported as a folder or zip runs with plain Python, in a fresh process, no server."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from forgelab.cli import main as cli
from forgelab.executions.export import ExportError, export

COUNT = """\
import numpy as np


def count_words(text_file, scale=1):
    with open(text_file, encoding="utf-8") as handle:
        return np.int64(len(handle.read().split()) * scale)
"""

DOUBLE = "def double(n):\n    return {'twice': int(n) * 2, 'same': int(n)}\n"


def _op(name: str, code: str, inputs: list[str], outputs: list[str], attrs=()) -> dict:
    return {
        "id": f"test.{name}",
        "name": name,
        "inputs": [{"name": i, "type": "object"} for i in inputs],
        "outputs": [{"name": o, "type": "object"} for o in outputs],
        "attributes": list(attrs),
        "references": [],
        "source": {"language": "python", "function": name, "code": code},
    }


def _link(a: str, ap: str, b: str, bp: str) -> dict:
    return {"source": {"node": a, "port": ap}, "target": {"node": b, "port": bp}}


def write_words(folder: Path) -> Path:
    """The words pipeline (Input file → count → double) and its data file, in ``folder``."""
    (folder / "data").mkdir()
    (folder / "data" / "words.txt").write_text("one two three four five\n", encoding="utf-8")
    doc = {
        "format": "forgelab.pipeline",
        "version": 1,
        "name": "words",
        "nodes": [
            {"id": "text", "kind": "input", "name": "text", "source": "data/words.txt"},
            {
                "id": "count",
                "kind": "operation",
                "operation": _op(
                    "count_words",
                    COUNT,
                    ["text_file"],
                    ["n"],
                    [{"name": "scale", "type": "int", "default": 1}],
                ),
                "attributes": {"scale": 3},
            },
            {
                "id": "double",
                "kind": "operation",
                "operation": _op("double", DOUBLE, ["n"], ["twice", "same"]),
            },
            {"id": "result", "kind": "output", "name": "result"},
            {"id": "count_out", "kind": "output", "name": "count"},
        ],
        "connections": [
            _link("text", "value", "count", "text_file"),
            _link("count", "n", "double", "n"),
            _link("double", "twice", "result", "value"),
            _link("count", "n", "count_out", "value"),
        ],
    }
    path = folder / "words.pipeline.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.fixture
def pipeline_file(tmp_path: Path) -> Path:
    return write_words(tmp_path)


def _run_plain(folder: Path) -> subprocess.CompletedProcess[str]:
    """``python main.py`` in the folder, with neither the source tree nor a server around."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "JUPYTER_PATH")}
    return subprocess.run(
        [sys.executable, "main.py"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_exported_folder_runs_with_plain_python(pipeline_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    export(pipeline_file, folder)
    (pipeline_file.parent / "data" / "words.txt").unlink()  # the export holds its own copy
    assert (folder / "inputs" / "words.txt").exists()
    assert "numpy==" in (folder / "requirements.txt").read_text()
    done = _run_plain(folder)
    assert done.returncode == 0, done.stderr
    assert "result: int -> outputs/result.pickle" in done.stdout
    assert pickle.loads((folder / "outputs" / "result.pickle").read_bytes()) == 30
    assert pickle.loads((folder / "outputs" / "count.pickle").read_bytes()) == 15


def test_cli_exports_a_zip_that_runs(pipeline_file: Path, tmp_path: Path, capsys) -> None:
    archive = tmp_path / "words.zip"
    assert cli(["export", str(pipeline_file), "-o", str(archive)]) == 0
    with zipfile.ZipFile(archive) as opened:
        assert "words/main.py" in opened.namelist()
        opened.extractall(tmp_path / "unzipped")
    done = _run_plain(tmp_path / "unzipped" / "words")
    assert done.returncode == 0, done.stderr
    assert pickle.loads((tmp_path / "unzipped/words/outputs/result.pickle").read_bytes()) == 30
    assert cli(["export", str(pipeline_file), "-o", str(archive)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_an_input_that_is_not_a_file_is_refused_with_a_remedy(
    pipeline_file: Path, tmp_path: Path
) -> None:
    doc = json.loads(pipeline_file.read_text())
    doc["nodes"][0]["source"] = "s3://bucket/words.txt"
    pipeline_file.write_text(json.dumps(doc))
    with pytest.raises(ExportError, match="only files can be exported"):
        export(pipeline_file, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # nothing half-written
