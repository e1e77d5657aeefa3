"""A client for SciServer's REST APIs: login tokens, Compute jobs (JOBM) and Files.

>>> sciserver = SciServer.from_config({"token": "..."})          # doctest: +SKIP
>>> sciserver.files.upload("Storage/alice/persistent/a.txt", b"hi")  # doctest: +SKIP

Base URLs are configuration (``login_url``, ``racm_url``, ``files_url``); see
:mod:`forgelab.testing.sciserver_contract` for a local server that follows the same API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .files import FilesClient
from .jobs import JobsClient
from .session import (
    SETTINGS_SCHEMA,
    SciServerAuthError,
    SciServerError,
    SciServerNotFound,
    SciServerSession,
    SciServerSettings,
)

__all__ = [
    "SETTINGS_SCHEMA",
    "FilesClient",
    "JobsClient",
    "SciServer",
    "SciServerAuthError",
    "SciServerError",
    "SciServerNotFound",
    "SciServerSession",
    "SciServerSettings",
]


class SciServer:
    """One signed-in SciServer account: ``session``, ``jobs`` and ``files``."""

    def __init__(self, settings: SciServerSettings) -> None:
        self.session = SciServerSession(settings)
        self.jobs = JobsClient(self.session)
        self.files = FilesClient(self.session)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SciServer:
        return cls(SciServerSettings.from_config(config))

    @property
    def username(self) -> str:
        return str(self.session.whoami()["name"])
