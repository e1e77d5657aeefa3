"""Storage adapters: ``local``, ``s3``, ``sciserver`` (see :mod:`.base` for the interface)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import TRUSTED_CONFIG, StorageAdapter


def storage_from_job_config(cfg: Mapping[str, Any]) -> StorageAdapter:
    """Rebuild a storage adapter from :meth:`StorageAdapter.job_config` (inside a job)."""
    from ..registry import load_class

    cls = load_class("storage", cfg["adapter"])
    token = TRUSTED_CONFIG.set(True)
    try:
        return cls(cfg.get("config") or {})
    finally:
        TRUSTED_CONFIG.reset(token)
