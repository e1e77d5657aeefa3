"""Tables of the store. Documents (pipeline snapshot, errors, event data) are JSON columns."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class ExecutionRow(Base):
    __tablename__ = "executions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    owner: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), index=True)
    pipeline: Mapped[dict[str, Any]] = mapped_column(JSON)
    pipeline_path: Mapped[str | None] = mapped_column(Text)
    compute: Mapped[str] = mapped_column(String(100))
    storage: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[str | None] = mapped_column(String(40))
    ended_at: Mapped[str | None] = mapped_column(String(40))
    parent: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class JobRow(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    execution_id: Mapped[str] = mapped_column(
        ForeignKey("executions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    node: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    compute: Mapped[str] = mapped_column(String(100))
    handle: Mapped[str | None] = mapped_column(Text)
    timeout: Mapped[float | None]
    queued_at: Mapped[str | None] = mapped_column(String(40))
    started_at: Mapped[str | None] = mapped_column(String(40))
    ended_at: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    outputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Output port name to artifact id."""
    directory: Mapped[str | None] = mapped_column(Text)
    reused_from: Mapped[str | None] = mapped_column(String(64))
    provenance: Mapped[str | None] = mapped_column(String(64))
    input_records: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """Input port name to the provenance record of the artifact it read."""


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("job_id", "seq"),
        Index("ix_events_job_stream", "job_id", "stream"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    execution_id: Mapped[str] = mapped_column(String(64), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    time: Mapped[str] = mapped_column(String(40))
    data: Mapped[Any] = mapped_column(JSON, nullable=True)
    stream: Mapped[str | None] = mapped_column(String(20))
    """Which file of the job the event was read from, to skip it when following the job again."""
    offset: Mapped[int | None] = mapped_column(Integer)


class ArtifactRow(Base):
    __tablename__ = "artifacts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    storage: Mapped[str] = mapped_column(String(100))
    uri: Mapped[str] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(Integer)
    hash: Mapped[str | None] = mapped_column(String(80))
    serializer: Mapped[str | None] = mapped_column(String(40))
    type: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(40))
    provenance: Mapped[str | None] = mapped_column(String(64))
    execution: Mapped[str | None] = mapped_column(String(64), index=True)
    job: Mapped[str | None] = mapped_column(String(64))
    owner: Mapped[str | None] = mapped_column(String(200), index=True)


class ProvenanceRow(Base):
    __tablename__ = "provenance"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[str] = mapped_column(String(40))
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    owner: Mapped[str | None] = mapped_column(String(200), index=True)
