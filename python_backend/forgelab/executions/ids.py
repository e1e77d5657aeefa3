"""Identifiers of executions, jobs, artifacts and provenance records: sortable by creation time."""

from __future__ import annotations

import time
import uuid


def new_id(prefix: str) -> str:
    """``<prefix>-<yyyymmddHHMMSS>-<8 hex>``: sorts by creation, unique across processes."""
    return f"{prefix}-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:8]}"
