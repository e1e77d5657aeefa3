"""The package's layout keeps its doors: walks the imports of every module of ``forgelab``."""

from __future__ import annotations

import ast
from pathlib import Path

import forgelab

PACKAGE = Path(forgelab.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports (absolute names), also inside functions and branches;
    ``from package import name`` counts as importing ``package.name`` too."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def _importers(target: str, outside: str) -> list[str]:
    """Modules not under ``outside`` that import ``target`` (or something inside it)."""
    importers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "labextension" in path.parts:
            continue
        module = _module_name(path)
        if module == outside or module.startswith(f"{outside}."):
            continue
        if any(name == target or name.startswith(f"{target}.") for name in _imports(path)):
            importers.append(module)
    return importers


def test_the_walk_sees_relative_and_nested_imports() -> None:
    importers = _importers("forgelab.store.models", "forgelab.nowhere")
    assert "forgelab.store.store" in importers and "forgelab.store.history" in importers


def test_only_the_store_imports_its_tables() -> None:
    assert _importers("forgelab.store.models", "forgelab.store") == []


def test_nothing_imports_the_kernel_comm_back() -> None:
    """The kernel extension hands ``register`` down; only ``load_ipython_extension`` loads it."""
    for target in ("forgelab.kernel.comm", "forgelab.kernel.extension"):
        assert set(_importers(target, "forgelab.kernel")) <= {"forgelab"}, target
