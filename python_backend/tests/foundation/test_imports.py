"""Product code never imports the test helpers of ``forgelab.testing``."""

from __future__ import annotations

import ast
from pathlib import Path

import forgelab

PACKAGE = Path(forgelab.__file__).parent


def module_name(path: Path) -> str:
    parts = ["forgelab", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (functions included), as an absolute name."""
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_the_walk_resolves_relative_imports() -> None:
    routes = imported_modules(PACKAGE / "testing" / "routes.py")
    assert "forgelab.server.routes" in routes
    offline = imported_modules(PACKAGE / "examples" / "redshift" / "offline.py")
    assert "forgelab.examples.redshift.sky_server" in offline


def test_no_module_outside_forgelab_testing_imports_it() -> None:
    offenders = {
        module_name(path): sorted(
            m
            for m in imported_modules(path)
            if m == "forgelab.testing" or m.startswith("forgelab.testing.")
        )
        for path in PACKAGE.rglob("*.py")
        if "testing" not in path.relative_to(PACKAGE).parts[:1]
    }
    assert {name: found for name, found in offenders.items() if found} == {}
