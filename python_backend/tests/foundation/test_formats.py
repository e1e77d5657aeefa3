"""The Python side reads ForgeLab's formats exactly as the TypeScript side does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from forgelab import formats

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"

VALID = sorted((FIXTURES / "formats" / "valid").glob("*.json"))
INVALID = FIXTURES / "formats" / "invalid"
EXPECTED = json.loads((INVALID / "expected.json").read_text(encoding="utf-8"))


def format_of(path: Path) -> str:
    return formats.format_for_path(path) or path.name.split(".")[-2]


def test_valid_fixtures_cover_every_document_format() -> None:
    assert {format_of(p) for p in VALID} == {
        "pipeline",
        "architecture",
        "operation",
        "execution",
        "provenance",
    }


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_fixture_round_trips_unchanged(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert formats.issues(format_of(path), document) == []
    assert json.loads(formats.dump(formats.validate(format_of(path), document))) == document


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_gives_the_issues_both_sides_agree_on(name: str) -> None:
    document = json.loads((INVALID / name).read_text(encoding="utf-8"))
    found = formats.issues(EXPECTED[name]["format"], document)
    assert [{"path": i.path, "message": i.message} for i in found] == EXPECTED[name]["issues"]


def test_load_names_the_file_and_each_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.pipeline.json"
    path.write_text('{"format": "forgelab.pipeline", "version": 1, "nodes": [{"id": "a"}]}')
    with pytest.raises(formats.FormatError) as caught:
        formats.load(path)
    message = str(caught.value)
    assert str(path) in message
    assert "/nodes/0: missing required property 'kind'" in message
    assert "/: missing required property 'connections'" in message


def test_load_reports_malformed_json_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "net.arch.json"
    path.write_text('{"format": "forgelab.architecture",\n  "layers": [1, }')
    with pytest.raises(formats.FormatError, match=r"not valid JSON \(line 2, column"):
        formats.load(path)


def test_load_refuses_an_unknown_file_type(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_text("{}")
    with pytest.raises(formats.FormatError, match="unknown file type"):
        formats.load(path)


def test_schemas_are_the_files_the_front_end_imports() -> None:
    front_end = (Path(formats.__file__).parents[3] / "src" / "formats" / "index.ts").read_text()
    for name in formats.FORMATS:
        assert f"python_backend/forgelab/formats/{name}.schema.json" in front_end
        assert formats.schema(name)["$id"].endswith(f"/{name}.schema.json")
