"""Export a pipeline as a standalone folder or zip that runs with plain ``python main.py``.

The folder holds ``main.py`` (every operation called in dependency order, values passed in
memory), ``operations/`` (the code of operations that are not installed modules, written by
:func:`forgelab.jobs.codegen.write_operation` as for a job), ``inputs/`` and ``refs/`` (copies of
the Input files and referenced files), ``pipeline.json`` (the pipeline as exported) and
``requirements.txt`` (the distributions the operations import, at the versions installed here).
No ForgeLab server, store or adapter is involved; the outputs are pickled into ``outputs/``.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import __version__
from ..jobs.codegen import write_operation
from . import pipeline as pipelines
from .program import OUTPUTS_HELPER, Definition, ExportError, program

__all__ = ["ExportError", "export", "imported_modules", "requirements", "write_folder"]

MAIN_HEADER = '''\
"""Pipeline {name}, exported by ForgeLab.

Run it with plain Python: `pip install -r requirements.txt`, then `python main.py`. Each output
is pickled into outputs/NAME.pickle. pipeline.json is the pipeline as it was exported.
"""

import pickle
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "operations"))

{imports}


{helper}

def main():
    """Run every operation in dependency order; returns the pipeline's outputs by name."""
'''

MAIN_FOOTER = """

if __name__ == "__main__":
    folder = HERE / "outputs"
    folder.mkdir(exist_ok=True)
    for name, value in main().items():
        with open(folder / f"{name}.pickle", "wb") as handle:
            pickle.dump(value, handle)
        print(f"{name}: {type(value).__name__} -> outputs/{name}.pickle")
"""

MAIN_NAMES = frozenset({"main", "pickle", "sys", "Path", "HERE", "folder", "name", "value"})
"""Names main.py uses itself, which no generated variable takes."""


def _copy(source: Path, folder: Path, taken: set[str]) -> str:
    """Copy ``source`` into ``folder`` under a name not yet taken; returns the relative path."""
    folder.mkdir(parents=True, exist_ok=True)
    name, index = source.name, 2
    while name in taken:
        name, index = f"{source.stem}_{index}{source.suffix}", index + 1
    taken.add(name)
    if source.is_dir():
        shutil.copytree(source, folder / name)
    else:
        shutil.copyfile(source, folder / name)
    return f"{folder.name}/{name}"


def imported_modules(code: str) -> set[str]:
    """Top-level names of the modules ``code`` imports (absolute imports, at any depth)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def requirements(modules: set[str]) -> list[str]:
    """``name==version`` of the installed distributions providing ``modules`` (standard
    library and unknown modules left out), sorted."""
    providers = importlib.metadata.packages_distributions()
    lines = set()
    for module in modules:
        if module in sys.stdlib_module_names:
            continue
        if module == "forgelab" and not providers.get(module):  # a source checkout
            lines.add(f"forgelab=={__version__}")
        for dist in providers.get(module, []):
            try:
                version = importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                continue
            lines.add(f"{dist}=={version.split('+')[0]}")  # no local label such as +cpu
    return sorted(lines, key=str.lower)


def _module_code(module: str) -> str:
    """The source of installed module ``module`` (read, not run), or "" when it has none."""
    spec = pipelines._find_spec_unrun(module)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return ""
    return Path(spec.origin).read_text(encoding="utf-8")


def import_line(definition: Definition, line: str) -> str:
    """``line`` (``from M import f``) binding the function to the definition's alias."""
    return line if definition.alias == definition.function else f"{line} as {definition.alias}"


def write_folder(
    doc: Mapping[str, Any], base: Path, folder: Path, root: Path | None = None
) -> Path:
    """Write the standalone folder of pipeline ``doc`` (files relative to ``base``; with
    ``root``, only files inside it)."""
    copied: set[str] = set()

    def copy_file(path: Path, kind: str) -> str:
        return f"str(HERE / {_copy(path, folder / kind, copied)!r})"

    plan = program(doc, base, copy_file, MAIN_NAMES, root)
    operations = folder / "operations"
    operations.mkdir(parents=True, exist_ok=True)
    imports: list[str] = []
    modules: set[str] = set()
    for definition in plan.definitions:
        line = write_operation(operations, definition.operation, f"op_{definition.alias}")
        imports.append(import_line(definition, line))
        if definition.module:
            modules.add(definition.module.split(".")[0])
            modules |= imported_modules(_module_code(definition.module))
        else:
            modules |= imported_modules(definition.code)
    body = [textwrap.indent(step.code, "    ") for step in plan.steps]
    body.append(f"    return {plan.results_expression()}")
    main = MAIN_HEADER.format(name=plan.name, imports="\n".join(imports), helper=OUTPUTS_HELPER)
    (folder / "main.py").write_text(main + "\n".join(body) + "\n" + MAIN_FOOTER, encoding="utf-8")
    own = {p.stem for p in operations.glob("*.py")}
    lines = requirements(modules - own)
    (folder / "requirements.txt").write_text("".join(f"{x}\n" for x in lines), encoding="utf-8")
    (folder / "pipeline.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return folder


def export(
    pipeline_file: str | Path, destination: str | Path, root: str | Path | None = None
) -> Path:
    """Export the pipeline file to ``destination``: a new folder, or a zip when it ends in .zip.
    With ``root`` (the server's Jupyter root) every file it copies must lie inside it.

    Raises :class:`ExportError` (or :class:`~forgelab.executions.pipeline.PipelineError`) with
    the reason when the pipeline cannot run or names something that is not a local file.
    """
    source, target = Path(pipeline_file), Path(destination)
    try:
        doc = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ExportError(f"cannot read {source}: {error}") from None
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ExportError(f"{target} already exists: choose a new folder or zip name")
    confine = Path(root) if root is not None else None
    # Written aside first, so a refusal half-way (a missing file) leaves nothing behind.
    with tempfile.TemporaryDirectory() as scratch:
        folder = write_folder(doc, source.parent, Path(scratch) / target.stem, confine)
        if target.suffix == ".zip":
            archive = shutil.make_archive(
                str(target.with_suffix("")), "zip", folder.parent, folder.name
            )
            return Path(archive)
        if target.is_dir():
            target.rmdir()  # empty, checked above
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(shutil.move(folder, target))


def pipeline_stem(pipeline_file: str | Path) -> str:
    """``dir/digits.pipeline.json`` → ``digits``: the name exports and notebooks are named after."""
    name = Path(pipeline_file).name
    for suffix in (".pipeline.json", ".json"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def default_destination(pipeline_file: str | Path, kind: str = "zip") -> Path:
    """``<name>-export.zip`` (or the folder ``<name>-export``) beside the pipeline, numbered
    ``-1``, ``-2``… past the names already taken, so an export never overwrites."""
    source = Path(pipeline_file)
    suffix = ".zip" if kind == "zip" else ""
    base = f"{pipeline_stem(source)}-export"
    candidate, index = source.with_name(base + suffix), 1
    while candidate.exists() or candidate.is_symlink():
        candidate, index = source.with_name(f"{base}-{index}{suffix}"), index + 1
    return candidate
