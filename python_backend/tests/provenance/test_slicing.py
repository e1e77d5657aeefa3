"""Slicing and reify on synthetic histories: minimal slices, grouping, clear refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from forgelab.executions import pipeline as pipelines
from forgelab.provenance import ReifyError, slice_history
from forgelab.provenance.reify import reify
from forgelab.provenance.slicing import describe


def history(*cells: tuple[str, dict[str, int], dict[str, Any]], session: str = "s1") -> list[dict]:
    """Records from (code, reads {name: version}, writes {name: version or (version, type)})."""
    records = []
    for index, (code, reads, writes) in enumerate(cells, start=1):
        records.append(
            {
                "format": "forgelab.provenance",
                "version": 1,
                "id": f"{session}-{index:07d}",
                "kind": "cell",
                "session": session,
                "executionCount": index,
                "code": code,
                "startedAt": "2026-01-01T00:00:00Z",
                "status": "ok",
                "reads": [{"name": n, "version": v} for n, v in reads.items()],
                "writes": [
                    {"name": n, "version": v[0], "type": v[1]}
                    if isinstance(v, tuple)
                    else {"name": n, "version": v, "type": "int"}
                    for n, v in writes.items()
                ],
                "filesRead": [],
                "filesWritten": [],
            }
        )
    return records


def test_slice_keeps_only_the_writers_of_versions_actually_read() -> None:
    records = history(
        ("a = 1", {}, {"a": 1}),
        ("b = 2", {}, {"b": 1}),
        ("a = 5", {}, {"a": 2}),
        ("c = a + 1", {"a": 2}, {"c": 1}),
    )
    piece = slice_history(records, "c")
    assert [r["code"] for r in piece.records] == ["a = 5", "c = a + 1"]
    assert piece.version == 1


def test_latest_version_in_the_latest_session_unless_a_record_is_named() -> None:
    first = history(("x = 1", {}, {"x": 1}), ("x = 2", {}, {"x": 2}), session="s1")
    second = history(("x = 3", {}, {"x": 1}), session="s2")
    records = first + second
    assert slice_history(records, "x").producer["code"] == "x = 3"
    assert slice_history(records, "x", session="s1").producer["code"] == "x = 2"
    assert slice_history(records, "x", record_id="s1-0000001").producer["code"] == "x = 1"


def test_a_name_that_is_no_identifier_is_refused_with_the_schema_s_words() -> None:
    # reify skips the JSON Schema pass on its own documents only when every name fits it.
    records = history(
        ("globals()['a-b'] = 1", {}, {"a-b": 1}),
        ("c = globals()['a-b'] + 1", {"a-b": 1}, {"c": 1}),
    )
    with pytest.raises(pipelines.PipelineError) as caught:
        reify(records, "c")
    assert '/nodes/1/operation/inputs/0/name: "a-b" is not a Python identifier' in str(caught.value)


def test_reify_builds_ports_carries_imports_and_definitions_and_lifts_constants() -> None:
    records = history(
        ("import math", {}, {"math": (1, "module:math")}),
        ("def area(r):\n    return math.pi * r * r * k", {}, {"area": (1, "function")}),
        ("k = 2\nradius = 3.0", {}, {"k": 1, "radius": (1, "float")}),
        ("out = area(radius)", {"area": 1, "radius": 1, "math": 1, "k": 1}, {"out": 1}),
    )
    doc = reify(records, "out", lift_constants=True)
    pipelines.validate(doc)
    ops = {n["id"]: n["operation"] for n in doc["nodes"] if n["kind"] == "operation"}
    assert set(ops) == {"make_k_etc", "make_out"}
    assert [a["name"] for a in ops["make_k_etc"]["attributes"]] == ["k", "radius"]
    assert ops["make_k_etc"]["attributes"][1]["default"] == 3.0
    code = ops["make_out"]["source"]["code"]
    assert code.startswith("def make_out(k, radius):")
    assert "import math" in code and "def area(r):" in code
    namespace: dict[str, Any] = {}
    exec(ops["make_k_etc"]["source"]["code"], namespace)
    exec(code, namespace)
    assert namespace["make_out"](**namespace["make_k_etc"](k=2, radius=3.0)) == pytest.approx(
        2 * 3.141592653589793 * 9
    )


def test_module_state_changed_by_a_random_seed_fuses_writer_and_reader() -> None:
    records = history(
        ("import numpy as np", {}, {"np": (1, "module:numpy")}),
        ("np.random.seed(0)", {"np": 1}, {"np": (2, "module:numpy")}),
        ("x = np.random.rand(3)", {"np": 2}, {"np": (3, "module:numpy"), "x": 1}),
    )
    doc = reify(records, "x")
    ops = [n for n in doc["nodes"] if n["kind"] == "operation"]
    assert [n["id"] for n in ops] == ["make_x"]


@pytest.mark.parametrize(
    ("records", "target", "message"),
    [
        (history(("x = 1", {}, {"x": 1})), "nope", "no recorded cell wrote a variable named"),
        (
            history(("x = 1", {}, {"x": 1}), ("del x", {}, {"x": (2, "deleted")})),
            "x",
            r"was deleted by cell \[2\]",
        ),
        (history(("y = x", {"x": 1}, {"y": 1})), "y", "which no recorded cell of this kernel"),
        (
            history(
                ("import urllib.request", {}, {"urllib": (1, "module:urllib")}),
                ("page = urllib.request.urlopen(u)", {"urllib": 1}, {"page": 1}),
            ),
            "page",
            "gets data from the network",
        ),
        (
            history(("%store -r x\ny = x", {}, {"x": 1, "y": 1})),
            "y",
            r"line 1 \('%store -r x'\) runs %store -r x",
        ),
        (history(("y = _ + Out[3]", {}, {"y": 1})), "y", r"output history \(Out, _\)"),
    ],
)
def test_what_cannot_be_reified_is_refused_with_the_reason(records, target, message) -> None:
    with pytest.raises(ReifyError, match=message):
        reify(records, target)


def test_a_value_depending_on_an_errored_cell_is_refused() -> None:
    records = history(("a = 1\nraise ValueError", {}, {"a": 1}), ("b = a", {"a": 1}, {"b": 1}))
    records[0]["status"] = "error"
    with pytest.raises(ReifyError, match=r"cell \[1\].*raised an error"):
        reify(records, "b")


def test_a_file_that_no_longer_exists_is_refused(tmp_path: Path) -> None:
    records = history(("t = open('gone.txt').read()", {}, {"t": (1, "str")}))
    records[0]["filesRead"] = [{"path": str(tmp_path / "gone.txt"), "hash": "sha256:00"}]
    with pytest.raises(ReifyError, match="gone.txt.*no longer exists"):
        reify(records, "t")


def test_a_file_changed_since_it_was_read_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("new")
    records = history(("t = open('data.txt').read()", {}, {"t": (1, "str")}))
    records[0]["filesRead"] = [{"path": str(tmp_path / "data.txt"), "hash": "sha256:00"}]
    with pytest.raises(ReifyError, match="changed since"):
        reify(records, "t")


def test_a_file_becomes_an_input_and_its_literal_the_parameter(tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("hello")
    records = history(("t = open('data.txt').read().upper()", {}, {"t": (1, "str")}))
    records[0]["filesRead"] = [{"path": str(tmp_path / "data.txt"), "hash": None}]
    doc = reify(records, "t")
    inputs = [n for n in doc["nodes"] if n["kind"] == "input"]
    assert inputs == [
        {
            "id": "input_data_txt",
            "kind": "input",
            "name": "data_txt",
            "source": str(tmp_path / "data.txt"),
            "position": inputs[0]["position"],
        }
    ]
    code = next(n for n in doc["nodes"] if n["kind"] == "operation")["operation"]["source"]
    assert "open(data_txt)" in code["code"]


def test_slicing_is_linear_in_history_length() -> None:
    # 20,000 records: each reads the previous version; a quadratic walk would time out here.
    n = 20_000
    records = history(
        ("x = 0", {}, {"x": 1}),
        *(("x = x + 1", {"x": i}, {"x": i + 1}) for i in range(1, n)),
    )
    assert len(slice_history(records, "x").records) == n


def test_describe_names_the_cell_by_its_number_and_first_line() -> None:
    record = {"id": "s-1", "executionCount": 3, "cellId": "c", "code": "# load\ndf = load()\n"}
    assert describe(record) == "cell [3] `df = load()` (s-1, cell id c)"
