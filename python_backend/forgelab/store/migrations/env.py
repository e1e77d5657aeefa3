"""Alembic environment of the ForgeLab store: always run on a connection ForgeLab opened.

:func:`forgelab.store.migrations.upgrade` holds the migration lock on that connection, so this
file never creates an engine of its own.
"""

from __future__ import annotations

from alembic import context

from forgelab.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "the ForgeLab store is migrated with `forgelab store upgrade` (or by opening it), "
        "not with the alembic command"
    )
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
