"""``provenance.verify`` on the comm of a real kernel: a reified pipeline's output against the
notebook's value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from forgelab.jobs import serializers
from forgelab.provenance.reproduce import run_pipeline
from forgelab.store import Store
from forgelab.testing.recording import RecordingKernel

pytestmark = pytest.mark.slow


def ask(kernel: RecordingKernel, **request: Any) -> dict[str, Any]:
    """The kernel's answer to ``provenance.verify`` as the front end's comm request gets it."""
    message = json.dumps({"id": "t", "type": "provenance.verify", **request})
    answer = kernel.run.evaluate(
        "import json as _fl_json\n"
        "from forgelab.kernel.comm import answer as _fl_answer\n"
        f"print(_fl_json.dumps(_fl_answer(_fl_json.loads({message!r}))))"
    )
    assert answer["ok"], answer
    return answer["result"]


def run_reified(kernel: RecordingKernel, target: str, scratch: Path) -> dict[str, Any]:
    """Reify ``target``, run the pipeline locally; the stored output ``{uri, serializer}``."""
    doc = kernel.reify(target)
    store = Store(f"sqlite:///{scratch / 'executions.db'}")
    try:
        _value, final = run_pipeline(doc, root=scratch, store=store)
    finally:
        store.close()
    (output,) = [n["id"] for n in doc["nodes"] if n["kind"] == "output"]
    (source,) = [c["source"] for c in doc["connections"] if c["target"]["node"] == output]
    (job,) = [j for j in final["jobs"] if j["node"] == source["node"]]
    return job["outputs"][source["port"]]


def test_a_reproduced_value_then_a_changed_input_cannot_be_compared(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    for code in ("vbase = [1.5, 2.5]", "vtotal = {'sum': sum(vbase), 'n': len(vbase)}"):
        assert kernel.cell(code).status == "ok"
    artifact = run_reified(kernel, "vtotal", tmp_path)
    verdict = ask(kernel, target="vtotal", version=1, artifact=artifact)
    assert verdict == {"outcome": "reproduced", "detail": None}

    assert kernel.cell("vtotal = {'sum': 0.0, 'n': 2}").status == "ok"
    verdict = ask(kernel, target="vtotal", version=1, artifact=artifact)
    assert verdict["outcome"] == "cannot compare"
    assert verdict["detail"] == "vtotal changed since (v1 → v2)"


def test_a_different_value_differs_and_says_where(kernel: RecordingKernel, tmp_path: Path) -> None:
    assert kernel.cell("vlist = [1, 2, 3]").status == "ok"
    path = tmp_path / "other"
    serializer = serializers.dump([1, 2, 4], str(path))
    verdict = ask(
        kernel, target="vlist", artifact={"uri": f"file://{path}", "serializer": serializer}
    )
    assert verdict["outcome"] == "differs"
    assert "[2]" in verdict["detail"] and "3" in verdict["detail"] and "4" in verdict["detail"]


def test_a_cell_output_is_compared_with_the_kernels_out(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    result = kernel.cell("vlist[0] * 10")
    count = result.execution_count
    path = tmp_path / "out"
    serializer = serializers.dump(10, str(path))
    artifact = {"uri": str(path), "serializer": serializer}
    assert ask(kernel, executionCount=count, artifact=artifact)["outcome"] == "reproduced"
    gone = ask(kernel, executionCount=10_000, artifact=artifact)
    assert gone["outcome"] == "cannot compare" and "cell [10000]" in gone["detail"]


@pytest.mark.parametrize(
    ("request_", "says"),
    [
        ({"target": "vnever", "artifact": {"uri": "/x", "serializer": "json"}}, "no longer"),
        ({"target": "vlist", "artifact": {"uri": "s3://b/k", "serializer": "json"}}, "local"),
        ({"target": "vlist", "artifact": {"uri": "/no/such", "serializer": "json"}}, "read"),
        ({"target": "vlist"}, "'artifact'"),
        ({"target": "not a name", "artifact": {"uri": "/x"}}, "variable name"),
    ],
)
def test_what_cannot_be_compared_says_why(
    kernel: RecordingKernel, request_: dict[str, Any], says: str
) -> None:
    assert kernel.cell("vlist = [1, 2, 3]").status == "ok"
    verdict = ask(kernel, **request_)
    assert verdict["outcome"] == "cannot compare"
    assert says in verdict["detail"]
