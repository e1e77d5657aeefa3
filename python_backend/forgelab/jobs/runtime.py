"""What a job's ``main.py`` calls: load inputs, call the operation, store outputs, write results.

:func:`run` is the whole job: it never raises; it writes ``result.json`` (``succeeded`` with the
output artifacts, or ``failed`` with the error and traceback) and returns the exit status.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from . import events, known_errors, progress, serializers


def _write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def _storage(job: Mapping[str, Any], name: str) -> Any:
    from ..adapters.storage import storage_from_job_config
    from .secrets import merged

    if name not in job.get("storage", {}):
        raise KeyError(f"job.json names storage {name!r} but has no configuration for it")
    return storage_from_job_config(merged(name, job["storage"][name]))


def load_inputs(job: Mapping[str, Any], directory: Path) -> dict[str, Any]:
    """Each input port's value, read from its artifact (a local path for ``file`` inputs)."""
    values: dict[str, Any] = {}
    for port, spec in job.get("inputs", {}).items():
        if spec.get("storage") is None:  # a plain local file or directory
            values[port] = serializers.load(spec["uri"], spec.get("serializer", "file"))
            continue
        storage = _storage(job, spec["storage"])
        local = storage.local_path(spec["uri"])
        if local is None:
            local = str(directory / "inputs" / port)
            os.makedirs(os.path.dirname(local), exist_ok=True)
            storage.get_file(spec["uri"], local)
        values[port] = serializers.load(local, spec.get("serializer", "cloudpickle"))
    return values


def references(job: Mapping[str, Any], directory: Path) -> dict[str, str]:
    """Reference name to an absolute path (references are copied into the job's ``refs/``)."""
    return {
        name: str((directory / path).resolve()) for name, path in job.get("references", {}).items()
    }


def split_outputs(value: Any, ports: list[str]) -> dict[str, Any]:
    """Match a function's return value to its output ports.

    Self-contained (it names nothing outside itself): an exported pipeline's ``main.py`` and its
    notebook carry its source as their ``_outputs``, so they match outputs exactly as a job does.
    """
    if not ports:
        return {}
    if len(ports) == 1 and not (hasattr(value, "_fields") and tuple(value._fields) == tuple(ports)):
        return {ports[0]: value}
    if hasattr(value, "_fields"):
        return {p: getattr(value, p) for p in ports}
    if isinstance(value, dict) and set(ports) <= set(value):
        return {p: value[p] for p in ports}
    if isinstance(value, (tuple, list)) and len(value) == len(ports):
        return dict(zip(ports, value, strict=True))
    kind = type(value)
    named = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
    raise ValueError(
        f"the operation declares outputs {', '.join(ports)} but returned a {named}; "
        "return a tuple, NamedTuple or dict with one value per output"
    )


def store_outputs(
    job: Mapping[str, Any], directory: Path, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Serialize and store each output; returns result.json's ``outputs``."""
    stored: dict[str, Any] = {}
    scratch = directory / "outputs"
    scratch.mkdir(exist_ok=True)
    operation = job["operation"].get("name", "")
    for port, spec in job.get("outputs", {}).items():
        value = values.get(port)
        local = scratch / port
        serializer = serializers.dump(value, str(local), port=port, operation=operation)
        storage = _storage(job, spec["storage"])
        obj = storage.put_file(str(local), spec["key"])
        stored[port] = {
            "storage": spec["storage"],
            "uri": obj.uri,
            "size": obj.size,
            "hash": obj.hash,
            "serializer": serializer,
            "type": serializers.type_name(value),
        }
        local.unlink(missing_ok=True)
    return stored


def run(function: Callable[..., Any], job_file: str | os.PathLike[str] = "job.json") -> int:
    """Run one job described by ``job_file``; returns 0 on success, 1 on failure."""
    job_path = Path(job_file).resolve()
    directory = job_path.parent
    result_path = directory / "result.json"
    try:
        job = json.loads(job_path.read_text(encoding="utf-8"))
        if events.enabled():
            progress.install()
        inputs = load_inputs(job, directory)
        args = {**inputs, **references(job, directory), **job.get("attributes", {})}
        value = function(**args)
        ports = [p["name"] for p in job["operation"].get("outputs", [])]
        outputs = store_outputs(job, directory, split_outputs(value, ports))
        _flush_figures()
        _write_json_atomic(result_path, {"status": "succeeded", "outputs": outputs})
        return 0
    except BaseException as error:  # noqa: BLE001 - every failure becomes result.json
        if isinstance(error, SystemExit) and not error.code:
            error = RuntimeError("the operation called sys.exit() before returning its outputs")
        text = "".join(traceback.format_exception(error))
        sys.stderr.write(text)
        sys.stderr.flush()
        _write_json_atomic(result_path, {"status": "failed", "error": failure(error, text)})
        return 1


def failure(error: BaseException, text: str) -> dict[str, Any]:
    """result.json's ``error``: a known error type is told in one line (``known``), any other
    by its own text; the traceback is kept either way."""
    found = known_errors.explain(error)
    described: dict[str, Any] = {
        "type": type(error).__name__,
        "message": found[0] if found else (str(error) or type(error).__name__),
        "traceback": text,
    }
    if found:
        described["known"] = True
    return described


def _flush_figures() -> None:
    backend = sys.modules.get("forgelab.jobs.mpl_backend")
    if backend is not None:
        backend._flush()
