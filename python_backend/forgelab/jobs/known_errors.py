"""Known error types of a job, each told in one line: the cause, then what to do.

A job that fails with one of these (a service that cannot be reached, a refused login, a missing
file) reports that line as its error; the traceback still goes to the job's console. The table
is data: a row names exception classes by qualified name (an instance of a subclass matches, and
nothing is imported to check), the cause, and the remedy. Remedies for the services a ForgeLab
example serves itself come from :data:`SERVICE_REMEDIES`, matched by the URL that failed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class KnownError:
    """One row of :data:`KNOWN_ERRORS`; ``cause`` and ``remedy`` are ``str.format`` templates of
    ``{error}`` (the exception's text), ``{url}`` and ``{filename}``."""

    kind: str
    types: tuple[str, ...]
    cause: str
    remedy: str


#: Most specific rows first: the first row whose types match the error wins.
KNOWN_ERRORS: tuple[KnownError, ...] = (
    KnownError(
        "login",
        ("forgelab.sciserver.casjobs.CasJobsAuthError",),
        "CasJobs refused the login: {error}",
        "",  # CasJobs' message already says what to do
    ),
    KnownError(
        "unreachable",
        (
            "forgelab.sciserver.casjobs.CasJobsUnreachable",
            "requests.exceptions.ConnectionError",
            "requests.exceptions.Timeout",
            "urllib3.exceptions.NewConnectionError",
            "builtins.ConnectionRefusedError",
            "builtins.TimeoutError",
        ),
        "{url} cannot be reached",
        "check that the service runs and that its URL is right",
    ),
    KnownError(
        "login",
        ("forgelab.sciserver.session.SciServerAuthError",),
        "SciServer refused the login: {error}",
        "",  # SciServer's message already says what to do
    ),
    KnownError(
        "missing file",
        ("builtins.FileNotFoundError",),
        "{filename} does not exist",
        "check the path, or upload the file",
    ),
)


@dataclass(frozen=True)
class ServiceRemedy:
    """What to do when a URL of a service a ForgeLab example serves cannot be reached: the URL
    starts with the value of one of ``variables``, or matches one of ``urls`` (regular
    expressions: the real services, and the address shape of the example's own server)."""

    variables: tuple[str, ...]
    urls: tuple[str, ...]
    remedy: str


SERVICE_REMEDIES: tuple[ServiceRemedy, ...] = (
    ServiceRemedy(
        ("REDSHIFT_CASJOBS_URL", "REDSHIFT_SAS_URL"),
        (
            r"https://skyserver\.sdss\.org/CasJobs",
            r"https://data\.sdss\.org/sas",
            # the offline sky of `forgelab example redshift --offline`
            r"http://(127\.0\.0\.1|localhost):\d+/(CasJobs/RestApi|sas)(/|$)",
        ),
        "start `forgelab example redshift --offline` and set the variables it prints",
    ),
)


def _names(error: BaseException) -> set[str]:
    return {f"{c.__module__}.{c.__qualname__}" for c in type(error).__mro__}


def _url(error: BaseException) -> str | None:
    """The URL a connection error names: its own ``url``, or that of its ``requests`` request."""
    url = getattr(error, "url", None)
    request = getattr(error, "request", None)
    url = url or getattr(request, "url", None)
    return str(url) if url else None


def _service_remedy(url: str | None, environ: dict[str, str]) -> str | None:
    if not url:
        return None
    for row in SERVICE_REMEDIES:
        served = [environ[v].rstrip("/") for v in row.variables if environ.get(v)]
        if any(url.rstrip("/").startswith(v) for v in served) or any(
            re.match(pattern, url) for pattern in row.urls
        ):
            return row.remedy
    return None


def explain(
    error: BaseException, environ: dict[str, str] | None = None
) -> tuple[str, KnownError] | None:
    """``(one line, row)`` for an error of a known type; ``None`` for any other error."""
    names = _names(error)
    row = next((r for r in KNOWN_ERRORS if names.intersection(r.types)), None)
    if row is None:
        return None
    url = _url(error)
    if row.kind == "unreachable" and url is None:
        url = "a service"
    fields: dict[str, Any] = {
        "error": str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
        "url": url,
        "filename": getattr(error, "filename", None) or "a file",
    }
    remedy = (
        _service_remedy(url, dict(os.environ) if environ is None else environ)
        if row.kind == "unreachable"
        else None
    ) or row.remedy
    cause = row.cause.format(**fields)
    line = f"{cause} — {remedy.format(**fields)}" if remedy else cause
    return line, row
