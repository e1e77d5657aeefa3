"""A pipeline document as a graph: who feeds whom, through which ports.

Every walk over ``doc["connections"]`` goes through these helpers, so the orchestrator, pipeline
validation and reify agree on what "upstream" and "feeds" mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Document = Mapping[str, Any]


def feeders(doc: Document) -> dict[str, set[str]]:
    """Each node id (every node of ``doc``, and every node a connection names) → the ids of the
    nodes connected into it."""
    feeding: dict[str, set[str]] = {n["id"]: set() for n in doc.get("nodes", [])}
    for link in doc.get("connections", []):
        feeding.setdefault(link["source"]["node"], set())
        feeding.setdefault(link["target"]["node"], set()).add(link["source"]["node"])
    return feeding


def upstream(doc: Document, node: str) -> set[str]:
    """``node`` and the ids of every node it depends on through connections."""
    feeding = feeders(doc)
    seen = {node}
    todo = [node]
    while todo:
        for source in feeding.get(todo.pop(), ()):
            if source not in seen:
                seen.add(source)
                todo.append(source)
    return seen


def incoming(doc: Document, node: str) -> list[tuple[str, dict[str, Any]]]:
    """``(input port, source {"node", "port"})`` of each connection into ``node``, in file order."""
    return [
        (link["target"]["port"], link["source"])
        for link in doc.get("connections", [])
        if link["target"]["node"] == node
    ]


def receivers(doc: Document, node: str, port: str) -> list[dict[str, Any]]:
    """The nodes that output ``port`` of ``node`` is connected to, in file order."""
    nodes = {n["id"]: n for n in doc.get("nodes", [])}
    return [
        nodes[link["target"]["node"]]
        for link in doc.get("connections", [])
        if link["source"] == {"node": node, "port": port} and link["target"]["node"] in nodes
    ]
