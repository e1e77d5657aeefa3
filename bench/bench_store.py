"""Concurrent submissions of two users on a shared PostgreSQL store against SQLite, same run.

Two processes (users alice and bob), each with its own Store and Orchestrator on the same store,
submit SUBMISSIONS/2 one-job pipelines each at the same moment (local compute adapter), then wait
for all of them to finish. Measured per backend:
- submissions/s: all submissions over the time from the common start to the last ``submit``
  returned (each ``submit`` writes the execution and its job in one transaction);
- p95 time from a ``submit`` call to the first event of its job stored in the store (the job's
  first status change; every event is written to the store before anyone hears of it), also
  for one user alone on SQLite (each process warms up as the server does when it starts);
- wall time until every execution has succeeded;
- the store alone: STORE_ONLY executions with a job and EVENTS events each, written the same
  way by two processes, per second (what the store costs without jobs, adapters and imports).
Prints both, and the PostgreSQL / SQLite ratio (PostgreSQL from ``forgelab.testing.postgres``,
local, fsync off; SQLite in a temporary folder, WAL).
Run: ``python bench/bench_store.py [SUBMISSIONS]``
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

USERS = ("alice", "bob")
STORE_ONLY = 100
EVENTS = 5
CODE = "def nothing(*, value: int = 1):\n    return value\n"


async def _worker(url: str, user: str, count: int, folder: Path) -> dict:
    from forgelab.executions import Orchestrator
    from forgelab.executions.orchestrator import warm_up
    from forgelab.operations.introspect import describe
    from forgelab.store import Store

    warm_up()  # as the server does when it starts
    namespace: dict = {}
    exec(CODE, namespace)
    doc = {
        "format": "forgelab.pipeline",
        "version": 1,
        "nodes": [
            {
                "id": "n",
                "kind": "operation",
                "operation": describe(namespace["nothing"], op_id="nothing", code=CODE),
            }
        ],
        "connections": [],
    }
    root = folder / user
    root.mkdir()
    store = Store(url)
    orchestrator = Orchestrator(
        store, root=root, owner=user, compute_configs={"local": {"capacity": 4}}
    )
    first_event: dict[str, float] = {}

    def listener(message: dict) -> None:
        if message.get("job") and message["execution"] not in first_event:
            first_event[message["execution"]] = time.time()

    orchestrator.subscribe(None, listener)
    (folder / f"ready-{user}").touch()
    while not (folder / "go").exists():
        await asyncio.sleep(0.001)
    start = float((folder / "go").read_text())
    submitted: dict[str, float] = {}
    for _ in range(count):
        called = time.time()
        execution = await orchestrator.submit(doc)
        submitted[execution["id"]] = called
    last_submit = time.time()
    finals = [await orchestrator.wait(e) for e in submitted]
    done = time.time()
    await orchestrator.close()
    store.close()
    assert all(f["status"] == "succeeded" for f in finals), [f["status"] for f in finals]
    return {
        "start": start,
        "last_submit": last_submit,
        "done": done,
        "latencies": [first_event[e] - t for e, t in submitted.items()],
    }


def _store_worker(url: str, user: str, count: int, folder: Path) -> dict:
    """The store's share alone: ``count`` executions with a job and EVENTS events each."""
    from forgelab.store import Store, now

    store = Store(url)
    (folder / f"ready-{user}").touch()
    while not (folder / "go").exists():
        time.sleep(0.001)
    start = float((folder / "go").read_text())
    for i in range(count):
        execution = f"{user}-{i}"
        store.create_execution(
            {
                "id": execution,
                "owner": user,
                "status": "pending",
                "pipeline": {"nodes": []},
                "compute": "local",
                "storage": "local",
                "created_at": now(),
                "settings": {},
            },
            [
                {
                    "id": f"{execution}-j",
                    "position": 0,
                    "node": "n",
                    "status": "pending",
                    "attempt": 1,
                    "compute": "local",
                    "outputs": {},
                }
            ],
        )
        for n in range(EVENTS):
            store.add_event(f"{execution}-j", execution, "stdout", f"line {n}")
    done = time.time()
    store.close()
    return {"start": start, "last_submit": done, "done": done, "latencies": []}


def _measure(url: str, total: int, mode: str = "--worker", users: tuple[str, ...] = USERS) -> dict:
    """Run one process per user on ``url``; return submissions/s, p95 latency, wall time."""
    from forgelab.store import Store

    Store(url).close()  # the schema exists before the clock starts
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        workers = [
            subprocess.Popen(
                [sys.executable, __file__, mode, url, user, str(total // len(users)), name],
                stdout=subprocess.PIPE,
                text=True,
            )
            for user in users
        ]
        while not all((folder / f"ready-{u}").exists() for u in users):
            if any(w.poll() is not None for w in workers):
                raise SystemExit("a worker died before starting")
            time.sleep(0.01)
        (folder / "go.tmp").write_text(repr(time.time()))
        (folder / "go.tmp").rename(folder / "go")
        results = []
        for worker in workers:
            out, _ = worker.communicate(timeout=600)
            if worker.returncode:
                raise SystemExit(f"a worker failed (exit {worker.returncode})")
            results.append(json.loads(out.strip().splitlines()[-1]))
    start = min(r["start"] for r in results)
    latencies = sorted(x for r in results for x in r["latencies"])
    return {
        "rate": total / (max(r["last_submit"] for r in results) - start),
        "p95": statistics.quantiles(latencies, n=20, method="inclusive")[-1] if latencies else 0,
        "wall": max(r["done"] for r in results) - start,
    }


def main(total: int = 20) -> None:
    from forgelab.testing.postgres import PostgresServer

    with tempfile.TemporaryDirectory() as name:
        alone = _measure(f"sqlite:///{Path(name) / 'one.db'}", total // 2, users=USERS[:1])
        sqlite = _measure(f"sqlite:///{Path(name) / 'store.db'}", total)
        sqlite_store = _measure(f"sqlite:///{Path(name) / 'alone.db'}", STORE_ONLY, "--store")
    with PostgresServer(database="bench") as server:
        postgres = _measure(server.url, total)
        postgres_store = _measure(server.create_database("alone"), STORE_ONLY, "--store")
    print(
        f"one user, {total // 2} submissions, SQLite: p95 submit→first event "
        f"{alone['p95'] * 1000:.1f} ms (goal < 250 ms); two users: "
        f"{sqlite['p95'] / alone['p95']:.2f}x that (goal < 500 ms)"
    )
    print(f"submissions: {total} ({total // 2} per user, 2 users in 2 processes), local adapter")
    print(f"{'':12} {'submissions/s':>14} {'p95 submit→first event':>24} {'all done':>10}")
    for label, m in (("SQLite", sqlite), ("PostgreSQL", postgres)):
        print(f"{label:12} {m['rate']:14.1f} {m['p95'] * 1000:21.1f} ms {m['wall']:8.1f} s")
    print(
        f"ratio PostgreSQL/SQLite: submissions/s {postgres['rate'] / sqlite['rate']:.2f}, "
        f"p95 latency {postgres['p95'] / sqlite['p95']:.2f}, "
        f"all done {postgres['wall'] / sqlite['wall']:.2f}"
    )
    print(
        f"store alone ({STORE_ONLY} executions with a job and {EVENTS} events each, 2 processes):"
        f" SQLite {sqlite_store['rate']:.1f}/s, PostgreSQL {postgres_store['rate']:.1f}/s, "
        f"ratio {postgres_store['rate'] / sqlite_store['rate']:.2f}"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("--worker", "--store"):
        url, user, count, folder = sys.argv[2:6]
        if sys.argv[1] == "--worker":
            result = asyncio.run(_worker(url, user, int(count), Path(folder)))
        else:
            result = _store_worker(url, user, int(count), Path(folder))
        print(json.dumps(result), flush=True)
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
