"""Every bad request found by trying to break a running server, replayed against one real server:
each is a 4xx that says what was wrong (never a 500 "Unhandled error"), nothing of it is stored,
it is logged in one WARNING line, and the server still answers ``/api/status`` within a second.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

from .conftest import call, finished, inline, pipeline

ONE = "def one(*, n: float = 1.0):\n    return n\n"


async def send(jp_fetch, *path: str, method: str = "POST", raw: bytes | None = None, **kw: Any):
    """``(status, answer)`` of a request whose body is sent byte for byte."""
    return await call(jp_fetch, *path, method=method, raw=raw, **kw)


async def status_within_a_second(jp_fetch) -> None:
    code, answer = await asyncio.wait_for(call(jp_fetch, "status"), 1.0)
    assert code == 200 and answer["status"] == "ok"


def _doc(**attributes: Any) -> dict[str, Any]:
    operation = inline(ONE, "one", attributes=[{"name": "n", "type": "float", "default": 1.0}])
    node = {"id": "one", "kind": "operation", "operation": operation}
    if attributes:
        node["attributes"] = attributes
    return pipeline([node])


def _raw(doc: dict[str, Any], **extra: str) -> bytes:
    """The JSON of ``{"pipeline": doc}`` with members whose text is given as is (``1e999``)."""
    text = json.dumps({"pipeline": doc})[:-1]
    return (text + "".join(f', "{k}": {v}' for k, v in extra.items()) + "}").encode()


def _with_input(source: str) -> dict[str, Any]:
    reader = inline(
        "def read(data):\n    return open(data).read()\n",
        "read",
        inputs=[{"name": "data", "type": "any"}],
    )
    return pipeline(
        [
            {"id": "in", "kind": "input", "name": "data", "source": source},
            {"id": "read", "kind": "operation", "operation": reader},
        ],
        [("in", "value", "read", "data")],
    )


async def test_every_bad_request_is_a_clear_4xx_and_the_server_keeps_answering(
    jp_fetch, jp_root_dir: Path, caplog
) -> None:
    # The first answer imports Keras (seconds on a busy machine): not part of what is checked.
    await call(jp_fetch, "status", request_timeout=300)
    code, execution = await call(jp_fetch, "executions", method="POST", body={"pipeline": _doc()})
    assert code == 201, execution
    done = await finished(jp_fetch, execution["id"])
    assert done["status"] == "succeeded", done
    eid, job = done["id"], done["jobs"][0]
    artifact = job["outputs"]["result"]["id"]
    (jp_root_dir / "latin1.pipeline.json").write_bytes(
        json.dumps(_doc()).replace("one", "\u00e9t\u00e9").encode("latin-1")
    )
    deep = b"[" * 100_000 + b"]" * 100_000
    long_path = "d/" * 2500 + "p.pipeline.json"
    caplog.clear()
    caplog.set_level(logging.WARNING)

    post = ("executions",)
    cases: list[tuple[tuple[str, ...], dict[str, Any], int, str]] = [
        # wrong types in a submit
        (post, {"raw": b'{"pipeline": "p.pipeline.json"}'}, 400, "/pipeline: expected object"),
        (post, {"raw": b'{"pipeline": 7}'}, 400, "/pipeline: expected object"),
        (post, {"raw": _raw(_doc(), timeout='"soon"')}, 400, "/timeout: expected number"),
        (post, {"raw": _raw(_doc(), timeout="[1]")}, 400, "/timeout: expected number"),
        (post, {"raw": _raw(_doc(), compute='["local"]')}, 400, "/compute: expected string"),
        (post, {"raw": _raw(_doc(), set='"one.n=2"')}, 400, "/set: expected object"),
        (post, {"raw": b"{}"}, 400, "give 'pipeline'"),
        # numbers that are not finite, or out of range
        (post, {"raw": _raw(_doc(), timeout="1e999")}, 400, "finite number"),
        (post, {"raw": _raw(_doc(), timeout="-5")}, 400, "/timeout: expected a number >= 0"),
        (post, {"raw": _raw(_doc(), timeout="NaN")}, 400, "finite number"),
        (post, {"raw": _raw(_doc(n="MARK")).replace(b'"MARK"', b"1e999")}, 400, "finite"),
        (post, {"raw": _raw(_doc(n="MARK")).replace(b'"MARK"', b"-Infinity")}, 400, "finite"),
        (post, {"raw": _raw(_doc(), set='{"one.n": 1e999}')}, 400, "finite number"),
        # JSON nested beyond reason, in every endpoint that takes a body
        (post, {"raw": deep}, 400, "nests deeper"),
        (("operations", "introspect"), {"raw": deep}, 400, "nests deeper"),
        (("provenance", "reify"), {"raw": deep}, 400, "nests deeper"),
        (("artifacts", artifact, "reify"), {"raw": deep}, 400, "nests deeper"),
        (("executions", eid, "rerun"), {"raw": deep}, 400, "nests deeper"),
        # not JSON, not UTF-8
        (post, {"raw": b"{"}, 400, "not valid JSON"),
        (post, {"raw": b'{"pipeline": "\xff"}'}, 400, "not UTF-8"),
        # a re-run body that is not an object
        (("executions", eid, "rerun"), {"raw": b"[1]"}, 400, "expected object"),
        (("executions", eid, "rerun"), {"raw": b'"all"'}, 400, "expected object"),
        (("executions", eid, "rerun"), {"raw": b'{"from": "everything"}'}, 400, "/from"),
        # other endpoints' wrong types
        (("operations", "introspect"), {"raw": b'{"code": 5}'}, 400, "/code: expected string"),
        (("provenance", "reify"), {"raw": b'{"notebook": ["n"]}'}, 400, "/notebook"),
        # paths no file system holds, files that are not UTF-8
        (post, {"raw": json.dumps({"path": long_path}).encode()}, 400, "/path"),
        (post, {"raw": json.dumps({"path": "x" * 300 + ".json"}).encode()}, 400, "too long"),
        (post, {"raw": b'{"path": "latin1.pipeline.json"}'}, 400, "not UTF-8"),
        # reify into no file, a hidden file, or ForgeLab's own folder
        (("artifacts", artifact, "reify"), {"raw": b'{"path": ""}'}, 400, "/path"),
        (("artifacts", artifact, "reify"), {"raw": b'{"path": "."}'}, 400, "no visible file"),
        (("artifacts", artifact, "reify"), {"raw": b'{"path": "sub/"}'}, 400, "no visible file"),
        (
            ("artifacts", artifact, "reify"),
            {"raw": b'{"path": ".forgelab/p.pipeline.json"}'},
            400,
            "ForgeLab's own folder",
        ),
        # inputs that no job could read
        (post, {"raw": json.dumps({"pipeline": _with_input("~/.bashrc")}).encode()}, 400, "~"),
        (
            post,
            {"raw": json.dumps({"pipeline": _with_input("file:///etc/passwd")}).encode()},
            400,
            "neither a file nor a known artifact",
        ),
        # a cursor no database can hold
        (
            ("executions", eid, "jobs", job["id"], "events"),
            {"method": "GET", "params": {"since": "9" * 30}},
            400,
            "since must be an integer",
        ),
        (
            ("executions", eid, "jobs", job["id"], "events"),
            {"method": "GET", "params": {"since": str(2**64)}},
            400,
            "since must be an integer",
        ),
        # larger than any pipeline
        (post, {"raw": b" " * (33 * 1024 * 1024) + b"{}"}, 413, "more than the"),
    ]
    for path, request, expected, words in cases:
        code, answer = await send(jp_fetch, *path, **request)
        where = (path, str(request)[:120])
        assert code == expected, (where, answer)
        assert isinstance(answer, dict) and words in answer["message"], (where, answer)

    # Nothing of it was stored or written.
    code, listed = await send(jp_fetch, "executions", method="GET")
    assert code == 200 and [e["id"] for e in listed["executions"]] == [eid]
    json.loads(json.dumps(listed), parse_constant=lambda name: 1 / 0)
    written = {p.name for p in jp_root_dir.rglob("*.pipeline.json")}
    assert written == {"latin1.pipeline.json"}, written
    # Handled refusals are one WARNING line each, never an ERROR with a traceback.
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert not [r for r in caplog.records if r.exc_info], "a handled error was logged with a trace"
    assert any("400 POST" in r.getMessage() for r in caplog.records)
    await status_within_a_second(jp_fetch)


def _chain(size: int) -> dict[str, Any]:
    """``size`` operations in a line, the last with an unknown attribute (so nothing runs)."""
    step = inline(
        "def step(x=None):\n    return x\n",
        "step",
        inputs=[{"name": "x", "type": "any", "optional": True}],
    )
    nodes = [{"id": f"n{i}", "kind": "operation", "operation": step} for i in range(size)]
    nodes[-1] = {**nodes[-1], "attributes": {"bogus": 1}}
    return pipeline(nodes, [(f"n{i}", "result", f"n{i + 1}", "x") for i in range(size - 1)])


async def test_a_10000_node_chain_leaves_the_server_answering(jp_fetch) -> None:
    await call(jp_fetch, "status", request_timeout=300)
    raw = json.dumps({"pipeline": _chain(10_000)}).encode()
    big = asyncio.ensure_future(send(jp_fetch, "executions", raw=raw))
    answered_meanwhile = 0
    while not big.done():
        await status_within_a_second(jp_fetch)
        answered_meanwhile += not big.done()
        await asyncio.sleep(0.05)
    code, answer = await big
    assert code == 400, answer
    assert [i["path"] for i in answer["issues"]] == ["/nodes/9999/attributes/bogus"], answer
    assert "unknown attribute 'bogus'" in answer["issues"][0]["message"]
    assert answered_meanwhile >= 1
