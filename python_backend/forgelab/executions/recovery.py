"""Recovery: after a restart, follow the jobs that still run or mark their executions
``interrupted``; :meth:`Recovery.resume` runs again what an interrupted execution left.
"""

from __future__ import annotations

from typing import Any

from ..store import now
from .core import INTERRUPTED
from .errors import ExecutionError
from .scheduling import Scheduler


class Recovery(Scheduler):
    """Continue or resume what a previous server left."""

    async def resume(self, execution_id: str) -> dict[str, Any]:
        """Run again, in the same execution, every job of an interrupted execution not succeeded."""
        execution = self.get(execution_id)
        if execution_id in self._drivers:
            raise ExecutionError(f"execution {execution_id} is running")
        if execution["status"] not in ("interrupted", "failed", "cancelled"):
            raise ExecutionError(
                f"execution {execution_id} is {execution['status']}; nothing to resume"
            )
        row = self.store.execution_row(execution_id)
        assert row is not None
        self._check_files(row.pipeline, row.pipeline_path)
        for job in self.store.job_rows(execution_id):
            if job.status != "succeeded":
                self._cancelled_jobs.discard(job.id)
                self._set_job(
                    execution_id,
                    job.id,
                    "pending",
                    attempt=(job.attempt or 1) + 1,
                    error=None,
                    handle=None,
                    queued_at=None,
                    started_at=None,
                    ended_at=None,
                )
        self._start(execution_id)
        return self.get(execution_id)

    async def recover(self, *, resume: bool = True) -> list[str]:
        """After a restart: continue the executions left pending or running.

        Jobs still running are followed again; when one cannot be, its execution ends
        ``interrupted`` (resumable). With ``resume=False`` they are all marked interrupted.
        """
        # A store shared by several users' servers: each server takes up only its own user's.
        ids = self.store.execution_ids(statuses=("pending", "running"), owner=self.owner)
        for execution_id in ids:
            if execution_id in self._drivers:
                continue
            if resume:
                self._start(execution_id)
                continue
            for job in self.store.job_rows(execution_id):
                if job.status in ("running", "queued"):
                    self._set_job(
                        execution_id,
                        job.id,
                        "cancelled",
                        ended_at=now(),
                        error={"message": INTERRUPTED},
                    )
            self._set_execution(execution_id, "interrupted", ended_at=now(), error=INTERRUPTED)
        return ids
