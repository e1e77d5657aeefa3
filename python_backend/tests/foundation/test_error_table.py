"""The server's one error table: the exception's class, never its wording, picks the status."""

from __future__ import annotations

import pytest
from forgelab.errors import NotFound
from forgelab.executions import ExecutionError, ExecutionNotFound
from forgelab.executions.pipeline import PipelineError, PipelineIssue
from forgelab.provenance import ReifyError
from forgelab.provenance.artifacts import UnknownArtifact
from forgelab.server.errors import answer
from forgelab.store import StoreError


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFound("no artifact 'x'"), 404),
        (ExecutionNotFound("no execution 'e1'"), 404),
        (UnknownArtifact("no artifact 'a1'"), 404),
        # Worded like a missing record, but a request that cannot be followed: a 400.
        (ExecutionError("no compute adapter can run this"), 400),
        (ReifyError("b was never assigned"), 400),
        (StoreError("cannot open the store at sqlite:///x.db"), 503),
    ],
)
def test_each_error_class_has_one_status_and_its_message(error: Exception, status: int) -> None:
    found = answer(error)
    assert found is not None
    assert found[0] == status and found[1]["message"] == str(error)


def test_answers_keep_what_each_error_adds() -> None:
    reify = answer(ReifyError("why"))
    assert reify == (400, {"message": "why", "issues": [{"message": "why"}]})
    issue = PipelineIssue("/nodes/0", "unknown operation", "n0")
    status, body = answer(PipelineError([issue], source="p.pipeline.json"))
    assert status == 400 and body == PipelineError([issue], source="p.pipeline.json").to_json()


def test_anything_else_is_left_to_jupyter() -> None:
    assert answer(KeyError("x")) is None
    assert answer(None) is None
