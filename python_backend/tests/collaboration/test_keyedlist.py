"""KeyedList: the ordered, id-keyed list both shared documents keep their entries in."""

from __future__ import annotations

from forgelab.collaboration import KeyedList
from pycrdt import Doc, Map


def _list() -> tuple[Doc, KeyedList]:
    doc = Doc()
    return doc, KeyedList(doc.get("entries", type=Map))


def test_set_appends_and_replacing_keeps_the_place():
    doc, entries = _list()
    with doc.transaction():
        entries.set("b", {"n": 1})
        entries.set("a", {"n": 2})
        entries.set("b", {"n": 3})
    assert entries.ids == ["b", "a"]
    assert entries.values() == [{"n": 3}, {"n": 2}]
    assert entries.get("b") == {"n": 3}
    assert entries.get("missing") is None
    assert "a" in entries and len(entries) == 2


def test_equal_sequence_numbers_sort_by_id_like_the_front_end():
    # Two peers adding at once both pick the next free seq.
    doc, entries = _list()
    entries.map["zeta"] = {"seq": 0, "value": "z"}
    entries.map["alpha"] = {"seq": 0, "value": "a"}
    entries.map["first"] = {"seq": -1, "value": "f"}
    assert entries.ids == ["first", "alpha", "zeta"]
    entries.set("new", "n")
    assert entries.map["new"]["seq"] == 1


def test_delete_removes_and_ignores_what_is_absent():
    doc, entries = _list()
    entries.load(["x", "y"], key=str)
    entries.delete("x")
    entries.delete("x")
    assert entries.ids == ["y"]


def test_load_writes_only_the_entries_that_differ():
    doc, entries = _list()
    entries.load([{"id": "a", "v": 1}, {"id": "b", "v": 2}, {"id": "c", "v": 3}], lambda e: e["id"])
    touched: list[str] = []
    entries.map.observe(lambda event: touched.extend(event.keys))
    # b changes, c goes, d comes, a stays (its number comes back from Yjs as 1.0: still equal).
    entries.load([{"id": "a", "v": 1}, {"id": "b", "v": 5}, {"id": "d", "v": 4}], lambda e: e["id"])
    assert sorted(touched) == ["b", "c", "d"]
    assert entries.ids == ["a", "b", "d"]
    # A move is a change of place: only the moved entries are rewritten.
    touched.clear()
    entries.load([{"id": "a", "v": 1}, {"id": "d", "v": 4}, {"id": "b", "v": 5}], lambda e: e["id"])
    assert sorted(touched) == ["b", "d"]
    assert entries.ids == ["a", "d", "b"]
