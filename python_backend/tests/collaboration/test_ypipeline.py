"""The server-side shared pipeline: same Yjs layout as the front end, file text in and out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from forgelab.collaboration import CONTENT_TYPE, YPipeline
from jupyter_ydoc import ydocs
from pycrdt import Doc, Map

FIXTURE = Path(__file__).parents[3] / "fixtures" / "formats" / "valid" / "figure3.pipeline.json"


def test_registered_for_the_front_ends_content_type():
    assert CONTENT_TYPE == "forgelabpipeline"
    assert ydocs[CONTENT_TYPE] is YPipeline


def test_file_text_round_trips():
    text = FIXTURE.read_text()
    doc = YPipeline()
    doc.set(text)
    assert json.loads(doc.get()) == json.loads(text)
    # Written with a fixed key order, the same text on every peer and every save.
    again = YPipeline()
    again.set(doc.get())
    assert again.get() == doc.get()
    assert doc.get().startswith('{\n  "format": "forgelab.pipeline",\n  "version": 1,')


def test_layout_is_the_front_ends():
    pipeline = json.loads(FIXTURE.read_text())
    doc = YPipeline()
    doc.set(pipeline)
    nodes = doc.ydoc.get("nodes", type=Map).to_py()
    first = pipeline["nodes"][0]
    assert nodes[first["id"]]["seq"] == 0
    assert nodes[first["id"]]["value"]["id"] == first["id"]
    connections = doc.ydoc.get("connections", type=Map).to_py()
    c = pipeline["connections"][0]
    key = c.get("id") or (
        f"{c['source']['node']}.{c['source']['port']}->{c['target']['node']}.{c['target']['port']}"
    )
    assert key in connections


def test_peers_converge_and_integers_stay_integers():
    a, b = YPipeline(), YPipeline()
    a.set(FIXTURE.read_text())
    b.ydoc.apply_update(a.ydoc.get_update())
    assert b.get() == a.get()

    # A peer (the browser) edits one node: the other sees it, its order kept.
    nodes = b.ydoc.get("nodes", type=Map)
    first = json.loads(a.get())["nodes"][0]
    entry = nodes[first["id"]]
    edited = {**entry["value"], "label": "Edited elsewhere", "attributes": {"epochs": 12}}
    nodes[first["id"]] = {"seq": entry["seq"], "value": edited}
    a.ydoc.apply_update(b.ydoc.get_update(a.ydoc.get_state()))
    pipeline = json.loads(a.get())
    assert pipeline["nodes"][0]["label"] == "Edited elsewhere"
    assert pipeline["nodes"][0]["attributes"] == {"epochs": 12}
    assert '"epochs": 12\n' in a.get()


def test_text_is_kept_until_a_change_of_any_kind():
    doc = YPipeline(Doc())
    doc.set(FIXTURE.read_text())
    text = doc.get()
    assert doc.get() is text
    first = json.loads(text)["nodes"][0]["id"]
    nodes = doc.ydoc.get("nodes", type=Map)

    def ids() -> list[str]:
        return [node["id"] for node in json.loads(doc.get())["nodes"]]

    with doc.ydoc.transaction():
        del nodes[first]
        assert first not in ids()
    assert first not in ids()
    doc.ydoc.get("meta", type=Map)["name"] = "Renamed"
    assert json.loads(doc.get())["name"] == "Renamed"
    doc.set(text)
    assert doc.get() == text


def test_observe_reports_changes():
    doc = YPipeline()
    topics: list[str] = []
    doc.observe(lambda topic, _event: topics.append(topic))
    doc.set(FIXTURE.read_text())
    assert {"nodes", "connections"} <= set(topics)
    doc.unobserve()


def test_empty_file_is_an_empty_pipeline():
    doc = YPipeline(Doc())
    doc.set("")
    assert json.loads(doc.get()) == {
        "format": "forgelab.pipeline",
        "version": 1,
        "nodes": [],
        "connections": [],
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"nodes": [', "not valid JSON \\(line 1"),
        ("[1, 2]", "holds a JSON object, not list"),
    ],
)
def test_bad_text_says_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        YPipeline().set(text)


@pytest.mark.parametrize(
    "first",
    ["forgelab.collaboration", "forgelab.collaboration.ypipeline", "jupyter_ydoc"],
)
def test_imports_in_any_order(first):
    """jupyter_ydoc loads our entry point while it is imported: no circular-import failure."""
    code = (
        f"import {first}\n"
        "from jupyter_ydoc import ydocs\n"
        "print(ydocs['forgelabpipeline'].__qualname__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "YPipeline"
