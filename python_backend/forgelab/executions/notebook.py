"""A pipeline as notebook cells that run it in plain Python, one cell per node, to step through.

The cells come from the same :func:`~forgelab.executions.program.program` as an exported
``main.py``: a first cell with the imports and the operations' definitions (inline operations'
code, module operations imported), then one cell per Input and operation node in dependency order,
binding each output to a variable named after its port, and a last cell with the pipeline's
outputs by name. Files are read in place: the notebook sits beside the pipeline, and a kernel
starts in its notebook's folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .program import OUTPUTS_HELPER, Definition, program

NOTEBOOK_NAMES = frozenset({"outputs"})
"""Names the notebook's own cells use, which no generated variable takes."""


def _definition(definition: Definition) -> str:
    if definition.module:
        line = f"from {definition.module} import {definition.function}"
        return line if definition.alias == definition.function else f"{line} as {definition.alias}"
    code = definition.code.rstrip()
    if definition.alias != definition.function:
        code += f"\n\n{definition.alias} = {definition.function}"
    return code


def pipeline_cells(doc: Mapping[str, Any], base: Path, root: Path | None = None) -> list[str]:
    """The code cells of pipeline ``doc`` for a notebook in folder ``base`` (the pipeline's);
    with ``root``, its files must lie inside it.

    Raises what :func:`~forgelab.executions.program.program` raises for a pipeline that cannot
    be exported.
    """

    def in_place(path: Path, kind: str) -> str:
        try:
            return repr(Path(os.path.relpath(path, base)).as_posix())
        except ValueError:  # another drive
            return repr(str(path))

    plan = program(doc, base, in_place, NOTEBOOK_NAMES, root)
    modules = [d for d in plan.definitions if d.module]
    inline = [d for d in plan.definitions if not d.module]
    first = [f"# Pipeline {plan.name}: each cell below runs one node, in dependency order."]
    first += [_definition(d) for d in modules]
    first += ["", OUTPUTS_HELPER.rstrip()]
    first += [f"\n{_definition(d)}" for d in inline]
    cells = ["\n".join(first)]
    cells += [step.code for step in plan.steps]
    cells.append(f"outputs = {plan.results_expression()}\noutputs")
    return cells
