"""Two hub users on one store: each sees, changes and reifies only what is their own.

Every route of the server extension that takes an id is walked (the table is read from
``routes()``, so a route added later is covered or fails here until it is): another user's
id is answered exactly like an id that does not exist, the owner's own id is served.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import tornado
from forgelab.provenance.headless import KernelRun
from forgelab.store import Store
from forgelab.store.models import ArtifactRow, ExecutionRow, ProvenanceRow
from forgelab.testing.routes import http_requests
from sqlalchemy import select

from .conftest import HubUsers, as_user, call, finished, hub_user, input_pipeline, sum_pipeline

NOTEBOOK = "work/nb.ipynb"
ALICE_CELLS = ("secret = 42", "alice_only = secret + 1")
BOB_CELLS = ("mine = 7",)
IDENT = "([A-Za-z0-9_.-]+)"


@pytest.fixture(scope="module")
def histories(store_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Alice's and Bob's kernels recorded cells of a notebook with the same path."""
    for user, cells in (("alice", ALICE_CELLS), ("bob", BOB_CELLS)):
        with hub_user(user):
            run = KernelRun(
                cwd=tmp_path_factory.mktemp(user), store_url=store_url, notebook=NOTEBOOK
            )
            run.start()
        try:
            for number, code in enumerate(cells):
                run.execute(code, cell_id=f"{user}-{number}", raise_on_error=True)
            run.flush()
        finally:
            run.stop()
    return store_url


@pytest.fixture
def jp_server_config(jp_server_config, histories) -> Iterator[dict[str, Any]]:  # noqa: F811
    with hub_user("alice"):
        yield {
            **jp_server_config,
            "ServerApp": {
                **jp_server_config.get("ServerApp", {}),
                "identity_provider_class": HubUsers,
            },
            "ForgeLabConfig": {"store_url": histories},
        }


def id_requests(ids: dict[str, str]) -> list[tuple[str, str, str]]:
    """(method, path, handler) of every route naming a user's record, ``ids`` filled in."""
    by_segment = {"executions": ids["execution"], "jobs": ids["job"], "artifacts": ids["artifact"]}

    def naming_a_record(route: str) -> bool:
        # adapters/... names an adapter of the server's configuration, not a user's record
        return IDENT in route and not route.startswith("adapters/")

    found = [
        (method, path, handler.__name__)
        for method, path, _route, handler in http_requests(by_segment.__getitem__, naming_a_record)
    ]
    # Reading before changing: the owner's own DELETE comes last.
    return sorted(found, key=lambda r: (r[0] != "GET", r[0] == "DELETE", r[1]))


def same_answer(answer: tuple[int, Any], missing: tuple[int, Any], ids: dict[str, str]) -> bool:
    """Whether two answers are the same once the ids they name are set aside."""
    if answer[0] != missing[0] or not isinstance(answer[1], dict):
        return False
    text = answer[1].get("message", "")
    for name, value in ids.items():
        text = text.replace(value, f"<{name}>")
    other = missing[1].get("message", "")
    for name in ids:
        other = other.replace(f"missing-{name}", f"<{name}>")
    return text == other and set(answer[1]) == set(missing[1])


async def run_sum(jp_fetch: Any, user: str) -> dict[str, Any]:
    code, execution = await call(
        jp_fetch, user, "executions", method="POST", body={"pipeline": sum_pipeline()}
    )
    assert code == 201, execution
    done = await finished(jp_fetch, user, execution["id"])
    assert done["status"] == "succeeded", done["jobs"]
    return done


@pytest.mark.slow
async def test_every_endpoint_answers_another_users_ids_as_missing(
    jp_fetch, jp_ws_fetch, histories
) -> None:
    alice_run = await run_sum(jp_fetch, "alice")
    bob_run = await run_sum(jp_fetch, "bob")
    assert (alice_run["owner"], bob_run["owner"]) == ("alice", "bob")

    # lists hold only the caller's own records
    for user, own in (("alice", alice_run), ("bob", bob_run)):
        _, listed = await call(jp_fetch, user, "executions")
        assert [e["id"] for e in listed["executions"]] == [own["id"]]
        _, artifacts = await call(jp_fetch, user, "artifacts")
        assert {a["execution"] for a in artifacts["artifacts"]} == {own["id"]}
        assert len(artifacts["artifacts"]) == 3
    _, records = await call(
        jp_fetch, "alice", "provenance", "records", params={"notebook": NOTEBOOK}
    )
    assert [r["code"] for r in records["records"]] == list(ALICE_CELLS)
    _, records = await call(jp_fetch, "bob", "provenance", "records", params={"notebook": NOTEBOOK})
    assert [r["code"] for r in records["records"]] == list(BOB_CELLS)

    # what the store holds: every artifact and record belongs to its execution's owner
    store = Store(histories)
    try:
        with store.transaction() as s:
            owners = dict(s.execute(select(ExecutionRow.id, ExecutionRow.owner)).all())
            for artifact in s.scalars(select(ArtifactRow)):
                assert artifact.owner == owners[artifact.execution], artifact.id
            for row in s.scalars(select(ProvenanceRow).where(ProvenanceRow.kind == "job")):
                assert row.owner == owners[row.record["job"]["execution"]], row.id
            cell_owners = {
                row.record["code"]: row.owner
                for row in s.scalars(select(ProvenanceRow).where(ProvenanceRow.kind == "cell"))
            }
        assert cell_owners == {
            **dict.fromkeys(ALICE_CELLS, "alice"),
            **dict.fromkeys(BOB_CELLS, "bob"),
        }
    finally:
        store.close()

    make = alice_run["jobs"][0]
    ids = {
        "execution": alice_run["id"],
        "job": make["id"],
        "artifact": make["outputs"]["numbers"]["id"],
    }
    missing = {name: f"missing-{name}" for name in ids}
    requests = id_requests(ids)
    assert {handler for _, _, handler in requests} >= {
        "ExecutionHandler",
        "ExecutionActionHandler",
        "JobCancelHandler",
        "JobEventsHandler",
        "JobCodeHandler",
        "ArtifactHandler",
        "ArtifactReifyHandler",
    }

    for method, path, _handler in requests:
        body = {"from": "all"} if path.endswith("rerun") else None
        theirs = await call(jp_fetch, "bob", *path.split("/"), method=method, body=body)
        absent_path = path
        for name, value in ids.items():
            absent_path = absent_path.replace(value, missing[name])
        absent = await call(jp_fetch, "bob", *absent_path.split("/"), method=method, body=body)
        assert theirs[0] == 404, (method, path, theirs)
        assert same_answer(theirs, absent, ids), (method, path, theirs, absent)

    # nothing of Alice's changed, and Bob has nothing new
    _, listed = await call(jp_fetch, "alice", "executions")
    assert [e["id"] for e in listed["executions"]] == [alice_run["id"]]
    _, listed = await call(jp_fetch, "bob", "executions")
    assert [e["id"] for e in listed["executions"]] == [bob_run["id"]]

    # the events websocket refuses another user's execution like a missing one
    for execution in (alice_run["id"], "missing-execution"):
        with pytest.raises(tornado.httpclient.HTTPClientError) as refused:
            await jp_ws_fetch(
                "forgelab", "api", "events", params={"execution": execution}, headers=as_user("bob")
            )
        assert refused.value.code == 404
    socket = await jp_ws_fetch(
        "forgelab", "api", "events", params={"execution": alice_run["id"]}, headers=as_user("alice")
    )
    first = tornado.escape.json_decode(await socket.read_message())
    assert first["data"]["status"] == "succeeded"
    socket.close()

    # the owner is served on every one of the same requests
    for method, path, _handler in requests:
        body = {"from": "all"} if path.endswith("rerun") else None
        code, answer = await call(jp_fetch, "alice", *path.split("/"), method=method, body=body)
        if path.endswith("/resume"):
            # a succeeded execution has nothing to resume: refused for that reason, not as missing
            assert code == 400 and "nothing to resume" in answer["message"], answer
        else:
            assert code in (200, 201, 204), (method, path, code, answer)
        if path.endswith("/rerun"):
            rerun = await finished(jp_fetch, "alice", answer["id"])
            assert rerun["owner"] == "alice" and rerun["status"] == "succeeded"
    code, _ = await call(jp_fetch, "alice", "executions", alice_run["id"])
    assert code == 404  # deleted by its owner, last


async def test_another_users_artifact_cannot_be_read_as_an_input(jp_fetch) -> None:
    alice_run = await run_sum(jp_fetch, "alice")
    numbers = alice_run["jobs"][0]["outputs"]["numbers"]
    for source in (numbers["id"], numbers["uri"]):
        code, execution = await call(
            jp_fetch, "bob", "executions", method="POST", body={"pipeline": input_pipeline(source)}
        )
        # refused at submit, exactly like a source that names nothing
        assert code == 400, execution
        assert "numbers: source: " in execution["message"], execution
        assert "is neither a file nor a known artifact" in execution["message"], execution
    code, execution = await call(
        jp_fetch,
        "alice",
        "executions",
        method="POST",
        body={"pipeline": input_pipeline(numbers["id"])},
    )
    done = await finished(jp_fetch, "alice", execution["id"])
    assert done["status"] == "succeeded", done["jobs"]


async def test_a_notebook_value_is_reified_only_from_its_owners_history(
    jp_fetch, jp_root_dir
) -> None:
    (jp_root_dir / "work").mkdir(exist_ok=True)
    body = {"notebook": NOTEBOOK, "target": "alice_only"}
    code, answer = await call(jp_fetch, "bob", "provenance", "reify", method="POST", body=body)
    assert code == 400 and "alice_only" in answer["message"], answer
    assert not (jp_root_dir / "work" / "alice_only.pipeline.json").exists()
    code, answer = await call(jp_fetch, "alice", "provenance", "reify", method="POST", body=body)
    assert code == 201, answer
    codes = [
        n["operation"].get("code", "") for n in answer["pipeline"]["nodes"] if "operation" in n
    ]
    assert "mine = 7" not in "".join(codes)
