"""The reify corpus (``bench/corpus``) is well formed: no kernel, just the files."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"
CORPUS = BENCH / "corpus"


def _bench_module():
    spec = importlib.util.spec_from_file_location(
        "bench_reify_corpus", BENCH / "bench_reify_corpus.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


BENCH_MODULE = _bench_module()
MANIFEST = BENCH_MODULE.load_manifest(CORPUS / "targets.json")


def test_the_corpus_is_large_enough() -> None:
    assert len(MANIFEST) >= 27
    assert sum(len(targets) for targets in MANIFEST.values()) >= 65
    assert sorted(MANIFEST) == sorted(p.name for p in CORPUS.glob("*.ipynb"))


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_each_notebook_parses_without_outputs_and_binds_its_targets(name: str) -> None:
    nb = nbformat.read(str(CORPUS / name), as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    source = "\n".join(c.source for c in code)
    assert not re.search(r"\bfetch_\w+\(|get_rdataset|https?://", source), "no network"
    for target in MANIFEST[name]:
        assert re.search(rf"(^|[\s,(])\*?{re.escape(target.name)}\b[^=\n]*=", source, re.M), (
            f"{name} never assigns {target.name}"
        )


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_each_probe_compiles_and_reads_value(name: str) -> None:
    names = [t.name for t in MANIFEST[name]]
    assert len(names) == len(set(names))
    for target in MANIFEST[name]:
        compile(target.probe, f"{name}:{target.name}", "eval")
        used = {
            n.id for n in ast.walk(ast.parse(target.probe, mode="eval")) if isinstance(n, ast.Name)
        }
        assert "value" in used, f"{name}:{target.name}: the probe never looks at value"


@pytest.mark.parametrize(
    "text, error",
    [
        ("[]", "expected an object"),
        ('{"a.py": [{"name": "x", "probe": "value"}]}', "must be a *.ipynb name"),
        ('{"a.ipynb": [{"name": "x"}]}', "must be {'name'"),
    ],
)
def test_a_malformed_manifest_is_rejected_with_the_place(
    tmp_path: Path, text: str, error: str
) -> None:
    path = tmp_path / "targets.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=re.escape(error)):
        BENCH_MODULE.load_manifest(path)


def test_data_files_are_small() -> None:
    files = list((CORPUS / "data").iterdir())
    assert files and all(f.stat().st_size < 64_000 for f in files)
    json.loads((CORPUS / "data" / "config.json").read_text())
