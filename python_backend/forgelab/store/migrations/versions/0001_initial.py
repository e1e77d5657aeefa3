"""The schema every store had before migrations: executions, jobs, events, artifacts, provenance.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "executions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200)),
        sa.Column("owner", sa.String(200)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("pipeline", sa.JSON(), nullable=False),
        sa.Column("pipeline_path", sa.Text()),
        sa.Column("compute", sa.String(100), nullable=False),
        sa.Column("storage", sa.String(100), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("started_at", sa.String(40)),
        sa.Column("ended_at", sa.String(40)),
        sa.Column("parent", sa.String(64)),
        sa.Column("error", sa.Text()),
        sa.Column("settings", sa.JSON(), nullable=False),
    )
    op.create_index("ix_executions_status", "executions", ["status"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "execution_id",
            sa.String(64),
            sa.ForeignKey("executions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("node", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("compute", sa.String(100), nullable=False),
        sa.Column("handle", sa.Text()),
        sa.Column("timeout", sa.Double()),
        sa.Column("queued_at", sa.String(40)),
        sa.Column("started_at", sa.String(40)),
        sa.Column("ended_at", sa.String(40)),
        sa.Column("error", sa.JSON()),
        sa.Column("outputs", sa.JSON(), nullable=False),
        sa.Column("directory", sa.Text()),
        sa.Column("reused_from", sa.String(64)),
        sa.Column("provenance", sa.String(64)),
        sa.Column("input_records", sa.JSON()),
    )
    op.create_index("ix_jobs_execution_id", "jobs", ["execution_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "job_id",
            sa.String(64),
            sa.ForeignKey("jobs.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("execution_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("time", sa.String(40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("stream", sa.String(20)),
        sa.Column("offset", sa.Integer()),
        sa.UniqueConstraint("job_id", "seq"),
    )
    op.create_index("ix_events_job_stream", "events", ["job_id", "stream"])
    op.create_index("ix_events_execution_id", "events", ["execution_id"])
    op.create_table(
        "artifacts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("storage", sa.String(100), nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer()),
        sa.Column("hash", sa.String(80)),
        sa.Column("serializer", sa.String(40)),
        sa.Column("type", sa.String(200)),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("provenance", sa.String(64)),
        sa.Column("execution", sa.String(64)),
        sa.Column("job", sa.String(64)),
    )
    op.create_index("ix_artifacts_execution", "artifacts", ["execution"])
    op.create_table(
        "provenance",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("started_at", sa.String(40), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    for table in ("events", "jobs", "executions", "artifacts", "provenance"):
        op.drop_table(table)
