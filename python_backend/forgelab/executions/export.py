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
import re
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import __version__
from ..jobs.codegen import write_operation
from . import graph
from . import pipeline as pipelines
from .running import _attribute_values

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


def _outputs(value, ports):
    """Match an operation's return value to its output ports (as a ForgeLab job does)."""
    if not ports:
        return {{}}
    if len(ports) == 1 and not (hasattr(value, "_fields") and tuple(value._fields) == tuple(ports)):
        return {{ports[0]: value}}
    if hasattr(value, "_fields"):
        return {{p: getattr(value, p) for p in ports}}
    if isinstance(value, dict) and set(ports) <= set(value):
        return {{p: value[p] for p in ports}}
    return dict(zip(ports, value, strict=True))


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


class ExportError(ValueError):
    """A pipeline cannot be exported; the message says why and what to do."""


def _identifier(text: str, taken: set[str]) -> str:
    """A Python identifier made of ``text``, distinct from ``taken`` (which it joins)."""
    name = re.sub(r"\W", "_", text).strip("_") or "node"
    if name[0].isdigit() or name in taken:
        name = f"n_{name}"
    base, index = name, 2
    while name in taken:
        name, index = f"{base}_{index}", index + 1
    taken.add(name)
    return name


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


def _local_file(base: Path, value: Any, what: str) -> Path:
    if not isinstance(value, str) or not value or "://" in value or value.startswith("~"):
        raise ExportError(
            f"{what}: {value!r} is not a file next to the pipeline; only files can be exported "
            "(download the artifact and point the Input at the file)"
        )
    path = Path(value) if Path(value).is_absolute() else base / value
    if not path.exists():
        raise ExportError(f"{what}: {value} does not exist (choose an existing file)")
    return path


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


def write_folder(doc: Mapping[str, Any], base: Path, folder: Path) -> Path:
    """Write the standalone folder of pipeline ``doc`` (files relative to ``base``)."""
    pipelines.validate(doc, check_sources=True)
    nodes = {n["id"]: n for n in doc["nodes"]}
    folder.mkdir(parents=True, exist_ok=True)
    operations = folder / "operations"
    operations.mkdir(exist_ok=True)
    names: set[str] = {"main", "pickle", "sys", "Path", "HERE", "_outputs"}
    copied: set[str] = set()
    imports: list[str] = []
    modules: set[str] = set()
    variable: dict[str, str] = {}
    body: list[str] = []
    for node_id in pipelines.topological_order(doc):
        node = nodes.get(node_id)
        if node is None:
            continue
        title = node.get("label") or node.get("name") or node_id
        if node["kind"] == "input":
            path = _local_file(base, node.get("source"), f"input {title!r}")
            relative = _copy(path, folder / "inputs", copied)
            variable[node_id] = _identifier(node_id, names)
            body.append(f"    {variable[node_id]} = str(HERE / {relative!r})")
            continue
        if node["kind"] != "operation":
            continue
        operation = node["operation"]
        source = operation["source"]
        module = _identifier(f"op_{node_id}", set(names))
        line = write_operation(operations, operation, module)
        function = _identifier(f"{source['function']}_{node_id}", names)
        imports.append(f"{line} as {function}")
        if "module" in source:
            modules.add(source["module"].split(".")[0])
            modules |= imported_modules(_module_code(source["module"]))
        else:
            modules |= imported_modules(source["code"])
        args: list[str] = []
        for port, feeder in graph.incoming(doc, node_id):
            upstream = nodes[feeder["node"]]
            value = variable[feeder["node"]]
            args.append(
                f"{port}={value}[{feeder['port']!r}]"
                if upstream["kind"] == "operation"
                else f"{port}={value}"
            )
        for name, ref in (node.get("references") or {}).items():
            path = _local_file(base, ref, f"{title}: reference {name!r}")
            args.append(f"{name}=str(HERE / {_copy(path, folder / 'refs', copied)!r})")
        args += [f"{k}={v!r}" for k, v in _attribute_values(node).items()]
        ports = [p["name"] for p in operation.get("outputs", [])]
        variable[node_id] = _identifier(node_id, names)
        body.append(f"    # {title}")
        body.append(f"    {variable[node_id]} = _outputs({function}({', '.join(args)}), {ports!r})")
    results = []
    for node in doc["nodes"]:
        if node["kind"] != "output":
            continue
        for _, feeder in graph.incoming(doc, node["id"]):
            results.append(f"{node['name']!r}: {variable[feeder['node']]}[{feeder['port']!r}]")
    body.append(f"    return {{{', '.join(results)}}}")
    main = MAIN_HEADER.format(name=doc.get("name", "pipeline"), imports="\n".join(imports))
    (folder / "main.py").write_text(main + "\n".join(body) + "\n" + MAIN_FOOTER, encoding="utf-8")
    own = {p.stem for p in operations.glob("*.py")}
    lines = requirements(modules - own)
    (folder / "requirements.txt").write_text("".join(f"{x}\n" for x in lines), encoding="utf-8")
    (folder / "pipeline.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return folder


def export(pipeline_file: str | Path, destination: str | Path) -> Path:
    """Export the pipeline file to ``destination``: a new folder, or a zip when it ends in .zip.

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
    if target.suffix != ".zip":
        return write_folder(doc, source.parent, target)
    with tempfile.TemporaryDirectory() as scratch:
        folder = write_folder(doc, source.parent, Path(scratch) / target.stem)
        archive = shutil.make_archive(
            str(target.with_suffix("")), "zip", folder.parent, folder.name
        )
    return Path(archive)
