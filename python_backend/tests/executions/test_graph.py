"""The one set of graph helpers over a pipeline's connections."""

from __future__ import annotations

from typing import Any

from forgelab.executions import graph


def link(source: str, out: str, target: str, port: str) -> dict[str, Any]:
    return {"source": {"node": source, "port": out}, "target": {"node": target, "port": port}}


DOC = {
    "nodes": [
        {"id": "raw", "kind": "input", "name": "raw"},
        {"id": "clean", "kind": "operation"},
        {"id": "fit", "kind": "operation"},
        {"id": "other", "kind": "operation"},
        {"id": "model", "kind": "output", "name": "model", "storage": "s3"},
    ],
    "connections": [
        link("raw", "value", "clean", "data"),
        link("clean", "table", "fit", "x"),
        link("raw", "value", "fit", "y"),
        link("fit", "model", "model", "value"),
    ],
}


def test_feeders_list_every_node_even_unconnected_ones() -> None:
    assert graph.feeders(DOC) == {
        "raw": set(),
        "clean": {"raw"},
        "fit": {"clean", "raw"},
        "other": set(),
        "model": {"fit"},
    }


def test_upstream_is_the_node_and_all_it_depends_on() -> None:
    assert graph.upstream(DOC, "model") == {"model", "fit", "clean", "raw"}
    assert graph.upstream(DOC, "clean") == {"clean", "raw"}
    assert graph.upstream(DOC, "other") == {"other"}


def test_incoming_and_receivers_follow_ports_in_file_order() -> None:
    assert graph.incoming(DOC, "fit") == [
        ("x", {"node": "clean", "port": "table"}),
        ("y", {"node": "raw", "port": "value"}),
    ]
    assert [n["id"] for n in graph.receivers(DOC, "raw", "value")] == ["clean", "fit"]
    assert [n["id"] for n in graph.receivers(DOC, "fit", "model")] == ["model"]
    assert graph.receivers(DOC, "fit", "nothing") == []
