"""Job secrets on Dask workers, held by a worker plugin instead of travelling inside tasks.

A task's arguments are pickled, kept by the scheduler, and may be logged or shown in its
dashboard; a job's storage credentials must not be among them. The adapter registers one
:class:`SecretEnvironment` per distinct set of secrets through its client (the scheduler hands it
to every worker, present and future), and the task names it only by :func:`plugin_name`, a digest.
On the worker, :func:`environment_of` gives the job's process those variables.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

#: Environments received by this worker process, by plugin name.
_ENVIRONMENTS: dict[str, dict[str, str]] = {}
_LOCK = threading.Lock()


def plugin_name(env: Mapping[str, str]) -> str:
    """A name for ``env`` that does not reveal it (a digest of its sorted items)."""
    digest = hashlib.sha256(repr(sorted(env.items())).encode("utf-8")).hexdigest()
    return f"forgelab-secrets-{digest[:24]}"


class SecretEnvironment(WorkerPlugin):
    """Environment variables that jobs naming this plugin get on every worker."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = dict(env)
        self.name = plugin_name(self.env)

    def setup(self, worker: Any) -> None:
        with _LOCK:
            _ENVIRONMENTS[self.name] = self.env

    def teardown(self, worker: Any) -> None:
        with _LOCK:
            _ENVIRONMENTS.pop(self.name, None)


def environment_of(name: str) -> dict[str, str]:
    """The variables of plugin ``name`` on this worker; a clear error when it never arrived."""
    with _LOCK:
        env = _ENVIRONMENTS.get(name)
    if env is None:
        raise RuntimeError(
            f"this Dask worker holds no {name!r} plugin with the job's storage credentials "
            "(it was unregistered, or the worker cannot import forgelab); re-run the job"
        )
    return dict(env)
