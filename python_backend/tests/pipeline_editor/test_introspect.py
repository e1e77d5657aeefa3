"""``POST operations/introspect`` and running a pipeline whose operation is inline code."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import tornado
from forgelab import formats

#: The template the editor's "New operation" starts from (src/pipeline/inline.ts).
TEMPLATE = '''\
def new_operation(data, *, scale: float = 1.0):
    """Describe what this operation does."""
    return data * scale
'''


async def _post(jp_fetch, *path: str, body: Any) -> tuple[int, Any]:
    text = body if isinstance(body, str) else json.dumps(body)
    response = await jp_fetch("forgelab", "api", *path, method="POST", body=text)
    return response.code, json.loads(response.body)


async def _refused(jp_fetch, body: Any) -> dict[str, Any]:
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await _post(jp_fetch, "operations", "introspect", body=body)
    assert info.value.code == 400
    answer = json.loads(info.value.response.body)
    assert "Traceback" not in json.dumps(answer)
    return answer


async def test_good_code_becomes_an_operation(jp_fetch) -> None:
    code = TEMPLATE.replace("(data,", "(data, labels=None,")
    status, operation = await _post(
        jp_fetch, "operations", "introspect", body={"code": code, "function": "new_operation"}
    )
    assert status == 200
    formats.validate("operation", operation)
    assert [p["name"] for p in operation["inputs"]] == ["data", "labels"]
    assert operation["inputs"][1]["optional"] is True
    assert operation["attributes"] == [{"name": "scale", "type": "float", "default": 1.0}]
    assert [p["name"] for p in operation["outputs"]] == ["result"]
    assert operation["source"] == {"language": "python", "function": "new_operation", "code": code}
    assert operation["description"] == "Describe what this operation does."


async def test_a_renamed_function_is_still_found(jp_fetch) -> None:
    code = TEMPLATE.replace("new_operation", "double")
    _, operation = await _post(
        jp_fetch, "operations", "introspect", body={"code": code, "function": "new_operation"}
    )
    assert operation["source"]["function"] == "double"


@pytest.mark.parametrize(
    ("code", "line", "words"),
    [
        ("def f(data:\n    return data\n", 1, "SyntaxError"),
        ("x = 1\n", None, "defines no function"),
        ("def f(*args):\n    return args\n", 1, "cannot be an operation port"),
        ("def a(x):\n    return x\n\ndef b(x):\n    return x\n", None, "`a`, `b`"),
    ],
    ids=["syntax", "no-function", "var-args", "two-functions"],
)
async def test_bad_code_is_refused_with_its_line(jp_fetch, code, line, words) -> None:
    answer = await _refused(jp_fetch, {"code": code})
    assert answer["line"] == line
    assert words in answer["message"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("{not json", "not valid JSON"),
        ([1, 2], "/: expected object"),
        ({"function": "f"}, "missing required property 'code'"),
        ({"code": 3}, "/code: expected string"),
        ({"code": "def f(x):\n    return x\n", "function": 7}, "function"),
    ],
    ids=["not-json", "not-object", "no-code", "code-not-text", "function-not-text"],
)
async def test_a_bad_body_is_refused(jp_fetch, body, words) -> None:
    answer = await _refused(jp_fetch, body)
    assert words in answer["message"]


async def test_a_pipeline_with_an_inline_operation_runs(jp_fetch, jp_root_dir) -> None:
    _, operation = await _post(jp_fetch, "operations", "introspect", body={"code": TEMPLATE})
    source_code = "def numbers(*, n: int = 4):\n    return list(range(n))\n"
    _, numbers = await _post(jp_fetch, "operations", "introspect", body={"code": source_code})
    operation = {
        **operation,
        "source": {
            **operation["source"],
            "code": TEMPLATE.replace("return data * scale", "return [x * scale for x in data]"),
        },
    }
    doc = {
        "format": "forgelab.pipeline",
        "version": 1,
        "nodes": [
            {"id": "numbers", "kind": "operation", "operation": numbers, "attributes": {"n": 3}},
            {
                "id": "scaled",
                "kind": "operation",
                "operation": operation,
                "attributes": {"scale": 2.0},
            },
            {"id": "out", "kind": "output", "name": "out"},
        ],
        "connections": [
            {
                "source": {"node": "numbers", "port": "result"},
                "target": {"node": "scaled", "port": "data"},
            },
            {
                "source": {"node": "scaled", "port": "result"},
                "target": {"node": "out", "port": "value"},
            },
        ],
    }
    formats.validate("pipeline", doc)
    (jp_root_dir / "inline.pipeline.json").write_text(json.dumps(doc))
    status, execution = await _post(
        jp_fetch, "executions", body={"pipeline": None, "path": "inline.pipeline.json"}
    )
    assert status == 201
    for _ in range(600):
        response = await jp_fetch("forgelab", "api", "executions", execution["id"])
        execution = json.loads(response.body)
        if execution["status"] not in ("pending", "running"):
            break
        await asyncio.sleep(0.1)
    assert execution["status"] == "succeeded", execution
    jobs = {job["node"]: job for job in execution["jobs"]}
    code = await jp_fetch(
        "forgelab", "api", "executions", execution["id"], "jobs", jobs["scaled"]["id"], "code"
    )
    files = json.loads(code.body)["files"]
    assert "from operation import new_operation" in files["main.py"]
    artifact = jobs["scaled"]["outputs"]["result"]
    data = await jp_fetch("forgelab", "api", "artifacts", artifact["id"], "download")
    assert artifact["serializer"] == "json"
    assert json.loads(data.body) == [0.0, 2.0, 4.0]
