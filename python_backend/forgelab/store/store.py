"""The :class:`Store`: one committed transaction per state change, answers as format JSON."""

from __future__ import annotations

import datetime as dt
import os
import time as _time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import (
    ArgumentError,
    IntegrityError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.orm import Session, sessionmaker

from . import migrations
from .errors import StoreError
from .history import NotebookHistory
from .models import ArtifactRow, EventRow, ExecutionRow, JobRow, ProvenanceRow

FINAL_JOB_STATES = frozenset({"succeeded", "failed", "cancelled", "skipped"})
FINAL_EXECUTION_STATES = frozenset({"succeeded", "failed", "cancelled"})


def now() -> str:
    """The current UTC time as ISO 8601 (what every timestamp of the store holds)."""
    return (
        dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def default_url(root: str | os.PathLike[str]) -> str:
    """``sqlite:///<root>/.forgelab/forgelab.db`` (the folder is created)."""
    folder = Path(root).resolve() / ".forgelab"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'forgelab.db'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers never block the writer; a killed process leaves the last commit intact.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


_EVENT_RETRIES = 50
_JOB_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:job, 0))")


def _event_json(row: EventRow) -> dict[str, Any]:
    """A stored event as the API gives it; ``cursor`` orders events across jobs."""
    return {
        "job": row.job_id,
        "seq": row.seq,
        "kind": row.kind,
        "time": row.time,
        "data": row.data,
        "cursor": row.id,
    }


def _is_seq_conflict(error: Exception) -> bool:
    """A concurrent writer took the same (job, seq), or SQLite's snapshot went stale under us."""
    message = str(getattr(error, "orig", None) or error).lower()
    if isinstance(error, IntegrityError):
        return "unique" in message or "duplicate" in message
    return "database is locked" in message or "busy" in message


def open_engine(url: str) -> Engine:
    """A SQLAlchemy engine for the store at ``url`` (SQLite pragmas, PostgreSQL pre-ping).

    Connects lazily; a URL SQLAlchemy cannot use raises :class:`StoreError`.
    """
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url)
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        # A shared server outlives database restarts and idle timeouts: test pooled connections.
        # Every user's server and kernel holds its own pool; the store is used from one thread
        # at a time, so two idle connections each keep a hub within PostgreSQL's limit.
        return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=8)
    except ImportError as error:
        raise StoreError(
            f"the store URL {_masked(url)!r} needs a database driver that is not installed "
            f"({error}); for PostgreSQL: pip install 'forgelab[postgresql]'"
        ) from None
    except (ArgumentError, NoSuchModuleError) as error:
        raise StoreError(
            f"{_masked(url)!r} is not a usable store URL ({error}); expected e.g. "
            "sqlite:///path/forgelab.db or postgresql+psycopg://user:password@host:5432/database"
        ) from None


def _masked(url: str) -> str:
    try:
        return migrations.describe_url(url)
    except Exception:  # not even a URL: show no more than its host part
        return url.split("@")[-1]


@contextmanager
def reporting_connection_errors(engine: Engine) -> Iterator[None]:
    """Turn a failure to reach the database into a :class:`StoreError` that says what to check."""
    try:
        yield
    except (OperationalError, InterfaceError) as error:
        raise _unreachable(engine, error) from None


def _unreachable(engine: Engine, error: Exception) -> StoreError:
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    return StoreError(
        f"cannot open the store at {migrations.describe_url(engine)}: {reason}. Check the store "
        "URL (c.ForgeLabConfig.store_url, $FORGELAB_STORE_URL or --store) and that its database "
        "server is running."
    )


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


class Store(NotebookHistory):
    """Executions, jobs, events, artifacts and provenance records in one SQL database."""

    def __init__(self, url: str) -> None:
        """Open the store at ``url``, upgrading its schema to this ForgeLab's (see ``migrations``).

        Raises :class:`StoreError` when the database cannot be reached or was written by a newer
        ForgeLab.
        """
        self.url = url
        self.engine: Engine = open_engine(url)
        self._postgresql = self.engine.dialect.name == "postgresql"
        try:
            if not migrations.is_current(self.engine):
                migrations.upgrade(self.engine)
        except StoreError:
            self.engine.dispose()
            raise
        except (OperationalError, InterfaceError) as error:
            self.engine.dispose()
            raise _unreachable(self.engine, error) from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session committed on exit (rolled back on error)."""
        with self._sessions.begin() as session:
            yield session

    # -- executions and jobs ---------------------------------------------------------------
    def create_execution(self, execution: dict[str, Any], jobs: Iterable[dict[str, Any]]) -> None:
        """Insert an execution and its jobs together."""
        with self.transaction() as s:
            s.add(ExecutionRow(**execution))
            s.flush()
            for job in jobs:
                s.add(JobRow(execution_id=execution["id"], **job))

    def update_execution(self, execution_id: str, **fields: Any) -> None:
        with self.transaction() as s:
            row = s.get(ExecutionRow, execution_id)
            if row is None:
                raise KeyError(f"no execution {execution_id!r}")
            for key, value in fields.items():
                setattr(row, key, value)

    def update_job(self, job_id: str, **fields: Any) -> None:
        with self.transaction() as s:
            row = s.get(JobRow, job_id)
            if row is None:
                raise KeyError(f"no job {job_id!r}")
            for key, value in fields.items():
                setattr(row, key, value)

    def execution_row(self, execution_id: str) -> ExecutionRow | None:
        with self._sessions() as s:
            return s.get(ExecutionRow, execution_id)

    def job_row(self, job_id: str) -> JobRow | None:
        with self._sessions() as s:
            return s.get(JobRow, job_id)

    def job_rows(self, execution_id: str) -> list[JobRow]:
        with self._sessions() as s:
            query = (
                select(JobRow).where(JobRow.execution_id == execution_id).order_by(JobRow.position)
            )
            return list(s.scalars(query))

    def find_job(
        self, execution_id: str, job_id: str, *, owner: str | None = None
    ) -> JobRow | None:
        """Job ``job_id`` if it belongs to execution ``execution_id`` (of ``owner``), else None."""
        with self._sessions() as s:
            job = s.get(JobRow, job_id)
            if job is None or job.execution_id != execution_id:
                return None
            execution = s.get(ExecutionRow, execution_id)
            return job if execution is not None and _owned(execution, owner) else None

    def execution_ids(
        self, *, statuses: Iterable[str] | None = None, owner: str | None = None
    ) -> list[str]:
        """Ids of executions, oldest first (in ``statuses`` and of ``owner``, when given)."""
        with self._sessions() as s:
            query = select(ExecutionRow.id).order_by(ExecutionRow.created_at)
            if statuses is not None:
                query = query.where(ExecutionRow.status.in_(list(statuses)))
            if owner is not None:
                query = query.where(ExecutionRow.owner == owner)
            return list(s.scalars(query))

    def get_execution(
        self, execution_id: str, *, owner: str | None = None
    ) -> dict[str, Any] | None:
        """The execution as Execution JSON (execution.schema.json), or None.

        With ``owner``, another owner's execution is None too, exactly like a missing one.
        """
        with self._sessions() as s:
            row = s.get(ExecutionRow, execution_id)
            if row is None or not _owned(row, owner):
                return None
            jobs = list(
                s.scalars(
                    select(JobRow)
                    .where(JobRow.execution_id == execution_id)
                    .order_by(JobRow.position)
                )
            )
            ids = [a for j in jobs for a in (j.outputs or {}).values()]
            artifacts = {
                a.id: a for a in s.scalars(select(ArtifactRow).where(ArtifactRow.id.in_(ids)))
            }
            return self._execution_json(row, jobs, artifacts)

    def list_executions(
        self,
        *,
        pipeline: str | None = None,
        status: str | None = None,
        limit: int = 200,
        owner: str | None = None,
    ) -> list[dict[str, Any]]:
        """Executions, newest first, without their jobs' events (only ``owner``'s, if given)."""
        with self._sessions() as s:
            query = select(ExecutionRow.id).order_by(ExecutionRow.created_at.desc()).limit(limit)
            if owner is not None:
                query = query.where(ExecutionRow.owner == owner)
            if pipeline:
                query = query.where(ExecutionRow.pipeline_path == pipeline)
            if status:
                query = query.where(ExecutionRow.status == status)
            ids = list(s.scalars(query))
        return [e for e in (self.get_execution(i) for i in ids) if e is not None]

    def delete_execution(self, execution_id: str, *, owner: str | None = None) -> bool:
        """Forget an execution, its jobs and events (artifacts and provenance stay).

        False when there is no such execution (or, with ``owner``, it is someone else's).
        """
        with self.transaction() as s:
            row = s.get(ExecutionRow, execution_id)
            if row is None or not _owned(row, owner):
                return False
            s.execute(delete(EventRow).where(EventRow.execution_id == execution_id))
            s.execute(delete(JobRow).where(JobRow.execution_id == execution_id))
            s.execute(delete(ExecutionRow).where(ExecutionRow.id == execution_id))
            return True

    @staticmethod
    def _execution_json(
        row: ExecutionRow, jobs: list[JobRow], artifacts: dict[str, ArtifactRow]
    ) -> dict[str, Any]:
        data = {
            "format": "forgelab.execution",
            "version": 1,
            "id": row.id,
            "name": row.name,
            "owner": row.owner,
            "status": row.status,
            "pipeline": row.pipeline,
            "pipelinePath": row.pipeline_path,
            "compute": row.compute,
            "storage": row.storage,
            "createdAt": row.created_at,
            "startedAt": row.started_at,
            "endedAt": row.ended_at,
            "parent": row.parent,
            "error": row.error,
            "jobs": [],
        }
        data = {
            k: v for k, v in data.items() if v is not None or k in ("startedAt", "endedAt", "error")
        }
        for job in jobs:
            item = _drop_none(
                {
                    "id": job.id,
                    "node": job.node,
                    "name": job.name,
                    "status": job.status,
                    "attempt": job.attempt,
                    "compute": job.compute,
                    "handle": job.handle,
                    "timeout": job.timeout,
                    "queuedAt": job.queued_at,
                    "startedAt": job.started_at,
                    "endedAt": job.ended_at,
                    "error": job.error,
                }
            )
            outputs = {
                p: _artifact_json(artifacts[a])
                for p, a in (job.outputs or {}).items()
                if a in artifacts
            }
            if outputs:
                item["outputs"] = outputs
            data["jobs"].append(item)
        return data

    # -- events ----------------------------------------------------------------------------
    def add_event(
        self,
        job_id: str,
        execution_id: str,
        kind: str,
        data: Any,
        time: str | None = None,
        *,
        stream: str | None = None,
        offset: int | None = None,
    ) -> dict[str, Any]:
        """Append one event to a job's log with the next sequence number; returns it as JSON."""
        event = {"kind": kind, "data": data, "time": time, "stream": stream, "offset": offset}
        return self.add_events(job_id, execution_id, [event])[0]

    def add_events(
        self, job_id: str, execution_id: str, events: Sequence[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """Append events (``kind``, ``data`` and optional ``time``, ``stream``, ``offset``) to a
        job's log in one transaction, numbered in order; returns them as JSON.

        A job printing a hundred lines a second costs one commit per batch instead of one per
        line. Two writers of the same job may read the same last ``seq``: the unique (job, seq)
        constraint refuses the second insert, which then retries with fresh numbers, so no
        event is lost and no number is used twice (on SQLite and PostgreSQL alike).
        """
        for attempt in range(_EVENT_RETRIES):
            try:
                with self.transaction() as s:
                    if self._postgresql:
                        # Writers of one job queue here instead of colliding on the constraint.
                        s.execute(_JOB_LOCK, {"job": job_id})
                    last = s.scalar(select(func.max(EventRow.seq)).where(EventRow.job_id == job_id))
                    first = 0 if last is None else last + 1
                    rows = [
                        EventRow(
                            job_id=job_id,
                            execution_id=execution_id,
                            seq=first + i,
                            kind=event["kind"],
                            time=event.get("time") or now(),
                            data=event.get("data"),
                            stream=event.get("stream"),
                            offset=event.get("offset"),
                        )
                        for i, event in enumerate(events)
                    ]
                    s.add_all(rows)
                    s.flush()
                    stored = [_event_json(row) for row in rows]
                break
            except (IntegrityError, OperationalError) as error:
                if attempt == _EVENT_RETRIES - 1 or not _is_seq_conflict(error):
                    raise
                _time.sleep(0.001 * attempt)
        return stored

    def update_jobs(
        self,
        execution_id: str,
        changes: Sequence[tuple[str, Mapping[str, Any], Mapping[str, Any]]],
    ) -> list[dict[str, Any]]:
        """Set many jobs' fields and append one event to each, ``(job id, fields, event)``, in
        one transaction; returns the events as JSON, in the order given.

        Cancelling or skipping thousands of waiting jobs is then one commit instead of two per
        job. Event numbers are taken as :meth:`add_events` takes them (retried on a conflict).
        """
        if not changes:
            return []
        ids = [job_id for job_id, _, _ in changes]
        for attempt in range(_EVENT_RETRIES):
            try:
                with self.transaction() as s:
                    if self._postgresql:
                        for job_id in sorted(set(ids)):  # one order: no two writers deadlock
                            s.execute(_JOB_LOCK, {"job": job_id})
                    rows = {r.id: r for r in s.scalars(select(JobRow).where(JobRow.id.in_(ids)))}
                    missing = [job_id for job_id in ids if job_id not in rows]
                    if missing:
                        raise KeyError(f"no job {missing[0]!r}")
                    last = dict(
                        s.execute(
                            select(EventRow.job_id, func.max(EventRow.seq))
                            .where(EventRow.job_id.in_(ids))
                            .group_by(EventRow.job_id)
                        ).all()
                    )
                    events = []
                    for job_id, fields, event_data in changes:
                        for key, value in fields.items():
                            setattr(rows[job_id], key, value)
                        seq = last.get(job_id)
                        seq = 0 if seq is None else seq + 1
                        last[job_id] = seq
                        events.append(
                            EventRow(
                                job_id=job_id,
                                execution_id=execution_id,
                                seq=seq,
                                kind=event_data["kind"],
                                time=event_data.get("time") or now(),
                                data=event_data.get("data"),
                            )
                        )
                    s.add_all(events)
                    s.flush()
                    stored = [_event_json(row) for row in events]
                break
            except (IntegrityError, OperationalError) as error:
                if attempt == _EVENT_RETRIES - 1 or not _is_seq_conflict(error):
                    raise
                _time.sleep(0.001 * attempt)
        return stored

    def events(
        self, job_id: str, since: int = 0, limit: int = 10_000
    ) -> tuple[list[dict[str, Any]], int]:
        """A job's events with ``seq >= since`` and the ``since`` to ask for next."""
        with self._sessions() as s:
            rows = list(
                s.scalars(
                    select(EventRow)
                    .where(EventRow.job_id == job_id, EventRow.seq >= since)
                    .order_by(EventRow.seq)
                    .limit(limit)
                )
            )
        events = [
            {"job": r.job_id, "seq": r.seq, "kind": r.kind, "time": r.time, "data": r.data}
            for r in rows
        ]
        return events, (rows[-1].seq + 1 if rows else since)

    def execution_events(
        self, execution_id: str, since_id: int = 0
    ) -> list[tuple[int, dict[str, Any]]]:
        """Every event of an execution after the row id ``since_id`` (for the websocket replay)."""
        with self._sessions() as s:
            rows = list(
                s.scalars(
                    select(EventRow)
                    .where(EventRow.execution_id == execution_id, EventRow.id > since_id)
                    .order_by(EventRow.id)
                )
            )
        return [
            (r.id, {"job": r.job_id, "seq": r.seq, "kind": r.kind, "time": r.time, "data": r.data})
            for r in rows
        ]

    def stream_offsets(self, job_id: str) -> dict[str, int]:
        """The furthest offset already stored per stream of a job (to skip events seen before)."""
        with self._sessions() as s:
            rows = s.execute(
                select(EventRow.stream, func.max(EventRow.offset))
                .where(EventRow.job_id == job_id, EventRow.stream.is_not(None))
                .group_by(EventRow.stream)
            )
            return {stream: offset for stream, offset in rows}

    # -- artifacts and provenance ----------------------------------------------------------
    def record_job_outputs(
        self,
        job_id: str,
        artifacts: list[dict[str, Any]],
        record: dict[str, Any],
        **job_fields: Any,
    ) -> None:
        """Store a job's artifacts, its provenance record and its final state in one transaction.

        The record and the artifacts belong to the owner of the job's execution.
        """
        with self.transaction() as s:
            job = s.get(JobRow, job_id)
            assert job is not None
            execution = s.get(ExecutionRow, job.execution_id)
            _add_record(s, record, artifacts, execution.owner if execution else None)
            for key, value in job_fields.items():
                setattr(job, key, value)

    def add_provenance(
        self,
        record: dict[str, Any],
        artifacts: Iterable[dict[str, Any]] = (),
        *,
        owner: str | None = None,
    ) -> None:
        """Store a provenance record (and the artifacts it produced) as ``owner``'s."""
        with self.transaction() as s:
            _add_record(s, record, artifacts, owner)

    def get_artifact(self, artifact_id: str, *, owner: str | None = None) -> dict[str, Any] | None:
        """Artifact JSON, or None (also for another owner's artifact when ``owner`` is given)."""
        with self._sessions() as s:
            row = s.get(ArtifactRow, artifact_id)
            return _artifact_json(row) if row is not None and _owned(row, owner) else None

    def find_artifact(self, *, uri: str, owner: str | None = None) -> dict[str, Any] | None:
        """The newest artifact stored at ``uri`` (of ``owner``, if given), or None."""
        with self._sessions() as s:
            query = select(ArtifactRow).where(ArtifactRow.uri == uri)
            if owner is not None:
                query = query.where(ArtifactRow.owner == owner)
            row = s.scalars(query.order_by(ArtifactRow.created_at.desc())).first()
            return _artifact_json(row) if row else None

    def list_artifacts(
        self, *, execution: str | None = None, limit: int = 500, owner: str | None = None
    ) -> list[dict[str, Any]]:
        """Artifacts, newest first (of one execution and of ``owner``, if given)."""
        with self._sessions() as s:
            query = select(ArtifactRow).order_by(ArtifactRow.created_at.desc()).limit(limit)
            if execution:
                query = query.where(ArtifactRow.execution == execution)
            if owner is not None:
                query = query.where(ArtifactRow.owner == owner)
            return [_artifact_json(r) for r in s.scalars(query)]

    def get_provenance(self, record_id: str, *, owner: str | None = None) -> dict[str, Any] | None:
        """A provenance record, or None (also another owner's when ``owner`` is given)."""
        with self._sessions() as s:
            row = s.get(ProvenanceRow, record_id)
            return dict(row.record) if row is not None and _owned(row, owner) else None

    def provenance_chain(
        self, artifact_id: str, *, owner: str | None = None
    ) -> list[dict[str, Any]]:
        """The record that produced an artifact, then the records of its inputs, back to sources.

        With ``owner``, the walk sees only that owner's artifact and records.
        """
        artifact = self.get_artifact(artifact_id, owner=owner)
        if artifact is None or not artifact.get("provenance"):
            return []
        seen: dict[str, dict[str, Any]] = {}
        todo = [artifact["provenance"]]
        while todo:
            record_id = todo.pop(0)
            if record_id in seen or (record := self.get_provenance(record_id, owner=owner)) is None:
                continue
            seen[record_id] = record
            todo.extend((record.get("job") or {}).get("inputs", {}).values())
        return list(seen.values())


def _artifact_json(row: ArtifactRow) -> dict[str, Any]:
    return _drop_none(
        {
            "id": row.id,
            "name": row.name,
            "storage": row.storage,
            "uri": row.uri,
            "size": row.size,
            "hash": row.hash,
            "serializer": row.serializer,
            "type": row.type,
            "createdAt": row.created_at,
            "provenance": row.provenance,
            "execution": row.execution,
            "job": row.job,
        }
    )


def _owned(row: Any, owner: str | None) -> bool:
    """Whether ``row`` (an execution, artifact or provenance row) is ``owner``'s; None: anyone's."""
    return owner is None or row.owner == owner


def _add_record(
    session: Any,
    record: dict[str, Any],
    artifacts: Iterable[dict[str, Any]],
    owner: str | None = None,
) -> None:
    """Add a provenance record and the artifacts it produced, as ``owner``'s, to a transaction."""
    session.add(
        ProvenanceRow(
            id=record["id"],
            kind=record["kind"],
            started_at=record["startedAt"],
            record=record,
            owner=owner,
        )
    )
    for artifact in artifacts:
        session.add(ArtifactRow(**{"owner": owner, **artifact}))
