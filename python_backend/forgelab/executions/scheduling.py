"""Scheduling: start every job whose upstream jobs succeeded, at most the adapter's capacity at
once; skip the jobs downstream of a failure or cancel; end the execution with one status.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from ..store import now
from . import graph
from .core import INTERRUPTED, cancelled_before_start
from .running import JobRunner

#: Jobs cancelled or skipped that are written in one transaction, between two answers to others.
ENDED_BATCH = 100


class Scheduler(JobRunner):
    """Drives each execution in its own task, in dependency order."""

    def _start(self, execution_id: str, queued: frozenset[str] | set[str] = frozenset()) -> None:
        """Drive an execution; ``queued``: jobs its submission queued (to hand to the adapter,
        where a job found queued otherwise was never handed to it before a restart)."""
        task = asyncio.ensure_future(self._drive(execution_id, queued))
        self._drivers[execution_id] = task
        task.add_done_callback(lambda _t: self._drivers.pop(execution_id, None))

    async def wait(self, execution_id: str) -> dict[str, Any]:
        """Wait until the execution ends; returns its final JSON."""
        task = self._drivers.get(execution_id)
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(task)
        return self.get(execution_id)

    # -- the driving loop ------------------------------------------------------------------
    async def _drive(
        self, execution_id: str, queued: frozenset[str] | set[str] = frozenset()
    ) -> None:
        row = self.store.execution_row(execution_id)
        assert row is not None
        doc = row.pipeline
        jobs = {j.id: j for j in self.store.job_rows(execution_id)}
        by_node = {j.node: j.id for j in jobs.values()}
        feeding = graph.feeders(doc)
        upstream = {
            j.id: {by_node[n] for n in feeding.get(j.node, ()) if n in by_node}
            for j in jobs.values()
        }
        status = {j.id: j.status for j in jobs.values()}
        if row.status != "running":
            self._set_execution(
                execution_id, "running", started_at=row.started_at or now(), ended_at=None
            )
        running: dict[asyncio.Task[str], str] = {}
        interrupted = False
        for job in jobs.values():
            if job.status == "running":
                running[asyncio.ensure_future(self._follow_job(execution_id, job.id))] = job.id
            elif job.status == "queued" and job.id in queued:
                running[asyncio.ensure_future(self._run_job(execution_id, job.id))] = job.id
            elif job.status == "queued":  # never handed to the adapter: start it again
                status[job.id] = "pending"
                self.store.update_job(job.id, status="pending", attempt=(job.attempt or 1) + 1)
        try:
            while True:
                # Jobs cancelled or skipped in one pass are written in batches (one transaction
                # each), and the server answers other requests between batches.
                ended: list[tuple[str, str, dict[str, Any]]] = []
                for job_id in jobs:
                    if status[job_id] != "pending" or job_id in running.values():
                        continue
                    ups = upstream[job_id]
                    bad = [u for u in ups if status[u] in ("failed", "cancelled", "skipped")]
                    if self._cancel_asked(execution_id, job_id):
                        status[job_id] = "cancelled"
                        ended.append((job_id, "cancelled", cancelled_before_start()))
                    elif bad:
                        names = ", ".join(jobs[u].name or jobs[u].node for u in bad)
                        # The message says why; every display already shows the state before it.
                        why = f"upstream {_jobs_word(bad)} {names} did not succeed"
                        status[job_id] = "skipped"
                        ended.append(
                            (job_id, "skipped", {"ended_at": now(), "error": {"message": why}})
                        )
                    elif all(status[u] == "succeeded" for u in ups):
                        status[job_id] = "queued"
                        self._set_job(execution_id, job_id, "queued", queued_at=now())
                        running[asyncio.ensure_future(self._run_job(execution_id, job_id))] = job_id
                    if len(ended) >= ENDED_BATCH:
                        self._set_jobs(execution_id, ended)
                        ended = []
                        await asyncio.sleep(0)
                if ended:
                    self._set_jobs(execution_id, ended)
                if not running:
                    break
                done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    job_id = running.pop(task)
                    try:
                        status[job_id] = task.result()
                    except Exception as error:  # noqa: BLE001 - a bug must not leave the job running
                        status[job_id] = "failed"
                        self._set_job(
                            execution_id,
                            job_id,
                            "failed",
                            ended_at=now(),
                            error={
                                "message": "ForgeLab could not run the job: "
                                f"{type(error).__name__}: {error}"
                            },
                        )
                    if status[job_id] == "interrupted":
                        interrupted = True
                        status[job_id] = "cancelled"
        except asyncio.CancelledError:
            for task in running:
                task.cancel()
            raise
        final = set(status.values())
        if interrupted:
            result = "interrupted"
        elif final <= {"succeeded"}:
            result = "succeeded"
        elif execution_id in self._cancelled_executions or (
            "cancelled" in final and "failed" not in final
        ):
            result = "cancelled"
        else:
            result = "failed"
        failed = [jobs[j].name or jobs[j].node for j, s in status.items() if s == "failed"]
        error = (
            f"job {', '.join(failed)} failed" if failed else (INTERRUPTED if interrupted else None)
        )
        self._set_execution(execution_id, result, ended_at=now(), error=error)
        self._cancelled_executions.discard(execution_id)


def _jobs_word(ids: list[str]) -> str:
    """``job`` or ``jobs``, as many as ``ids``."""
    return "job" if len(ids) == 1 else "jobs"
