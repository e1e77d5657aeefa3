"""The compute adapter interface: run one job somewhere and report on it.

An adapter only runs jobs; the orchestrator decides what runs when (like dask.distributed keeps
scheduler and workers apart). A job is a generated directory (``main.py`` plus data files, see
:mod:`forgelab.jobs`) that the adapter runs with ``command`` in ``directory``, or ships elsewhere
first. While it runs, the adapter forwards the job's events (console lines, progress, figures)
to ``on_event`` as they arrive.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

#: Receives one event dict (``{"kind": ..., "data": ..., "time": ...}``) from a running job.
EventCallback = Callable[[dict[str, Any]], None]

FinalStatus = Literal["succeeded", "failed", "cancelled"]


class AdapterConfigError(ValueError):
    """An adapter's configuration does not follow its schema."""


@dataclass
class JobSpec:
    """Everything an adapter needs to run one job."""

    job_id: str
    execution_id: str
    directory: str
    """Local directory holding the generated job (``main.py``, ``job.json``, ...)."""
    command: list[str]
    """Program and arguments, run with ``directory`` as the working directory."""
    env: dict[str, str] = field(default_factory=dict)
    """Extra environment variables for the job (never sent to the browser)."""
    timeout: float | None = None
    """Seconds after which the adapter stops the job and reports it failed."""
    gpus: int = 0
    """GPUs the job needs for itself (an operation's ``gpu``)."""


@dataclass
class JobOutcome:
    """How a job ended."""

    status: FinalStatus
    exit_code: int | None = None
    error: str | None = None
    """A message a user can read when ``status`` is not 'succeeded'."""
    result: dict[str, Any] | None = None
    """The job's ``result.json`` (output artifacts), when it succeeded."""


class ComputeAdapter(abc.ABC):
    """Base class of compute adapters: ``local``, ``dask``, ``sciserver``, ...

    Subclasses set :attr:`name`, :attr:`config_schema` (a JSON Schema shown in the settings and
    checked here) and implement :meth:`submit`, :meth:`wait` and :meth:`cancel`.
    """

    name: ClassVar[str]
    config_schema: ClassVar[dict[str, Any]] = {"type": "object"}
    #: Modules the adapter needs at run time; the registry reports it unavailable without them.
    requires: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.config: dict[str, Any] = dict(config or {})
        import jsonschema  # not at the top: job processes import this module, need no schema

        try:
            jsonschema.validate(self.config, self.config_schema)
        except jsonschema.ValidationError as error:
            where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
            raise AdapterConfigError(
                f"Invalid configuration for the {self.name!r} compute adapter at {where}: "
                f"{error.message}"
            ) from None

    @property
    def capacity(self) -> int:
        """How many jobs may run at the same time."""
        return int(self.config.get("capacity", 1))

    async def start(self) -> None:
        """Connect or start resources; called once before the first submit."""

    async def close(self) -> None:
        """Release resources (clusters, connections)."""

    @abc.abstractmethod
    async def submit(self, spec: JobSpec, on_event: EventCallback) -> str:
        """Start the job; return a handle that identifies it (persisted by the orchestrator)."""

    @abc.abstractmethod
    async def wait(self, handle: str) -> JobOutcome:
        """Wait until the job ends and say how."""

    @abc.abstractmethod
    async def cancel(self, handle: str) -> None:
        """Really stop the job (kill the process, cancel the future, delete the remote job)."""

    async def reattach(self, handle: str, spec: JobSpec, on_event: EventCallback) -> bool:
        """After a server restart, follow a job that may still run; False if it cannot."""
        return False

    async def test_connection(self) -> dict[str, Any]:
        """Check that jobs can be submitted; raise with a readable message otherwise."""
        return {"ok": True}

    async def gpus(self) -> dict[str, Any]:
        """The GPUs jobs can have here: ``{"count", "source", "names"?}``; none by default."""
        return {"count": 0, "source": "none"}
