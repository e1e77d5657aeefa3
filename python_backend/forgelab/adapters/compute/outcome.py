"""Turn how a job process ended (exit code, ``result.json``) into a :class:`JobOutcome`.

Shared by the adapters that run the job's command somewhere and read ``result.json`` back.
"""

from __future__ import annotations

import signal
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from .base import JobOutcome


def iso_time(timestamp: float | None = None) -> str:
    """An ISO 8601 UTC time for an event (now when ``timestamp`` is None)."""
    moment = (
        datetime.now(timezone.utc)
        if timestamp is None
        else datetime.fromtimestamp(timestamp, timezone.utc)
    )
    return moment.isoformat()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def outcome_from_exit(
    exit_code: int | None,
    result: dict[str, Any] | None,
    *,
    where: str,
    stderr_tail: Iterable[str] = (),
) -> JobOutcome:
    """The outcome of a job whose process ended with ``exit_code`` and wrote ``result``.

    ``where`` names the place it ran (``"on Dask worker tcp://..."``) for the messages.
    """
    tail = "\n".join(stderr_tail).strip()
    last_lines = f"\nLast lines of its stderr:\n{tail}" if tail else ""
    if result and result.get("status") == "failed":
        error = result.get("error") or {}
        message = str(error.get("message") or "the job failed")
        if not error.get("known"):  # a known error's message is already the whole story
            message = f"{error.get('type', 'Error')}: {message}"
        return JobOutcome("failed", exit_code, message, result)
    if exit_code == 0:
        if result and result.get("status") == "succeeded":
            return JobOutcome("succeeded", 0, None, result)
        return JobOutcome(
            "failed",
            0,
            f"The job exited {where} without writing a valid result.json "
            "(main.py must end by writing it).",
            result,
        )
    if exit_code is not None and exit_code < 0:
        message = f"The job's process was killed {where} by {_signal_name(-exit_code)}."
    else:
        message = f"The job's process exited {where} with code {exit_code}."
    return JobOutcome("failed", exit_code, message + last_lines, result)
