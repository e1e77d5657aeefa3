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


# The small examples: the redshift network repeats one block many times, and adds only time.
EXAMPLES = [
    p for p in sorted((FIXTURES.parent / "examples").glob("*.json")) if p.stat().st_size < 20_000
]


def _mutations(value: object, path: tuple = ()) -> list[tuple[tuple, str, object]]:
    """Every single-step break of a document: each key removed, each value given another type,
    an unknown key added to each object."""
    found: list[tuple[tuple, str, object]] = []
    if isinstance(value, dict):
        found.append((path, "add", "unexpected"))
        for key, inner in value.items():
            found.append(((*path, key), "remove", None))
            found.extend(_mutations(inner, (*path, key)))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.extend(_mutations(inner, (*path, index)))
    for other in (None, 1.5, "text", [], {}):
        if type(other) is not type(value):
            found.append((path, "set", other))
    return found


def _distinct(document: object, mutations: list[tuple[tuple, str, object]]) -> list:
    """One break per place in the schema: list items of the same ``type`` or ``kind`` (layers
    and nodes repeated along a network) are one place, so each break is tried once per kind of
    item instead of once per item."""
    seen: set[tuple] = set()
    kept = []
    for path, action, value in mutations:
        shape: list[object] = []
        node = document
        for step in path:
            node = node[step] if isinstance(node, (dict, list)) else None
            if isinstance(step, int):
                kind = node.get("type", node.get("kind")) if isinstance(node, dict) else None
                shape.append(("item", str(kind)))
            else:
                shape.append(step)
        key = (tuple(shape), action, type(value).__name__)
        if key not in seen:
            seen.add(key)
            kept.append((path, action, value))
    return kept


def _apply(document: object, path: tuple, action: str, value: object) -> object:
    copy = json.loads(json.dumps(document))
    if action == "set" and not path:
        return value
    parent = copy
    for step in path if action == "add" else path[:-1]:
        parent = parent[step]
    if action == "add":
        parent["forgelabUnknownKey"] = value
    elif action == "remove":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copy


@pytest.mark.parametrize("path", VALID + EXAMPLES, ids=lambda p: p.name)
def test_the_compiled_check_agrees_with_jsonschema_on_every_single_break(path: Path) -> None:
    """Valid documents pass through a compiled check first; it must never accept a document
    that jsonschema refuses, whatever single thing is broken."""
    name = format_of(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    validator = formats._validator(name)
    assert formats._gate(name) is not None
    checked = 0
    for where, action, value in _distinct(document, _mutations(document)):
        broken = _apply(document, where, action, value)
        if formats._passes_gate(name, broken):
            assert validator.is_valid(broken), f"{action} at {where} passed the gate only"
        checked += 1
    assert checked > 20
    before = json.dumps(document, sort_keys=True)
    formats.issues(name, document)
    assert json.dumps(document, sort_keys=True) == before, "validation changed the document"
