"""A client for the CasJobs REST API (SQL against SDSS contexts such as ``DR17`` and ``MyDB``).

Follows the API as SciScript-Python uses it: ``POST {url}/contexts/{context}/query`` runs a
synchronous query (the ``Accept`` header picks CSV or JSON); ``PUT {url}/contexts/{context}/jobs``
submits an asynchronous job (its result goes ``INTO MyDB.table``), ``GET {url}/jobs/{id}``
reports its ``Status`` (0 ready, 1 started, 2 cancelling, 3 cancelled, 4 failed, 5 finished)
and ``DELETE {url}/jobs/{id}`` cancels it. The token travels in ``X-Auth-Token``; synchronous
queries work without one. Errors carry CasJobs' own message.

The token comes from the configuration, else ``$SCISERVER_TOKEN``, else the token file that
SciServer Compute provides (``/home/idies/keystone.token``).
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from .session import TOKEN_FILE

DEFAULT_CASJOBS_URL = "https://skyserver.sdss.org/CasJobs/RestApi"
STATUS = {0: "ready", 1: "started", 2: "cancelling", 3: "cancelled", 4: "failed", 5: "finished"}
TERMINAL = (3, 4, 5)


class CasJobsError(OSError):
    """CasJobs refused a request or a query failed; ``message`` is CasJobs' own text."""

    def __init__(self, message: str, status: int | None = None, detail: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail


class CasJobsAuthError(CasJobsError):
    """The token is missing, invalid or expired."""


class CasJobsUnreachable(CasJobsError):
    """No answer from CasJobs at ``url``: nothing listens there, or it did not answer in time."""

    def __init__(self, message: str, url: str) -> None:
        super().__init__(message)
        self.url = url


def _casjobs_message(response: requests.Response) -> str:
    """The ``Error Message`` of a CasJobs error body (or the body's text)."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:500] or response.reason
    if isinstance(body, dict):
        for key in ("Error Message", "Message", "message", "error"):
            if body.get(key):
                return str(body[key])[:500]
    return str(body)[:500]


@dataclass
class CasJobs:
    """CasJobs at ``url`` (default: SDSS's), with an optional token."""

    url: str = DEFAULT_CASJOBS_URL
    token: str | None = None
    timeout: float = 120.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None = None) -> CasJobs:
        """From ``{"url", "token", "token_file", "timeout"}``; missing keys use the defaults."""
        config = dict(config or {})
        token = config.get("token") or os.environ.get("SCISERVER_TOKEN")
        token_file = config.get("token_file") or (
            TOKEN_FILE if os.path.exists(TOKEN_FILE) else None
        )
        if not token and token_file:
            with open(token_file, encoding="utf-8") as file:
                token = file.read().strip()
        return cls(
            url=str(config.get("url") or DEFAULT_CASJOBS_URL).rstrip("/"),
            token=token or None,
            timeout=float(config.get("timeout", 120.0)),
        )

    # -- requests ------------------------------------------------------------------------
    def _request(
        self, method: str, path: str, *, what: str, need_token: bool = False, **kw: Any
    ) -> requests.Response:
        headers = dict(kw.pop("headers", {}))
        if self.token:
            headers["X-Auth-Token"] = self.token
        elif need_token:
            raise CasJobsAuthError(
                f"Could not {what}: CasJobs needs a SciServer token for this. Set the token "
                "in the configuration or $SCISERVER_TOKEN (log in at SciServer to get one)."
            )
        url = f"{self.url.rstrip('/')}/{path.lstrip('/')}"
        try:
            response = requests.request(method, url, headers=headers, timeout=self.timeout, **kw)
        except requests.ConnectionError:
            raise CasJobsUnreachable(
                f"Could not {what}: {self.url} cannot be reached. Check the CasJobs URL.",
                self.url,
            ) from None
        except requests.Timeout:
            raise CasJobsUnreachable(
                f"Could not {what}: CasJobs did not answer within {self.timeout:g} s.", self.url
            ) from None
        if response.status_code < 400:
            return response
        message = _casjobs_message(response)
        if response.status_code in (401, 403):
            raise CasJobsAuthError(
                f"Could not {what}: CasJobs refused the token: {message.rstrip('.')}. "
                "Get a new SciServer token and update the configuration.",
                response.status_code,
                message,
            )
        raise CasJobsError(
            f"Could not {what}: CasJobs answered {response.status_code}: {message}",
            response.status_code,
            message,
        )

    def query(self, sql: str, context: str = "DR17") -> Any:
        """Run ``sql`` synchronously in ``context``; the result as a ``pandas.DataFrame``."""
        import pandas as pd

        response = self._request(
            "POST",
            f"contexts/{context}/query",
            what=f"run a query in {context}",
            json={"Query": sql, "TaskName": "forgelab.casjobs.query"},
            headers={"Accept": "text/plain"},
        )
        text = response.text
        if not text.strip():
            return pd.DataFrame()
        return pd.read_csv(io.StringIO(text))

    def query_json(self, sql: str, context: str = "DR17") -> list[dict[str, Any]]:
        """Run ``sql`` synchronously; each result set as ``{"TableName", "Columns", "Data"}``."""
        response = self._request(
            "POST",
            f"contexts/{context}/query",
            what=f"run a query in {context}",
            json={"Query": sql, "TaskName": "forgelab.casjobs.query"},
            headers={"Accept": "application/json+array"},
        )
        return list(response.json()["Result"])

    def submit(self, sql: str, context: str = "DR17") -> int:
        """Submit an asynchronous job (typically ``SELECT ... INTO MyDB.t``); its id."""
        response = self._request(
            "PUT",
            f"contexts/{context}/jobs",
            what=f"submit a job to {context}",
            need_token=True,
            json={"Query": sql, "TaskName": "forgelab.casjobs.submit"},
            headers={"Accept": "text/plain"},
        )
        return int(response.text.strip())

    def job(self, job_id: int) -> dict[str, Any]:
        """The job's description (``Status``, ``Message``, ...)."""
        response = self._request(
            "GET", f"jobs/{job_id}", what=f"read CasJobs job {job_id}", need_token=True
        )
        return dict(response.json())

    def wait(self, job_id: int, *, timeout: float = 3600.0, poll: float = 1.0) -> dict[str, Any]:
        """Wait until the job ends; raise :class:`CasJobsError` with its message if it failed."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            status = int(job.get("Status", -1))
            if status == 5:
                return job
            if status in (3, 4):
                raise CasJobsError(
                    f"CasJobs job {job_id} {STATUS[status]}: {job.get('Message') or 'no message'}",
                    detail=str(job.get("Message") or ""),
                )
            if time.monotonic() > deadline:
                raise CasJobsError(
                    f"CasJobs job {job_id} still {STATUS.get(status, status)} after {timeout:g} s"
                )
            time.sleep(poll)

    def cancel(self, job_id: int) -> None:
        """Ask CasJobs to cancel a job."""
        self._request(
            "DELETE", f"jobs/{job_id}", what=f"cancel CasJobs job {job_id}", need_token=True
        )
