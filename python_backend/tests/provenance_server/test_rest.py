"""``provenance/records``, ``provenance/reify`` and ``artifacts/{id}/reify`` on a real server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from .conftest import FIRST_SESSION, NOTEBOOK, SECOND_SESSION


async def fetch_json(jp_fetch: Any, *parts: str, **kwargs: Any) -> Any:
    response = await jp_fetch("forgelab", "api", *parts, **kwargs)
    return json.loads(response.body)


async def fails(jp_fetch: Any, *parts: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("forgelab", "api", *parts, **kwargs)
    return caught.value.code, json.loads(caught.value.response.body)


def reify_body(**fields: Any) -> str:
    return json.dumps({"notebook": NOTEBOOK, "lift": False, **fields})


def operation_codes(doc: dict[str, Any]) -> list[str]:
    return [n["operation"]["source"]["code"] for n in doc["nodes"] if n["kind"] == "operation"]


async def test_records_of_a_notebook_cover_every_kernel_session_in_order(jp_fetch):
    answer = await fetch_json(jp_fetch, "provenance", "records", params={"notebook": NOTEBOOK})
    records = answer["records"]
    assert [r["code"] for r in records] == [*FIRST_SESSION, *SECOND_SESSION]
    sessions = list(dict.fromkeys(r["session"] for r in records))
    assert len(sessions) == 2
    assert [r["cellId"] for r in records[:2]] == ["cell-0", "cell-1"]
    assert records[-2]["status"] == "error"


async def test_records_of_an_unknown_notebook_are_empty_and_a_missing_one_is_refused(jp_fetch):
    other = await fetch_json(jp_fetch, "provenance", "records", params={"notebook": "x.ipynb"})
    assert other["records"] == []
    code, body = await fails(jp_fetch, "provenance", "records")
    assert code == 400 and "notebook" in body["message"]
    code, body = await fails(jp_fetch, "provenance", "records", params={"notebook": "../x.ipynb"})
    assert code == 400 and "inside" in body["message"]


async def test_reify_writes_the_pipeline_next_to_the_notebook_without_overwriting(
    jp_fetch, notebook_folder: Path
):
    first = await fetch_json(
        jp_fetch, "provenance", "reify", method="POST", body=reify_body(target="c", lift=True)
    )
    assert first["path"] == "work/c.pipeline.json"
    saved = json.loads((notebook_folder / "c.pipeline.json").read_text())
    assert saved == first["pipeline"]
    # c = b + a read a at version 2 (a = 5); b came from the first a = 2.
    codes = "\n".join(operation_codes(saved))
    assert "b = a * 10" in codes and "c = b + a" in codes and "a = 7" not in codes
    attributes = [
        a["name"]
        for n in saved["nodes"]
        if n["kind"] == "operation"
        for a in n["operation"]["attributes"]
    ]
    assert "a" in attributes
    second = await fetch_json(
        jp_fetch, "provenance", "reify", method="POST", body=reify_body(target="c")
    )
    third = await fetch_json(
        jp_fetch, "provenance", "reify", method="POST", body=reify_body(target="c")
    )
    assert [second["path"], third["path"]] == ["work/c-1.pipeline.json", "work/c-2.pipeline.json"]
    assert json.loads((notebook_folder / "c.pipeline.json").read_text()) == first["pipeline"]


async def test_reading_records_and_reifying_never_build_the_orchestrator(
    jp_fetch, jp_serverapp, notebook_folder: Path
):
    service = jp_serverapp.web_app.settings["forgelab_service"]
    await fetch_json(jp_fetch, "provenance", "records", params={"notebook": NOTEBOOK})
    answer = await fetch_json(
        jp_fetch, "provenance", "reify", method="POST", body=reify_body(target="b")
    )
    assert (notebook_folder / "b.pipeline.json").is_file()
    await fetch_json(jp_fetch, "artifacts")
    code, _ = await fails(jp_fetch, "artifacts", "nope", "reify", method="POST", body="{}")
    assert code == 404 and answer["path"] == "work/b.pipeline.json"
    assert not service.has_orchestrator
    # Running a pipeline is what needs it.
    execution = await fetch_json(
        jp_fetch, "executions", method="POST", body=json.dumps({"path": answer["path"]})
    )
    assert service.has_orchestrator
    assert (await service.orchestrator().wait(execution["id"]))["status"] == "succeeded"


async def test_reify_an_older_version_and_an_explicit_path(jp_fetch, notebook_folder: Path):
    records = (await fetch_json(jp_fetch, "provenance", "records", params={"notebook": NOTEBOOK}))[
        "records"
    ]
    first_session = records[0]["session"]
    answer = await fetch_json(
        jp_fetch,
        "provenance",
        "reify",
        method="POST",
        body=reify_body(target="a", version=1, session=first_session, path="work/first_a"),
    )
    assert answer["path"] == "work/first_a.pipeline.json"
    assert operation_codes(answer["pipeline"]) and "a = 2" in operation_codes(answer["pipeline"])[0]
    latest = await fetch_json(
        jp_fetch, "provenance", "reify", method="POST", body=reify_body(target="a")
    )
    assert "a = 7" in operation_codes(latest["pipeline"])[0]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"target": "e"}, 400, "raised an error"),
        ({"target": "nothing_like_this"}, 400, "no recorded cell wrote"),
        ({"target": "a", "version": 99}, 400, "version 99"),
        ({"target": "not a name"}, 400, "not a Python variable name"),
        ({"target": "c", "notebook": "other.ipynb"}, 400, "no provenance is recorded"),
        ({"target": "c", "path": "../outside.pipeline.json"}, 400, "inside"),
        ({"target": "c", "path": "missing/dir/c.pipeline.json"}, 400, "does not exist"),
        ({"target": "c", "version": "2"}, 400, "/version: expected integer"),
        ({"target": "c", "lift": "yes"}, 400, "/lift: expected boolean"),
        ({"target": "c", "allowNetwork": "yes"}, 400, "/allowNetwork: expected boolean"),
        ({"target": "u"}, 400, "allow-network"),
        ({"notebook": None, "target": "c"}, 400, "required"),
    ],
)
async def test_values_that_cannot_be_reified_get_the_reason(
    jp_fetch, notebook_folder: Path, body: dict[str, Any], status: int, words: str
):
    code, answer = await fails(
        jp_fetch, "provenance", "reify", method="POST", body=reify_body(**body)
    )
    assert code == status
    assert words in answer["message"]
    assert not list(notebook_folder.glob("*.pipeline.json"))


async def test_allow_network_keeps_a_cell_that_gets_data_from_the_network(
    jp_fetch, notebook_folder: Path
):
    answer = await fetch_json(
        jp_fetch,
        "provenance",
        "reify",
        method="POST",
        body=reify_body(target="u", allowNetwork=True),
    )
    assert any("urllib.parse.quote" in code for code in operation_codes(answer["pipeline"]))
    records = (await fetch_json(jp_fetch, "provenance", "records", params={"notebook": NOTEBOOK}))[
        "records"
    ]
    (network,) = [r["id"] for r in records if r["code"].startswith("import urllib")]
    code, refused = await fails(
        jp_fetch, "provenance", "reify", method="POST", body=reify_body(record=network)
    )
    assert code == 400 and "network" in refused["message"]
    cell = await fetch_json(
        jp_fetch,
        "provenance",
        "reify",
        method="POST",
        body=reify_body(record=network, allowNetwork=True),
    )
    assert cell["record"] == network


async def test_a_body_that_is_not_an_object_is_refused(jp_fetch):
    code, answer = await fails(jp_fetch, "provenance", "reify", method="POST", body="[1, 2]")
    assert code == 400 and "/: expected object" in answer["message"]
    code, answer = await fails(jp_fetch, "provenance", "reify", method="POST", body="{oops")
    assert code == 400 and "not valid JSON" in answer["message"]


@pytest.mark.slow
async def test_reify_an_artifact_keeps_only_what_produced_it(
    jp_fetch, jp_serverapp, notebook_folder: Path
):
    reified = await fetch_json(
        jp_fetch, "provenance", "reify", method="POST", body=reify_body(target="c")
    )
    execution = await fetch_json(
        jp_fetch, "executions", method="POST", body=json.dumps({"path": reified["path"]})
    )
    orchestrator = jp_serverapp.web_app.settings["forgelab_service"].orchestrator()
    final = await orchestrator.wait(execution["id"])
    assert final["status"] == "succeeded", final
    # The job that computed b: upstream of it is only the cell that set a = 2.
    job = next(j for j in final["jobs"] if "b" in (j.get("outputs") or {}))
    artifact = job["outputs"]["b"]
    answer = await fetch_json(
        jp_fetch, "artifacts", artifact["id"], "reify", method="POST", body="{}"
    )
    assert answer["path"] == "work/b.pipeline.json"
    doc = answer["pipeline"]
    assert json.loads((notebook_folder / "b.pipeline.json").read_text()) == doc
    kinds = sorted(n["kind"] for n in doc["nodes"])
    assert kinds == ["operation", "operation", "output"]
    assert all("c = b + a" not in code for code in operation_codes(doc))
    output = next(n for n in doc["nodes"] if n["kind"] == "output")
    assert {"node": job["node"], "port": "b"} in [
        c["source"] for c in doc["connections"] if c["target"]["node"] == output["id"]
    ]
    assert doc["metadata"]["reifiedFrom"]["artifact"] == artifact["id"]
    # The slice runs and gives the same bytes.
    again = await fetch_json(
        jp_fetch, "executions", method="POST", body=json.dumps({"path": answer["path"]})
    )
    rerun = await orchestrator.wait(again["id"])
    assert rerun["status"] == "succeeded", rerun
    same = next(j for j in rerun["jobs"] if j["node"] == job["node"])
    assert same["outputs"]["b"]["hash"] == artifact["hash"]


async def test_reify_of_an_unknown_artifact_is_a_404(jp_fetch):
    code, answer = await fails(jp_fetch, "artifacts", "nope", "reify", method="POST", body="{}")
    assert code == 404 and "no artifact 'nope'" in answer["message"]
