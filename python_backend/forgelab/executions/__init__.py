"""Executions: run a pipeline as jobs on a compute adapter, state kept in the store.

:class:`Orchestrator` decides what runs when (dependency order, capacity, cancel, re-run,
recovery after a restart); compute adapters only run jobs; job code only computes.
"""

from .errors import ExecutionError, ExecutionNotFound
from .orchestrator import Orchestrator

__all__ = ["ExecutionError", "ExecutionNotFound", "Orchestrator"]
