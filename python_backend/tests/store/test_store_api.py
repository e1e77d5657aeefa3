"""Every Store method gives the same answers on SQLite and on PostgreSQL (psycopg)."""

from __future__ import annotations

from typing import Any

from forgelab import formats
from forgelab.store import Store

PIPELINE = {"format": "forgelab.pipeline", "version": 1, "nodes": [], "connections": []}


def _execution(execution_id: str, owner: str, created_at: str) -> dict[str, Any]:
    return {
        "id": execution_id,
        "name": f"run {execution_id}",
        "owner": owner,
        "status": "pending",
        "pipeline": PIPELINE,
        "pipeline_path": "sum.pipeline.json",
        "compute": "local",
        "storage": "local",
        "created_at": created_at,
        "settings": {"overrides": {"make.n": 5}, "timeout": None},
    }


def _job(job_id: str, position: int, node: str) -> dict[str, Any]:
    return {
        "id": job_id,
        "position": position,
        "node": node,
        "name": node.title(),
        "status": "pending",
        "attempt": 1,
        "compute": "local",
        "timeout": 2.5,
        "outputs": {},
    }


def _artifact(artifact_id: str, execution: str, job: str, record: str) -> dict[str, Any]:
    return {
        "id": artifact_id,
        "name": "numbers",
        "storage": "local",
        "uri": f"file:///store/{execution}/{job}/numbers",
        "size": 12,
        "hash": "sha256:" + "0" * 64,
        "serializer": "json",
        "type": "list",
        "created_at": "2026-01-01T00:00:02.000Z",
        "provenance": record,
        "execution": execution,
        "job": job,
    }


def _record(record_id: str, execution: str, job: str, inputs: dict[str, str]) -> dict[str, Any]:
    return {
        "format": "forgelab.provenance",
        "version": 1,
        "id": record_id,
        "kind": "job",
        "startedAt": "2026-01-01T00:00:01.000Z",
        "endedAt": "2026-01-01T00:00:02.000Z",
        "status": "ok",
        "job": {
            "execution": execution,
            "jobId": job,
            "operation": "make",
            "attributes": {"n": 5},
            "inputs": inputs,
        },
        "artifacts": [],
    }


def test_every_store_method_round_trips(store_url: str) -> None:
    store = Store(store_url)
    store.create_execution(
        _execution("e1", "alice", "2026-01-01T00:00:00.000Z"),
        [_job("j1", 0, "make"), _job("j2", 1, "total")],
    )
    store.create_execution(
        _execution("e2", "bob", "2026-01-01T00:00:09.000Z"), [_job("j3", 0, "make")]
    )

    store.update_execution("e1", status="running", started_at="2026-01-01T00:00:01.000Z")
    store.update_job("j1", status="running", handle='{"pid": 42}', directory="/jobs/j1")
    assert store.execution_row("e1").settings == {"overrides": {"make.n": 5}, "timeout": None}
    assert store.job_row("j1").handle == '{"pid": 42}' and store.job_row("j1").timeout == 2.5
    assert [j.id for j in store.job_rows("e1")] == ["j1", "j2"]
    assert store.execution_ids() == ["e1", "e2"]
    assert store.execution_ids(statuses=["running"]) == ["e1"]

    # events: sequence numbers per job, JSON data of any shape, stream offsets
    first = store.add_event("j1", "e1", "stdout", "making 5", stream="out", offset=10)
    assert first["seq"] == 0 and first["cursor"] > 0
    store.add_event("j1", "e1", "progress", {"n": 1, "total": 3}, stream="events", offset=5)
    store.add_event("j1", "e1", "metric", [1, 2.5, None])
    store.add_event("j1", "e1", "stdout", "done", stream="out", offset=30)
    store.add_event("j2", "e1", "status", {"status": "queued"})
    store.add_event("j1", "e1", "figure", None)
    events, following = store.events("j1", since=1)
    assert [(e["seq"], e["data"]) for e in events] == [
        (1, {"n": 1, "total": 3}),
        (2, [1, 2.5, None]),
        (3, "done"),
        (4, None),
    ]
    assert following == 5 and store.events("j1", since=5) == ([], 5)
    replay = store.execution_events("e1", since_id=first["cursor"])
    assert [(m["job"], m["seq"]) for _, m in replay] == [
        ("j1", 1),
        ("j1", 2),
        ("j1", 3),
        ("j2", 0),
        ("j1", 4),
    ]
    assert store.stream_offsets("j1") == {"out": 30, "events": 5}
    # a batch: one transaction, numbered on from the job's last event, in order
    batch = store.add_events(
        "j2",
        "e1",
        [
            {"kind": "stdout", "data": "a"},
            {"kind": "stdout", "data": "b", "stream": "o", "offset": 2},
        ],
    )
    assert [(e["job"], e["seq"], e["data"]) for e in batch] == [("j2", 1, "a"), ("j2", 2, "b")]
    assert first["cursor"] < batch[0]["cursor"] < batch[1]["cursor"]
    assert store.stream_offsets("j2") == {"o": 2}

    # artifacts and provenance
    upload = {**_record("p0", "e1", "j0", {}), "kind": "upload"}
    del upload["job"]
    store.add_provenance(upload)
    store.record_job_outputs(
        "j1",
        [_artifact("a1", "e1", "j1", "p1")],
        _record("p1", "e1", "j1", {"source": "p0"}),
        outputs={"numbers": "a1"},
        provenance="p1",
        status="succeeded",
    )
    store.record_job_outputs(
        "j2",
        [{**_artifact("a2", "e1", "j2", "p2"), "created_at": "2026-01-01T00:00:03.000Z"}],
        _record("p2", "e1", "j2", {"numbers": "p1"}),
        outputs={"result": "a2"},
        provenance="p2",
        status="succeeded",
    )
    assert store.get_artifact("a1")["uri"] == "file:///store/e1/j1/numbers"
    assert store.get_artifact("missing") is None
    assert store.find_artifact(uri="file:///store/e1/j2/numbers")["id"] == "a2"
    assert [a["id"] for a in store.list_artifacts()] == ["a2", "a1"]
    assert [a["id"] for a in store.list_artifacts(execution="e2")] == []
    assert store.get_provenance("p1")["job"]["inputs"] == {"source": "p0"}
    assert [r["id"] for r in store.provenance_chain("a2")] == ["p2", "p1", "p0"]

    # the execution as format JSON, valid, with outputs; listing newest first
    store.update_execution("e1", status="succeeded", ended_at="2026-01-01T00:00:04.000Z")
    execution = store.get_execution("e1")
    assert formats.issues("execution", execution) == []
    assert execution["jobs"][0]["outputs"]["numbers"]["id"] == "a1"
    assert [e["id"] for e in store.list_executions()] == ["e2", "e1"]
    assert [e["id"] for e in store.list_executions(status="succeeded")] == ["e1"]
    assert [e["id"] for e in store.list_executions(pipeline="other.pipeline.json")] == []
    assert [e["id"] for e in store.list_executions(owner="bob")] == ["e2"]

    # deleting an execution forgets its jobs and events, keeps artifacts and records
    assert store.delete_execution("e1") is True
    assert store.delete_execution("e1") is False
    assert store.get_execution("e1") is None and store.job_rows("e1") == []
    assert store.events("j1") == ([], 0) and store.execution_events("e1") == []
    assert store.get_artifact("a1") is not None and store.get_provenance("p1") is not None
    assert store.add_event("j3", "e2", "stdout", "still here")["seq"] == 0
    store.close()


def _cell(record_id: str, notebook: str, kind: str = "cell") -> dict[str, Any]:
    session = record_id.rpartition("-")[0]
    started = f"2026-01-01T00:00:0{record_id[-1]}.000Z"
    return {
        "id": record_id,
        "kind": kind,
        "startedAt": started,
        "session": session,
        "notebook": notebook,
        "code": f"x = {record_id[-1]}",
    }


def _ids(records: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in records]


def test_notebook_history_round_trips(store_url: str) -> None:
    """Cell and widget records come back in id (execution) order, by session, notebook and
    owner; a job's record is not history."""
    store = Store(store_url)
    store.add_history_records(
        [_cell("k2-0000002", "a.ipynb"), _cell("k1-0000001", "a.ipynb")], owner="alice"
    )
    store.add_history_records([_cell("k2-0000003", "b.ipynb", "widget")], owner="alice")
    store.add_history_records([_cell("k1-0000004", "a.ipynb")], owner="bob")
    store.add_history_records([])
    store.add_provenance({**_cell("p1-0000005", "a.ipynb"), "kind": "job"})

    assert _ids(store.history_records()) == ["k1-0000001", "k1-0000004", "k2-0000002", "k2-0000003"]
    assert _ids(store.history_records(session="k2")) == ["k2-0000002", "k2-0000003"]
    assert _ids(store.history_records(notebook="a.ipynb", owner="alice")) == [
        "k1-0000001",
        "k2-0000002",
    ]
    assert _ids(store.history_records(owner="bob")) == ["k1-0000004"]
    assert store.history_records(session="k2")[0]["code"] == "x = 2"
    assert store.get_provenance("k2-0000003", owner="alice")["kind"] == "widget"
    store.close()


def test_many_jobs_change_state_in_one_transaction(store_url: str) -> None:
    store = Store(store_url)
    store.create_execution(
        _execution("e1", "alice", "2026-01-01T00:00:00.000Z"),
        [_job("j1", 0, "make"), _job("j2", 1, "total"), _job("j3", 2, "plot")],
    )
    store.add_event("j2", "e1", "status", {"status": "queued"})
    events = store.update_jobs(
        "e1",
        [
            ("j2", {"status": "cancelled", "ended_at": "T2"}, {"kind": "status", "data": "c"}),
            ("j3", {"status": "skipped", "ended_at": "T3"}, {"kind": "status", "data": "s"}),
        ],
    )
    # numbered on from each job's own last event, in the order given
    assert [(e["job"], e["seq"], e["data"]) for e in events] == [("j2", 1, "c"), ("j3", 0, "s")]
    assert events[0]["cursor"] < events[1]["cursor"]
    assert [(j.status, j.ended_at) for j in store.job_rows("e1")] == [
        ("pending", None),
        ("cancelled", "T2"),
        ("skipped", "T3"),
    ]
    # an unknown job changes nothing, not even the jobs named before it
    try:
        store.update_jobs(
            "e1",
            [
                ("j1", {"status": "cancelled"}, {"kind": "status", "data": "c"}),
                ("nope", {"status": "cancelled"}, {"kind": "status", "data": "c"}),
            ],
        )
    except KeyError as error:
        assert "nope" in str(error)
    else:
        raise AssertionError("an unknown job was accepted")
    assert store.job_row("j1").status == "pending"
    assert store.events("j1") == ([], 0)
    assert store.update_jobs("e1", []) == []
