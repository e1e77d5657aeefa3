"""The one error of reify: why a value's history cannot become a pipeline, and what to do."""

from __future__ import annotations


class ReifyError(ValueError):
    """A value's history cannot become a pipeline; the message says why and what to do."""
