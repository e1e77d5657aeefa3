"""A cell's output (last expression or figure) reified and re-run; bad cells refused clearly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from forgelab.provenance import ReifyError
from forgelab.provenance.cells import cell_output, find_cell_record, reify_cell
from forgelab.provenance.reproduce import run_pipeline
from forgelab.store import Store
from tornado.httpclient import HTTPClientError

from .conftest import NOTEBOOK, RecordedNotebook


def operation_codes(doc: dict[str, Any]) -> str:
    return "\n".join(
        n["operation"]["source"]["code"] for n in doc["nodes"] if n["kind"] == "operation"
    )


def run(doc: dict[str, Any], folder: Path) -> tuple[Any, dict[str, Any], Store]:
    store = Store(f"sqlite:///{folder / 'executions.db'}")
    value, execution = run_pipeline(doc, root=folder, store=store)
    return value, execution, store


def test_the_output_of_an_expression_cell_is_reproduced(
    recorded: RecordedNotebook, tmp_path: Path
) -> None:
    records = recorded.records()
    doc = reify_cell(records, find_cell_record(records, cell_id="sum"))
    outputs = [n for n in doc["nodes"] if n["kind"] == "output"]
    assert [o["name"] for o in outputs] == ["output"]
    code = operation_codes(doc)
    assert "output = (ys.sum())" in code and "ys = xs ** 2" in code
    assert "unused" not in doc["name"] and doc["name"] == "reified cell [4]"
    assert doc["metadata"]["reifiedFrom"]["cell"] == "sum"
    value, _execution, store = run(doc, tmp_path)
    store.close()
    assert float(value) == recorded.expected_sum == 55.0


@pytest.mark.slow
def test_a_plot_cell_redraws_its_figure_when_the_pipeline_runs(
    recorded: RecordedNotebook, tmp_path: Path
) -> None:
    records = recorded.records()
    doc = reify_cell(records, find_cell_record(records, cell_id="plot"))
    assert doc["metadata"]["reifiedFrom"]["output"] == "figure"
    figure, execution, store = run(doc, tmp_path)
    try:
        assert figure.axes[0].get_title() == "squares"
        assert list(figure.axes[0].lines[0].get_ydata()) == [0.0, 1.0, 4.0, 9.0, 16.0, 25.0]
        last = next(j for j in execution["jobs"] if j["node"] == "make_output")
        events, _next = store.events(last["id"])
    finally:
        store.close()
    figures = [e for e in events if e["kind"] == "figure"]
    assert figures and figures[-1]["data"]["png"]


def test_the_latest_run_of_a_cell_is_chosen_and_a_record_id_works_too(
    recorded: RecordedNotebook,
) -> None:
    records = recorded.records()
    by_cell = find_cell_record(records, cell_id="square")
    assert by_cell["code"] == "ys = xs ** 2"
    assert find_cell_record(records, record_id=by_cell["id"]) is by_cell


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ({"cell_id": "nowhere"}, "no recorded run of cell 'nowhere'"),
        ({"record_id": "missing"}, "no provenance record 'missing'"),
        ({}, "name the cell"),
    ],
)
def test_an_unknown_cell_is_refused(
    recorded: RecordedNotebook, where: dict[str, str], reason: str
) -> None:
    with pytest.raises(ReifyError, match=reason):
        find_cell_record(recorded.records(), **where)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("broken", "raised an error, so it has no output"),
        ("quiet", "shows no output"),
        ("hidden", "shows no output"),
    ],
)
def test_a_cell_without_an_output_is_refused(
    recorded: RecordedNotebook, cell: str, reason: str
) -> None:
    records = recorded.records()
    with pytest.raises(ReifyError, match=reason):
        cell_output(find_cell_record(records, cell_id=cell), records)


# -- REST -------------------------------------------------------------------------------------


async def post_reify(jp_fetch: Any, **fields: Any) -> dict[str, Any]:
    body = json.dumps({"notebook": NOTEBOOK, "lift": False, **fields})
    response = await jp_fetch("forgelab", "api", "provenance", "reify", method="POST", body=body)
    assert response.code == 201
    return json.loads(response.body)


async def refused(jp_fetch: Any, **fields: Any) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as caught:
        await post_reify(jp_fetch, **fields)
    return caught.value.code, json.loads(caught.value.response.body)["message"]


async def test_rest_reifies_a_cell_output_into_a_file_named_after_the_cell(
    jp_fetch: Any, notebook_folder: Path
) -> None:
    answer = await post_reify(jp_fetch, cell="sum")
    assert answer["path"] == "work/cell-4.pipeline.json"
    assert json.loads((notebook_folder / "cell-4.pipeline.json").read_text()) == answer["pipeline"]
    again = await post_reify(jp_fetch, record=answer["record"])
    assert again["path"] == "work/cell-4-1.pipeline.json"
    assert again["record"] == answer["record"]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"cell": "nowhere"}, "no recorded run of cell 'nowhere'"),
        ({"record": "missing"}, "no provenance record 'missing'"),
        ({"cell": "broken"}, "raised an error"),
        ({"cell": "quiet"}, "shows no output"),
        ({"cell": 3}, "/cell: expected string"),
        ({}, "one of 'target', 'cell' or 'record'"),
    ],
)
async def test_rest_refuses_a_bad_cell_with_the_reason(
    jp_fetch: Any, notebook_folder: Path, fields: dict[str, Any], reason: str
) -> None:
    code, message = await refused(jp_fetch, **fields)
    assert code == 400
    assert reason in message
