"""Request bodies: read strictly and checked against one JSON Schema per endpoint.

Every ForgeLab handler that takes a body reads it through
:meth:`~forgelab.server.handlers.ForgeLabHandler.read_body`, which calls :func:`read` off the
event loop. What a body may be is said once, here, so that a wrong type is a 400 that names the
field rather than a 500 from deep inside the orchestrator. What is refused at the door:

- a body larger than :data:`MAX_BODY_BYTES` (413);
- text that is not UTF-8 JSON, ``NaN``/``Infinity``, or a number too large for a float
  (``1e999``), which no JSON answer could carry back;
- JSON nested deeper than :data:`MAX_DEPTH` (no pipeline is; deeper only exhausts the stack);
- anything its endpoint's schema (:data:`SCHEMAS`) does not allow.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from .. import formats
from ..paths import NAME_MAX, PATH_MAX

if TYPE_CHECKING:
    import jsonschema

#: Largest request body accepted (a 10,000-operation pipeline is about 4 MB).
MAX_BODY_BYTES = 32 * 1024 * 1024
#: Deepest nesting of arrays and objects accepted in a body.
MAX_DEPTH = 100
#: Longest job timeout accepted, in seconds (a year); 0 or null is no timeout.
MAX_TIMEOUT = 365 * 24 * 3600


class BadRequest(ValueError):
    """A request body that cannot be used; answered 400 with its message and issues."""

    def __init__(self, message: str, issues: list[formats.Issue] | None = None) -> None:
        self.issues = issues or []
        detail = "".join(f"\n  {issue}" for issue in self.issues)
        super().__init__(message + detail)

    def to_json(self) -> dict[str, Any]:
        return {
            "message": str(self),
            "issues": [{"path": i.path, "message": i.message} for i in self.issues],
        }


class BodyTooLarge(BadRequest):
    """A request body over :data:`MAX_BODY_BYTES`; answered 413."""


_PATH: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": PATH_MAX}
_NAME: dict[str, Any] = {"type": ["string", "null"], "maxLength": NAME_MAX}


_EITHER = "give 'pipeline' (a pipeline document) or 'path' (a pipeline file's path)"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return {**schema, "type": [*kinds, "null"]}


SCHEMAS: dict[str, dict[str, Any]] = {
    "submit": {
        "type": "object",
        "properties": {
            "pipeline": {"type": ["object", "null"]},
            "path": _nullable(_PATH),
            "compute": _NAME,
            "storage": _NAME,
            "name": _NAME,
            "set": {"type": ["object", "null"], "propertyNames": {"maxLength": 1024}},
            "timeout": {"type": ["number", "null"], "minimum": 0, "maximum": MAX_TIMEOUT},
        },
        "anyOf": [
            {
                "required": ["pipeline"],
                "properties": {"pipeline": {"type": "object"}},
                "errorMessage": _EITHER,
            },
            {
                "required": ["path"],
                "properties": {"path": {"type": "string"}},
                "errorMessage": _EITHER,
            },
        ],
    },
    "rerun": {
        "type": ["object", "null"],
        "properties": {"from": {"enum": ["failed", "all"]}},
    },
    "introspect": {
        "type": "object",
        "required": ["code"],
        "properties": {"code": {"type": "string"}, "function": {"type": "string"}},
    },
    "reify": {
        "type": "object",
        "properties": {
            "notebook": _nullable(_PATH),
            "target": {"type": ["string", "null"], "maxLength": NAME_MAX},
            "cell": {"type": ["string", "null"], "maxLength": NAME_MAX},
            "record": {"type": ["string", "null"], "maxLength": NAME_MAX},
            "session": {"type": ["string", "null"], "maxLength": NAME_MAX},
            "version": {"type": ["integer", "null"], "minimum": 0},
            "lift": {"type": ["boolean", "null"]},
            "allowNetwork": {"type": ["boolean", "null"]},
            "path": _nullable(_PATH),
        },
    },
    "pipeline-export": {
        "type": "object",
        "required": ["path"],
        "properties": {
            "path": _PATH,
            "format": {"enum": ["zip", "folder", None]},
            "destination": _nullable(_PATH),
        },
    },
    "artifact-reify": {
        "type": ["object", "null"],
        "properties": {"path": _nullable(_PATH)},
    },
}
"""The JSON Schema of each endpoint's body, by name (:meth:`ForgeLabHandler.read_body`)."""


def depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (0 for a scalar), without recursion."""
    deepest = 0
    todo: list[tuple[Any, int]] = [(value, 0)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        todo.extend((child, level) for child in children)
    return deepest


def parse(raw: bytes) -> Any:
    """The JSON in ``raw`` (``None`` for no body); :class:`BadRequest` for anything else."""
    if len(raw) > MAX_BODY_BYTES:
        raise BodyTooLarge(
            f"the request body is {len(raw):,} bytes, more than the {MAX_BODY_BYTES:,} accepted"
        )
    if not raw.strip():
        return None
    try:
        body = formats.loads(raw)
    except RecursionError:
        raise BadRequest(f"the request body nests deeper than {MAX_DEPTH} levels") from None
    except UnicodeDecodeError:
        raise BadRequest("the request body is not UTF-8 JSON") from None
    except ValueError as error:  # json.JSONDecodeError is one
        raise BadRequest(f"the request body is not valid JSON: {error}") from None
    if depth(body) > MAX_DEPTH:
        raise BadRequest(f"the request body nests deeper than {MAX_DEPTH} levels")
    return body


def event_number(text: str) -> int:
    """``since=N`` of an events request: an integer a database can compare (-1 for all)."""
    try:
        since = int(text) if len(text) <= 20 else None
    except ValueError:
        since = None
    if since is None or not -1 <= since < 2**63:
        raise BadRequest(f"since must be an integer from -1 to {2**63 - 1}, got {text[:30]!r}")
    return since


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    import jsonschema

    schema = SCHEMAS[name]
    return jsonschema.validators.validator_for(schema)(schema)


@cache
def _gate(name: str) -> Callable[[Any], Any]:
    """A compiled yes-or-no check of endpoint ``name``'s schema: jsonschema takes seconds to
    import, and is needed only to word what is wrong with a body the gate refuses."""
    import fastjsonschema

    return fastjsonschema.compile(SCHEMAS[name], use_default=False)


def read(name: str, raw: bytes) -> Any:
    """The body of a request to endpoint ``name``, parsed and checked against its schema."""
    body = parse(raw)
    try:
        _gate(name)(body)
    except Exception:  # a refusal, or a body the compiled check cannot handle: ask jsonschema
        pass
    else:
        return body
    problems = formats.validator_issues(_validator(name), body)
    if problems:
        raise BadRequest("the request body is not what this endpoint takes:", problems)
    return body
