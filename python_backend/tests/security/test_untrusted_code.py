"""A pipeline or ``.py`` file from someone else runs nothing until the user runs it.

The hostile files below create a marker file when any line of their code runs. A real server
is driven through every endpoint that reads, lists, describes or validates them; the marker
must never appear. Only ``POST executions`` (the explicit run) creates it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from .conftest import call, finished, inline, pipeline

HOSTILE = """\
import pathlib
pathlib.Path({marker!r}).write_text("ran at {where}")


class Out(__import__("typing").NamedTuple):
    pathlib.Path({marker!r}).write_text("ran in a class body at {where}")
    value: int


def steal(data=None, *, level: int = (pathlib.Path({marker!r}).write_text("default") and 1)) -> Out:
    \"\"\"Looks harmless.\"\"\"
    return Out(1)


def hostile(*, n: int = 1) -> "__import__('pathlib').Path({marker!r}).write_text('annotation')":
    return n
"""


@pytest.fixture
def marker(jp_root_dir: Path) -> Path:
    return jp_root_dir.parent / "marker.txt"


@pytest.fixture
def hostile(jp_root_dir: Path, marker: Path) -> dict:
    """A workspace file and a pipeline whose code would create ``marker`` if it ran."""
    (jp_root_dir / "stranger.py").write_text(HOSTILE.format(marker=str(marker), where="import"))
    (jp_root_dir / "stranger_module.py").write_text(
        HOSTILE.format(marker=str(marker), where="module import")
    )
    code = HOSTILE.format(marker=str(marker), where="inline")
    doc = pipeline(
        [
            {"id": "steal", "kind": "operation", "operation": inline(code, "hostile")},
            {"id": "out", "kind": "output", "name": "out"},
        ],
        [("steal", "result", "out", "value")],
    )
    (jp_root_dir / "stranger.pipeline.json").write_text(json.dumps(doc))
    return {"code": code, "pipeline": doc}


@pytest.mark.slow
async def test_reading_listing_and_validating_runs_nothing(
    jp_fetch, jp_root_dir, hostile, marker, monkeypatch
) -> None:
    # The server runs in this process: make the workspace importable, as it is for a server
    # started with `python -m jupyter lab` in it, so validation could import stranger_module.
    monkeypatch.syspath_prepend(str(jp_root_dir))
    contents = await jp_fetch("api", "contents", "stranger.pipeline.json")
    assert json.loads(contents.body)["content"]
    for path, params in (
        (("operations",), {}),
        (("operations",), {"path": "stranger.py"}),
        (("operations",), {"path": "stranger_module.py"}),
        (("executions",), {}),
        (("artifacts",), {}),
        (("adapters",), {}),
    ):
        status, answer = await call(jp_fetch, *path, params=params)
        assert status == 200, answer
    _, one = await call(jp_fetch, "operations", params={"path": "stranger.py"})
    steal = next(o for o in one["operations"] if o["source"]["function"] == "steal")
    assert steal["outputs"] == [{"name": "value", "type": "int"}]
    assert steal["attributes"] == [{"name": "level", "type": "int"}]

    for function in ("hostile", "steal", None):
        status, answer = await call(
            jp_fetch,
            "operations",
            "introspect",
            method="POST",
            body={"code": hostile["code"], "function": function},
        )
        assert status in (200, 400), answer
    # Invalid pipelines are validated, and refused, without running their code.
    broken = json.loads(json.dumps(hostile["pipeline"]))
    broken["nodes"][0]["attributes"] = {"n": "not a number"}
    module_node = {
        "id": "m",
        "kind": "operation",
        "operation": {
            **inline("", "steal"),
            "source": {"language": "python", "module": "stranger_module", "function": "steal"},
        },
    }
    broken["nodes"].append(module_node)
    status, answer = await call(jp_fetch, "executions", method="POST", body={"pipeline": broken})
    assert status == 400, answer
    assert [i["node"] for i in answer["issues"]] == ["steal"], answer
    assert "stranger_module" not in sys.modules
    module_node["operation"]["source"]["function"] = "not_there"
    status, answer = await call(jp_fetch, "executions", method="POST", body={"pipeline": broken})
    assert "module 'stranger_module' has no function 'not_there'" in json.dumps(answer["issues"])
    assert not marker.exists(), marker.read_text()
    _, listed = await call(jp_fetch, "executions")
    assert listed["executions"] == []

    status, execution = await call(
        jp_fetch, "executions", method="POST", body={"path": "stranger.pipeline.json"}
    )
    assert status == 201, execution
    assert (await finished(jp_fetch, execution["id"]))["status"] == "succeeded"
    assert marker.read_text().startswith(("ran", "default", "annotation"))
