"""ForgeLab's file formats: one JSON Schema per format, shared with the TypeScript side.

The schemas in this folder are the single source of truth. The front end imports the same files
(``src/formats``) for validation and generates its types from them, so a document that one side
accepts the other accepts too.
"""

from __future__ import annotations

import json
import keyword
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # jsonschema takes seconds to import (its URI grammar): only when validating
    import jsonschema
    from referencing import Registry

FormatName = Literal["operation", "pipeline", "architecture", "artifact", "execution", "provenance"]

FORMATS: tuple[FormatName, ...] = (
    "operation",
    "pipeline",
    "architecture",
    "artifact",
    "execution",
    "provenance",
)

#: File name suffixes that JupyterLab registers as ForgeLab documents.
FILE_SUFFIXES: dict[str, FormatName] = {
    ".pipeline.json": "pipeline",
    ".arch.json": "architecture",
}

_BASE_URI = "https://forgelab.dev/formats/"


def is_python_identifier(value: Any) -> bool:
    """The ``python-identifier`` format: what Python accepts as a variable name (``θ``, ``Σ_y``).

    A named format rather than a ``pattern``: Python's ``re`` has no ``\\p{XID_Start}`` and
    ECMAScript's ``\\w`` is ASCII, so no one regex means the same to both validators.
    ``src/formats/index.ts`` registers the same check. Non-strings pass: ``type`` rejects them.
    """
    return not isinstance(value, str) or (value.isidentifier() and not keyword.iskeyword(value))


#: Checks of the custom ``format`` values the schemas use, registered with both validators.
CUSTOM_FORMATS: dict[str, Callable[[Any], bool]] = {"python-identifier": is_python_identifier}

#: How an issue names what a ``format`` expected (shared with the TypeScript side).
_FORMAT_WORDS = {
    "python-identifier": "a Python identifier (letters, digits and _, not starting with a digit, "
    "not a keyword)",
}


@dataclass(frozen=True)
class Issue:
    """One validation failure: where in the document, and what was expected there."""

    path: str
    """JSON Pointer into the document ('' is the whole document)."""
    message: str

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.message}"


class FormatError(ValueError):
    """A document does not follow its ForgeLab format."""

    def __init__(self, format_name: str, issues: list[Issue], source: str | None = None) -> None:
        self.format_name = format_name
        self.issues = issues
        self.source = source
        where = f" in {source}" if source else ""
        lines = "\n".join(f"  {issue}" for issue in issues)
        super().__init__(f"Invalid {format_name} document{where}:\n{lines}")

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format_name,
            "source": self.source,
            "issues": [{"path": i.path, "message": i.message} for i in self.issues],
        }


def schema_path(name: FormatName) -> Path:
    return Path(str(resources.files(__name__).joinpath(f"{name}.schema.json")))


@cache
def schema(name: FormatName) -> dict[str, Any]:
    """The JSON Schema of a format."""
    if name not in FORMATS:
        raise KeyError(f"Unknown ForgeLab format {name!r}; known: {', '.join(FORMATS)}")
    return json.loads(schema_path(name).read_text(encoding="utf-8"))


@cache
def _registry() -> Registry:
    from referencing import Registry, Resource

    return Registry().with_resources(
        (_BASE_URI + f"{n}.schema.json", Resource.from_contents(schema(n))) for n in FORMATS
    )


@cache
def _validator(name: FormatName) -> jsonschema.protocols.Validator:
    import jsonschema

    cls = jsonschema.validators.validator_for(schema(name))
    checker = jsonschema.FormatChecker()
    for format_name, check in CUSTOM_FORMATS.items():
        checker.checks(format_name)(check)
    return cls(schema(name), registry=_registry(), format_checker=checker)


def _pointer(path: Iterable[Any]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return _JSON_TYPES.get(type(value), type(value).__name__)


def quote(value: Any) -> str:
    """A short JSON rendering of a value, the same as the TypeScript side prints."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _explain(error: jsonschema.ValidationError) -> list[str]:
    """Say what was expected, in words rather than schema keywords (one message per problem).

    The wording is shared with ``src/formats/index.ts``; the fixtures in ``fixtures/formats``
    hold both sides to it.
    """
    kw, value, instance = error.validator, error.validator_value, error.instance
    parent = error.schema if isinstance(error.schema, dict) else {}
    if isinstance(parent.get("errorMessage"), str):
        return [parent["errorMessage"]]
    if kw == "required":
        missing = [p for p in value if isinstance(instance, dict) and p not in instance]
        return [f"missing required property '{m}'" for m in missing]
    if kw == "additionalProperties":
        extra = [p for p in instance if p not in parent.get("properties", {})]
        return [f"unknown property '{p}'" for p in extra]
    if kw == "not" and isinstance(instance, dict) and "anyOf" in value:
        present = [
            p for branch in value["anyOf"] for p in branch.get("required", []) if p in instance
        ]
        kind = f" when kind is '{instance['kind']}'" if "kind" in instance else ""
        return [f"property '{p}' is not allowed{kind}" for p in present]
    if kw == "type":
        kinds = value if isinstance(value, list) else [value]
        return [f"expected {' or '.join(kinds)}, got {quote(instance)} ({_json_type(instance)})"]
    if kw == "enum":
        return [f"expected one of {', '.join(quote(v) for v in value)}, got {quote(instance)}"]
    if kw == "const":
        return [f"expected {quote(value)}, got {quote(instance)}"]
    if kw == "pattern":
        return [f"{quote(instance)} does not match the pattern {value}"]
    if kw == "format":
        return [f"{quote(instance)} is not {_FORMAT_WORDS.get(value, f'a valid {value}')}"]
    if kw == "minItems":
        return [f"expected at least {value} item{'' if value == 1 else 's'}"]
    if kw == "minLength":
        return [f"expected at least {value} character{'' if value == 1 else 's'}"]
    if kw == "maxLength":  # the value itself may be megabytes: its length only
        return [f"expected at most {value} characters, got {len(instance)}"]
    if kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {
            "minimum": ">=",
            "maximum": "<=",
            "exclusiveMinimum": ">",
            "exclusiveMaximum": "<",
        }
        return [f"expected a number {words[kw]} {value}, got {quote(instance)}"]
    return [error.message]


@cache
def _gate(name: FormatName) -> Callable[[Any], Any] | None:
    """A compiled yes-or-no check of format ``name``, or None when fastjsonschema is missing.

    Valid documents are the common case (every save, every run, every reify), and jsonschema
    takes half a second on a 200-operation pipeline because it resolves each ``$ref`` as it
    goes; fastjsonschema compiles the schema to Python once. jsonschema stays the authority
    and words the issues of a document the gate refuses. ``use_default=False``: the gate must
    never fill defaults into the caller's document.
    """
    try:
        import fastjsonschema
    except ImportError:
        return None

    def load(uri: str) -> dict[str, Any]:
        return schema(uri.removeprefix(_BASE_URI).removesuffix(".schema.json"))  # type: ignore[arg-type]

    return fastjsonschema.compile(
        schema(name), handlers={"https": load}, formats=CUSTOM_FORMATS, use_default=False
    )


def _passes_gate(name: FormatName, document: Any) -> bool:
    gate = _gate(name)
    if gate is None:
        return False
    try:
        gate(document)
    except Exception:  # a refusal, or input the compiled check cannot handle: ask jsonschema
        return False
    return True


def _leaves(errors: Iterable[jsonschema.ValidationError]) -> Iterable[jsonschema.ValidationError]:
    """The most specific errors: a failed ``if/then`` or ``allOf`` says less than what is inside."""
    for error in errors:
        if error.context and error.validator in ("allOf", "anyOf", "oneOf", "then", "else"):
            yield from _leaves(error.context)
        else:
            yield error


def issues(name: FormatName, document: Any) -> list[Issue]:
    """Every way ``document`` breaks format ``name``, sorted by path; empty when it is valid."""
    if _passes_gate(name, document):
        return []
    return validator_issues(_validator(name), document)


def validator_issues(validator: jsonschema.protocols.Validator, document: Any) -> list[Issue]:
    """Every way ``document`` breaks ``validator``'s schema, worded as the formats' issues are
    (so a request body and a file say what was expected the same way), sorted by path."""
    found = {
        Issue(_pointer(error.absolute_path), message)
        for error in _leaves(validator.iter_errors(document))
        for message in _explain(error)
    }
    return sorted(found, key=lambda i: (i.path, i.message))


def refuse_constant(name: str) -> Any:
    """``parse_constant`` for :func:`json.loads`: ``NaN`` and ``Infinity`` are not JSON."""
    raise ValueError(f"{name} is not a JSON number: give a finite number")


def finite_float(text: str) -> float:
    """``parse_float`` for :func:`json.loads`: a number too large for a float (``1e999``) is
    refused rather than read as ``Infinity``, which no JSON answer could carry back."""
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text[:30]} is too large a number: give a finite number")
    return value


def loads(text: str | bytes) -> Any:
    """:func:`json.loads` that refuses non-finite numbers (a :class:`ValueError` saying so)."""
    return json.loads(text, parse_constant=refuse_constant, parse_float=finite_float)


def validate(name: FormatName, document: Any, *, source: str | None = None) -> Any:
    """Return ``document`` if it follows format ``name``; raise :class:`FormatError` otherwise."""
    problems = issues(name, document)
    if problems:
        raise FormatError(name, problems, source)
    return document


def format_for_path(path: str | Path) -> FormatName | None:
    """The format a file holds, judged by its name (``net.arch.json`` is an architecture)."""
    name = Path(path).name
    for suffix, format_name in FILE_SUFFIXES.items():
        if name.endswith(suffix):
            return format_name
    return None


def load(path: str | Path, name: FormatName | None = None) -> dict[str, Any]:
    """Read and validate a ForgeLab file; malformed JSON is a :class:`FormatError` too."""
    path = Path(path)
    name = name or format_for_path(path)
    if name is None:
        suffixes = ", ".join(FILE_SUFFIXES)
        raise FormatError(
            "ForgeLab", [Issue("", f"unknown file type; expected {suffixes}")], str(path)
        )
    try:
        document = loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise FormatError(
            name, [Issue("", f"not valid JSON ({where}): {error.msg}")], str(path)
        ) from None
    except UnicodeDecodeError as error:
        raise FormatError(
            name,
            [Issue("", f"not UTF-8 text (byte {error.start}): save the file as UTF-8")],
            str(path),
        ) from None
    except (ValueError, RecursionError) as error:
        message = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise FormatError(name, [Issue("", f"not valid JSON: {message}")], str(path)) from None
    return validate(name, document, source=str(path))


def dump(document: Mapping[str, Any]) -> str:
    """Serialise a document the way ForgeLab writes files: two-space indent, trailing newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
