"""Owners of artifacts and provenance records, backfilled from the executions that made them.

An artifact belongs to the owner of its execution; a provenance record to the owner of the
execution whose job wrote it. Rows that no execution claims (uploads, notebook cells, executions
without an owner) get the OS user running the upgrade: on a single-user store that is who wrote
them.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import getpass

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("artifacts", "provenance"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("owner", sa.String(200), nullable=True))
            batch.create_index(f"ix_{table}_owner", ["owner"])

    # Correlated subqueries only: the same SQL runs on SQLite and PostgreSQL.
    op.execute(
        "UPDATE artifacts SET owner = (SELECT e.owner FROM executions e"
        " WHERE e.id = artifacts.execution) WHERE owner IS NULL"
    )
    op.execute(
        "UPDATE provenance SET owner = (SELECT MIN(e.owner) FROM jobs j"
        " JOIN executions e ON e.id = j.execution_id WHERE j.provenance = provenance.id)"
        " WHERE owner IS NULL"
    )
    # A record whose job row is gone still names its artifacts' execution.
    op.execute(
        "UPDATE provenance SET owner = (SELECT MIN(a.owner) FROM artifacts a"
        " WHERE a.provenance = provenance.id) WHERE owner IS NULL"
    )
    fallback = sa.bindparam("fallback", getpass.getuser(), type_=sa.String(200))
    for table in ("artifacts", "provenance"):
        op.get_bind().execute(
            sa.text(f"UPDATE {table} SET owner = :fallback WHERE owner IS NULL").bindparams(
                fallback
            )
        )


def downgrade() -> None:
    for table in ("artifacts", "provenance"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_owner")
            batch.drop_column("owner")
