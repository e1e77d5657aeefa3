"""What the orchestrator answers when a request cannot be followed."""

from ..errors import NotFound


class ExecutionError(ValueError):
    """A request the orchestrator cannot follow (unknown adapter, a state that forbids it)."""


class ExecutionNotFound(NotFound, ExecutionError):
    """No such execution or job (or it is another owner's)."""
