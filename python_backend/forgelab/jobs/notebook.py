"""A job's generated code as notebook cells that run in the user's kernel.

The cells do what the job's ``main.py`` does through :func:`forgelab.jobs.runtime.run`, one step
per cell: define the operation, load the inputs from their artifacts with the runtime's own
:func:`~forgelab.jobs.runtime.load_inputs` (and the references the job copied), bind the
attribute values, call the operation and match its value to the output ports. Nothing is stored:
the outputs stay in the kernel, to inspect.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..executions.program import identifier

HEADER = """\
# Job {job} of execution {execution}: {name}.
# Its inputs are loaded from their artifacts as the job loads them; nothing is stored.
import json
from pathlib import Path

from forgelab.jobs import runtime

{definition}"""
"""The first cell: what the job is, the runtime, and the operation (imported, or its code)."""


def job_cells(job: Mapping[str, Any], directory: Path) -> list[str]:
    """The code cells of the job described by ``job`` (its ``job.json``) in ``directory``."""
    operation = job["operation"]
    source = operation["source"]
    function = source["function"]
    taken = {"json", "Path", "runtime", "JOB_DIR", "job", "inputs", "refs", "value", "outputs"}
    taken.add(function)
    if "module" in source:
        definition = f"from {source['module']} import {function}"
    else:
        definition = source["code"].rstrip()
    cells = [
        HEADER.format(
            job=job.get("job", ""),
            execution=job.get("execution", ""),
            name=operation.get("name", function),
            definition=definition,
        )
    ]
    arguments: list[str] = []
    load = [
        f"JOB_DIR = Path({str(directory)!r})",
        'job = json.loads((JOB_DIR / "job.json").read_text(encoding="utf-8"))',
        "inputs = runtime.load_inputs(job, JOB_DIR)",
    ]
    for port in job.get("inputs", {}):
        variable = identifier([port, f"input_{port}"], taken)
        load.append(f"{variable} = inputs[{port!r}]")
        arguments.append(f"{port}={variable}")
    if job.get("references"):
        load.append("refs = runtime.references(job, JOB_DIR)")
        for name in job["references"]:
            variable = identifier([name, f"ref_{name}"], taken)
            load.append(f"{variable} = refs[{name!r}]")
            arguments.append(f"{name}={variable}")
    cells.append("\n".join(load))
    attributes = []
    for name, value in job.get("attributes", {}).items():
        variable = identifier([name, f"attr_{name}"], taken)
        attributes.append(f"{variable} = {value!r}")
        arguments.append(f"{name}={variable}")
    if attributes:
        cells.append("\n".join(attributes))
    ports = [p["name"] for p in operation.get("outputs", [])]
    cells.append(
        f"value = {function}({', '.join(arguments)})\n"
        f"outputs = runtime.split_outputs(value, {ports!r})\noutputs"
    )
    return cells
