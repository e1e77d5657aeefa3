"""The files a pipeline names must exist before it runs: each operation's references and each
Input node's source (unless the source is a known artifact).

Checked at submit so that a missing file is refused at once, naming the node and the property,
instead of failing a job later with a path on the server. Paths are shown relative to the
user's root (a server's Jupyter root, the working folder of ``forgelab run``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .pipeline import PipelineError, PipelineIssue


class MissingFiles(PipelineError):
    """Files a pipeline names do not exist; the message is one line naming each one."""

    def __init__(self, issues: list[PipelineIssue], source: str | None = None) -> None:
        super().__init__(issues, source)
        self.args = ("; ".join(issue.message for issue in issues),)


def node_title(node: Mapping[str, Any]) -> str:
    """The title the editor shows: the label, else the operation's or the Input's name."""
    operation = node.get("operation") or {}
    title = node.get("label") or operation.get("name") or node.get("name") or node.get("id")
    return str(title)


def shown(path: Path, root: Path) -> str:
    """``path`` as the user sees it: relative to ``root`` (with ``..`` if it is outside)."""
    return os.path.relpath(path, root)


def _as_given(value: str, full: Path, root: Path) -> str:
    """A URI as written, a path relative to the root."""
    return value if "://" in value else shown(full.resolve(), root)


def missing_files(
    doc: Mapping[str, Any], base: Path, root: Path, known: Callable[[str], bool]
) -> list[PipelineIssue]:
    """One issue per reference or Input source that names no existing file; paths are relative
    to ``base`` (the pipeline's folder), ``known(source)`` says whether a source is an artifact."""
    issues = []
    for index, node in enumerate(doc.get("nodes", [])):
        title = node_title(node)
        named: list[tuple[str, str, str]] = []
        if node.get("kind") == "input":
            source = node.get("source")
            if isinstance(source, str) and source and not known(source):
                named.append(("source", "source", source))
        for name, ref in (node.get("references") or {}).items():
            if isinstance(ref, str) and ref:
                named.append((f"references/{name}", f"reference {name!r}", ref))
        for where, what, value in named:
            full = base / value
            if full.exists():
                continue
            problem = (
                "is neither a file nor a known artifact" if what == "source" else "does not exist"
            )
            issues.append(
                PipelineIssue(
                    f"/nodes/{index}/{where}",
                    f"{title}: {what}: {_as_given(value, full, root)} {problem} "
                    "(upload it or choose another file)",
                    node.get("id"),
                )
            )
    return issues


def check(
    doc: Mapping[str, Any],
    base: Path,
    root: Path,
    known: Callable[[str], bool],
    source: str | None = None,
) -> None:
    """Raise :class:`MissingFiles` when a reference or Input source names no existing file."""
    issues = missing_files(doc, base, root, known)
    if issues:
        raise MissingFiles(issues, source)
