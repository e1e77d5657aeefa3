"""Two processes on one store at once: the first open, then submissions and events of two users."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from forgelab.store import Store, migrations
from forgelab.store.models import EventRow, ExecutionRow, JobRow
from sqlalchemy import func, inspect, select, text

EXECUTIONS = 8
EVENTS = 4
SHARED_EVENTS = 25

# Each worker opens the store when the test says go (both at the same moment, on a database
# with no tables yet), then, at the second go, writes EXECUTIONS executions of its user, each
# with EVENTS events, and SHARED_EVENTS events to one job both workers append to (one by one,
# then in batches of three).
WORKER = """
import sys, time
from pathlib import Path
from forgelab.store import Store
import alembic.command, alembic.script  # loaded now, so both opens start at the same moment

url, user, folder = sys.argv[1], sys.argv[2], Path(sys.argv[3])

def wait_for(name):
    while not (folder / name).exists():
        time.sleep(0.01)

(folder / f"ready-{user}").touch()
wait_for("open")
store = Store(url)
(folder / f"opened-{user}").touch()
wait_for("write")
for i in range(EXECUTIONS):
    execution = f"{user}-e{i}"
    store.create_execution(
        {"id": execution, "owner": user, "status": "pending", "pipeline": {"nodes": []},
         "compute": "local", "storage": "local", "created_at": f"2026-01-01T00:00:{i:02d}Z",
         "settings": {}},
        [{"id": f"{execution}-j", "position": 0, "node": "make", "status": "pending",
          "attempt": 1, "compute": "local", "outputs": {}}],
    )
    for n in range(EVENTS):
        store.add_event(f"{execution}-j", execution, "stdout", f"{user} {i} {n}")
    store.add_event("shared-j", "shared", "stdout", f"{user} {i}")
progress = [{"kind": "progress", "data": {"user": user, "n": n}}
            for n in range(SHARED_EVENTS - EXECUTIONS)]
for start in range(0, len(progress), 3):  # in batches, as a job's poll hands them over
    store.add_events("shared-j", "shared", progress[start : start + 3])
store.close()
"""


def _start_workers(url: str, folder: Path) -> list[subprocess.Popen[str]]:
    script = folder / "worker.py"
    script.write_text(
        f"EXECUTIONS, EVENTS, SHARED_EVENTS = {EXECUTIONS}, {EVENTS}, {SHARED_EVENTS}\n" + WORKER
    )
    return [
        subprocess.Popen(
            [sys.executable, str(script), url, user, str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for user in ("alice", "bob")
    ]


def _wait_for_both(folder: Path, workers: list[subprocess.Popen[str]], step: str) -> None:
    """Return once every worker has touched ``<step>-<user>`` (fail if one died first)."""
    for _ in range(12_000):
        if all((folder / f"{step}-{u}").exists() for u in ("alice", "bob")):
            return
        dead = [w for w in workers if w.poll() is not None]
        if dead:
            raise AssertionError(f"a worker exited early: {dead[0].communicate()[1]}")
        time.sleep(0.01)
    raise AssertionError(f"the workers never reached {step!r}")


@pytest.mark.slow
def test_two_processes_open_a_new_store_and_write_at_once(store_url: str, tmp_path: Path) -> None:
    workers = _start_workers(store_url, tmp_path)
    try:
        _wait_for_both(tmp_path, workers, "ready")
        (tmp_path / "open").touch()
        _wait_for_both(tmp_path, workers, "opened")
        # The job both workers append to exists once the store has its tables.
        store = Store(store_url)
        store.create_execution(
            {
                "id": "shared",
                "owner": "carol",
                "status": "running",
                "pipeline": {"nodes": []},
                "compute": "local",
                "storage": "local",
                "created_at": "2026-01-01T00:00:00Z",
                "settings": {},
            },
            [
                {
                    "id": "shared-j",
                    "position": 0,
                    "node": "n",
                    "status": "running",
                    "attempt": 1,
                    "compute": "local",
                    "outputs": {},
                }
            ],
        )
        (tmp_path / "write").touch()
    finally:
        results = [w.communicate(timeout=240) for w in workers]
    for worker, (_, err) in zip(workers, results, strict=True):
        assert worker.returncode == 0, err

    # one schema, created once
    assert migrations.current(store.engine) == migrations.HEAD
    assert {"executions", "jobs", "events", "artifacts", "provenance"} <= set(
        inspect(store.engine).get_table_names()
    )
    with store.engine.connect() as connection:
        versions = connection.execute(text("SELECT COUNT(*) FROM alembic_version")).scalar_one()
    assert versions == 1

    # every execution of each user, with its owner; lists per owner show only theirs
    with store.transaction() as s:
        owners = dict(s.execute(select(ExecutionRow.id, ExecutionRow.owner)).all())
        jobs = s.scalar(select(func.count()).select_from(JobRow))
        duplicates = s.execute(
            select(EventRow.job_id, EventRow.seq)
            .group_by(EventRow.job_id, EventRow.seq)
            .having(func.count() > 1)
        ).all()
    expected = {f"{u}-e{i}": u for u in ("alice", "bob") for i in range(EXECUTIONS)}
    assert owners == {**expected, "shared": "carol"}
    assert jobs == 2 * EXECUTIONS + 1
    assert duplicates == []
    for execution, user in expected.items():
        events, _ = store.events(f"{execution}-j")
        assert [e["seq"] for e in events] == list(range(EVENTS))
        assert [e["data"] for e in events] == [f"{user} {execution[-1]} {n}" for n in range(EVENTS)]

    # the job both appended to: every event kept, numbered 0..n-1 without a gap or repeat
    shared, following = store.events("shared-j")
    assert [e["seq"] for e in shared] == list(range(2 * SHARED_EVENTS))
    assert following == 2 * SHARED_EVENTS
    for user in ("alice", "bob"):
        lines = [e["data"] for e in shared if e["kind"] == "stdout" and e["data"].startswith(user)]
        assert lines == [f"{user} {i}" for i in range(EXECUTIONS)]
        progress = [
            e["data"]["n"] for e in shared if e["kind"] == "progress" and e["data"]["user"] == user
        ]
        assert progress == list(range(SHARED_EVENTS - EXECUTIONS))
    store.close()
