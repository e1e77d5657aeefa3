"""Generate a job directory from a pipeline node (see docs/executions.md, "The job directory").

The directory is self-contained: ``main.py`` (readable, runnable by hand with ``python main.py``),
``operation.py`` (the operation's own source, when it is not an installed module), ``job.json``
(attribute values as JSON data, input artifact URIs, output keys, storage configuration) and
``refs/`` (copies of referenced files such as architectures).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MAIN_TEMPLATE = '''\
"""Job {job_id} of execution {execution_id}: {name} ({op_id}).

Run it by hand with `python main.py` in this directory. Attribute values, input artifacts and
output locations are in job.json; the result is written to result.json.
"""

import sys

from forgelab.jobs import runtime

{import_line}

if __name__ == "__main__":
    sys.exit(runtime.run({function}, "job.json"))
'''


def write_operation(directory: Path, operation: Mapping[str, Any], module: str) -> str:
    """The import line of ``operation``'s function; its code, when it is not an installed module,
    is written to ``directory/<module>.py`` (also used by :mod:`forgelab.jobs.export`)."""
    source = operation["source"]
    function = source["function"]
    if "module" in source:
        return f"from {source['module']} import {function}"
    (directory / f"{module}.py").write_text(source["code"], encoding="utf-8")
    return f"from {module} import {function}"


def generate(
    directory: str | Path,
    *,
    job_id: str,
    execution_id: str,
    operation: Mapping[str, Any],
    attributes: Mapping[str, Any],
    references: Mapping[str, str],
    inputs: Mapping[str, Mapping[str, Any]],
    outputs: Mapping[str, Mapping[str, Any]],
    storage: Mapping[str, Mapping[str, Any]],
) -> Path:
    """Write the job directory; ``references`` maps names to local files, copied into ``refs/``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    function = operation["source"]["function"]
    import_line = write_operation(directory, operation, "operation")
    copied: dict[str, str] = {}
    for name, path in references.items():
        src = Path(path)
        if not src.exists():
            raise FileNotFoundError(f"reference {name!r}: {path} does not exist")
        (directory / "refs").mkdir(exist_ok=True)
        target = directory / "refs" / src.name
        if src.is_dir():
            shutil.copytree(src, target, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, target)
        copied[name] = f"refs/{src.name}"
    job = {
        "job": job_id,
        "execution": execution_id,
        "operation": dict(operation),
        "attributes": dict(attributes),
        "references": copied,
        "inputs": {k: dict(v) for k, v in inputs.items()},
        "outputs": {k: dict(v) for k, v in outputs.items()},
        "storage": {k: dict(v) for k, v in storage.items()},
    }
    # job.json holds no credential (they reach the job through its environment, see .secrets);
    # attribute values may still be private: readable by the job's user only, from creation on.
    descriptor = os.open(directory / "job.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # a file left by an earlier generation keeps its mode otherwise
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(job, indent=2) + "\n")
    (directory / "main.py").write_text(
        MAIN_TEMPLATE.format(
            job_id=job_id,
            execution_id=execution_id,
            name=operation.get("name", function),
            op_id=operation.get("id", function),
            import_line=import_line,
            function=function,
        ),
        encoding="utf-8",
    )
    return directory
