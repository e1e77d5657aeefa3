"""The server-side shared architecture: the front end's Yjs layout, file text in and out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from forgelab.collaboration import ARCHITECTURE_CONTENT_TYPE, YArchitecture
from forgelab.formats import FormatError, dump
from jupyter_ydoc import ydocs
from pycrdt import Doc, Map

ROOT = Path(__file__).parents[3]
DOCUMENTS = [
    ROOT / "examples" / "redshift.arch.json",
    ROOT / "examples" / "mnist-cnn.arch.json",
    ROOT / "examples" / "digits.arch.json",
    ROOT / "fixtures" / "formats" / "valid" / "branching.arch.json",
]
REDSHIFT = DOCUMENTS[0]
INVALID = ROOT / "fixtures" / "formats" / "invalid"


def test_registered_for_the_front_ends_content_type():
    assert ARCHITECTURE_CONTENT_TYPE == "forgelabarchitecture"
    assert ydocs[ARCHITECTURE_CONTENT_TYPE] is YArchitecture


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_file_text_round_trips(path):
    text = path.read_text()
    doc = YArchitecture()
    doc.set(text)
    assert json.loads(doc.get()) == json.loads(text)
    # Written with a fixed key order: the same text on every peer and every save.
    again = YArchitecture()
    again.set(doc.get())
    assert again.get() == doc.get()


def test_saved_text_keeps_the_files_key_order():
    """Header and layer keys in the file's order; layer arguments alphabetically (pycrdt does
    not keep the order of a nested object's keys, so a fixed one keeps saves stable)."""
    architecture = json.loads(REDSHIFT.read_text())
    doc = YArchitecture()
    doc.set(architecture)
    for layer in architecture["layers"]:
        if "arguments" in layer:
            layer["arguments"] = dict(sorted(layer["arguments"].items()))
    assert doc.get() == dump(architecture)
    assert list(json.loads(doc.get())) == [
        "format",
        "version",
        "name",
        "description",
        "framework",
        "layers",
        "inputs",
        "outputs",
    ]


def test_layout_is_the_front_ends():
    architecture = json.loads(REDSHIFT.read_text())
    doc = YArchitecture()
    doc.set(architecture)
    layers = doc.ydoc.get("layers", type=Map).to_py()
    assert set(layers) == {layer["id"] for layer in architecture["layers"]}
    for seq, layer in enumerate(architecture["layers"]):
        assert layers[layer["id"]]["seq"] == seq
        assert layers[layer["id"]]["value"]["type"] == layer["type"]
    meta = doc.ydoc.get("meta", type=Map).to_py()
    assert set(meta) == {"name", "description", "framework", "inputs", "outputs"}
    assert meta["inputs"] == architecture["inputs"]
    assert doc.layer_ids == [layer["id"] for layer in architecture["layers"]]


def test_an_edit_from_another_peer_converges():
    a, b = YArchitecture(), YArchitecture()
    a.set(REDSHIFT.read_text())
    b.ydoc.apply_update(a.ydoc.get_update())
    assert b.get() == a.get()

    # A peer (the browser) changes a layer argument the way src/architecture/ydoc.ts does:
    # the whole {seq, value} entry is replaced.
    layers = b.ydoc.get("layers", type=Map)
    entry = layers["conv"]
    value = {**entry["value"], "arguments": {**entry["value"]["arguments"], "filters": 96}}
    layers["conv"] = {"seq": entry["seq"], "value": value}
    b.ydoc.get("meta", type=Map)["name"] = "redshift, wider"
    a.ydoc.apply_update(b.ydoc.get_update(a.ydoc.get_state()))

    architecture = json.loads(a.get())
    assert architecture["name"] == "redshift, wider"
    assert architecture["layers"][1]["id"] == "conv"
    assert architecture["layers"][1]["arguments"]["filters"] == 96
    assert '"filters": 96,' in a.get()
    assert a.get_layer("conv")["arguments"]["filters"] == 96

    # ...and an edit on this side reaches the browser's document.
    a.set(a.get().replace('"filters": 96', '"filters": 128'))
    b.ydoc.apply_update(a.ydoc.get_update(b.ydoc.get_state()))
    assert json.loads(b.get())["layers"][1]["arguments"]["filters"] == 128


def test_concurrent_edits_of_different_layers_both_survive():
    a, b = YArchitecture(), YArchitecture()
    a.set(REDSHIFT.read_text())
    b.ydoc.apply_update(a.ydoc.get_update())
    for doc, layer_id, argument in ((a, "conv", "filters"), (b, "pool", "pool_size")):
        architecture = json.loads(doc.get())
        layer = next(la for la in architecture["layers"] if la["id"] == layer_id)
        layer["arguments"][argument] = 3
        doc.set(architecture)
    update_a, update_b = a.ydoc.get_update(), b.ydoc.get_update()
    a.ydoc.apply_update(update_b)
    b.ydoc.apply_update(update_a)
    assert a.get() == b.get()
    layers = {la["id"]: la for la in json.loads(a.get())["layers"]}
    assert layers["conv"]["arguments"]["filters"] == 3
    assert layers["pool"]["arguments"]["pool_size"] == 3


def test_reloading_a_file_writes_only_what_changed():
    doc = YArchitecture()
    doc.set(REDSHIFT.read_text())
    changed: list[str] = []
    doc.observe(lambda topic, event: changed.extend(f"{topic}:{k}" for k in event.keys))
    architecture = json.loads(REDSHIFT.read_text())
    architecture["layers"][1]["arguments"]["filters"] = 32
    architecture["layers"].pop()  # the last layer, an output...
    architecture["outputs"] = [architecture["layers"][-1]["id"]]  # ...replaced by the one before
    doc.set(dump(architecture))
    doc.unobserve()
    removed = json.loads(REDSHIFT.read_text())["layers"][-1]["id"]
    assert sorted(changed) == sorted(["layers:conv", f"layers:{removed}", "meta:outputs"])
    assert json.loads(doc.get()) == architecture


def test_empty_file_is_the_empty_architecture():
    doc = YArchitecture(Doc())
    doc.set("")
    architecture = json.loads(doc.get())
    assert architecture["layers"] == [
        {"id": "input", "type": "Input", "arguments": {"shape": [28, 28, 1]}}
    ]
    assert architecture["inputs"] == architecture["outputs"] == ["input"]


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ('{"layers": [', ["/: not valid JSON (line 1, column 13"]),
        ("[1, 2]", ["/: an architecture file holds a JSON object, not list"]),
        (
            (
                ROOT / "fixtures" / "formats" / "invalid" / "layer-missing-type.arch.json"
            ).read_text(),
            [
                "/inputs: expected at least 1 item",
                "/layers/0: missing required property 'type'",
                "/layers/0/arguments: expected object, got [] (array)",
                "/version: expected 1, got 2",
            ],
        ),
    ],
    ids=["truncated", "not-an-object", "schema"],
)
def test_malformed_document_is_a_format_error_that_says_where(text, messages):
    doc = YArchitecture()
    doc.set(REDSHIFT.read_text())
    before = doc.get()
    with pytest.raises(FormatError) as caught:
        doc.set(text)
    assert caught.value.format_name == "architecture"
    for message in messages:
        assert message in str(caught.value)
    # The shared document is left as it was.
    assert doc.get() == before


@pytest.mark.parametrize(
    "first",
    ["forgelab.collaboration", "forgelab.collaboration.yarchitecture", "jupyter_ydoc"],
)
def test_imports_in_any_order(first):
    """jupyter_ydoc loads our entry points while it is imported: no circular-import failure."""
    code = (
        f"import {first}\n"
        "from jupyter_ydoc import ydocs\n"
        "print(*(ydocs[t].__qualname__ for t in ('forgelabarchitecture', 'forgelabpipeline')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "YArchitecture YPipeline"
