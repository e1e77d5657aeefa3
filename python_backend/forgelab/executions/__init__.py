"""Executions: run a pipeline as jobs on a compute adapter, state kept in the store.

:class:`Orchestrator` decides what runs when (dependency order, capacity, cancel, re-run,
recovery after a restart); compute adapters only run jobs; job code only computes.
"""

from .orchestrator import ExecutionError, Orchestrator

__all__ = ["ExecutionError", "Orchestrator"]
