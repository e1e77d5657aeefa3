"""Where executions, jobs, events, artifacts and provenance records are kept (SQLAlchemy 2).

SQLite in the Jupyter root by default (``.forgelab/forgelab.db``, WAL journal), any SQLAlchemy URL
otherwise (PostgreSQL for a shared deployment). Every change is one committed transaction, so a
killed server loses nothing it had already reported. The schema is a chain of Alembic revisions
(:mod:`.migrations`): opening a store upgrades it, and a store newer than this code is refused.
"""

from .errors import StoreError
from .store import Store, default_url, now

__all__ = ["Store", "StoreError", "default_url", "now"]
