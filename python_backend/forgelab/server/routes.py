"""The one route table of the server extension, relative to ``{base_url}forgelab/api``."""

from __future__ import annotations

from .adapters import AdaptersHandler, AdapterTestHandler
from .artifacts import ArtifactHandler, ArtifactsHandler
from .events import EventsSocket
from .executions import (
    ExecutionActionHandler,
    ExecutionHandler,
    ExecutionsHandler,
    JobCancelHandler,
    JobCodeHandler,
    JobEventsHandler,
    JobNotebookHandler,
)
from .handlers import StatusHandler
from .operations import IntrospectHandler, OperationsHandler
from .pipelines import PipelineExportHandler, PipelineNotebookHandler
from .provenance import ArtifactReifyHandler, ProvenanceRecordsHandler, ProvenanceReifyHandler

ID = r"([A-Za-z0-9_.-]+)"
"""An id in a route (executions, jobs, artifacts, adapters)."""


def routes() -> list[tuple[str, type]]:
    """Every (route, handler) pair, the route relative to the API prefix."""
    return [
        ("status", StatusHandler),
        ("operations", OperationsHandler),
        ("operations/introspect", IntrospectHandler),
        ("pipelines/export", PipelineExportHandler),
        ("pipelines/notebook", PipelineNotebookHandler),
        ("executions", ExecutionsHandler),
        (f"executions/{ID}", ExecutionHandler),
        (f"executions/{ID}/(cancel|rerun|resume)", ExecutionActionHandler),
        (f"executions/{ID}/jobs/{ID}/cancel", JobCancelHandler),
        (f"executions/{ID}/jobs/{ID}/events", JobEventsHandler),
        (f"executions/{ID}/jobs/{ID}/code", JobCodeHandler),
        (f"executions/{ID}/jobs/{ID}/notebook", JobNotebookHandler),
        ("events", EventsSocket),
        ("artifacts", ArtifactsHandler),
        (f"artifacts/{ID}", ArtifactHandler),
        (f"artifacts/{ID}/(download|provenance)", ArtifactHandler),
        (f"artifacts/{ID}/reify", ArtifactReifyHandler),
        ("adapters", AdaptersHandler),
        (f"adapters/(compute|storage)/{ID}/test", AdapterTestHandler),
        ("provenance/records", ProvenanceRecordsHandler),
        ("provenance/reify", ProvenanceReifyHandler),
    ]
