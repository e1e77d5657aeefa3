"""Semantic validation of pipelines, dependency order and attribute overrides."""

from __future__ import annotations

import pytest
from forgelab.executions.pipeline import PipelineError, apply_overrides, check, topological_order

from .conftest import node, op, pipeline


def messages(doc) -> list[tuple[str, str, str | None]]:
    return [(i.path, i.message, i.node) for i in check(doc)]


def test_a_valid_pipeline_has_no_issue_and_a_dependency_order(ops) -> None:
    doc = pipeline(
        [node("t", ops["total"]), node("m", ops["make"])], [("m", "numbers", "t", "numbers")]
    )
    assert check(doc) == []
    assert topological_order(doc) == ["m", "t"]


def test_a_cycle_names_its_nodes(ops) -> None:
    doc = pipeline(
        [node("a", ops["total"]), node("b", ops["total"]), node("c", ops["total"])],
        [
            ("a", "result", "b", "numbers"),
            ("b", "result", "c", "numbers"),
            ("c", "result", "a", "numbers"),
        ],
    )
    cycle = [i for i in check(doc) if "cycle" in i.message]
    assert len(cycle) == 1
    assert cycle[0].message == "the connections form a cycle: a -> b -> c -> a"


def test_unknown_nodes_and_ports_are_reported_where_they_are(ops) -> None:
    doc = pipeline(
        [node("m", ops["make"]), node("t", ops["total"])],
        [("m", "nothing", "t", "numbers"), ("ghost", "x", "t", "numbers")],
    )
    found = messages(doc)
    assert (
        "/connections/0/source/port",
        "node 'm' has no output port 'nothing' (its outputs: numbers, label)",
        "m",
    ) in found
    assert ("/connections/1/source/node", "unknown node 'ghost'", None) in found


def test_a_second_source_into_one_input_is_refused(ops) -> None:
    doc = pipeline(
        [node("m", ops["make"]), node("t", ops["total"])],
        [("m", "numbers", "t", "numbers"), ("m", "label", "t", "numbers")],
    )
    assert any(
        p == "/connections/1/target" and "already has a source" in m for p, m, _ in messages(doc)
    )


def test_an_unconnected_required_input_is_reported(ops) -> None:
    found = messages(pipeline([node("t", ops["total"])], []))
    assert found == [
        ("/nodes/0/operation/inputs", "required input 'numbers' of 'Total' is not connected", "t")
    ]


def test_unknown_operations_are_reported(ops) -> None:
    missing_module = {
        **ops["make"],
        "source": {"language": "python", "module": "no_such_module_xyz", "function": "make"},
    }
    missing_function = {**ops["make"], "source": {**ops["make"]["source"], "function": "nope"}}
    found = messages(pipeline([node("a", missing_module), node("b", missing_function)], []))
    assert (
        "/nodes/0/operation/source",
        "unknown operation: module 'no_such_module_xyz' is not installed here",
        "a",
    ) in found
    assert (
        "/nodes/1/operation/source",
        "unknown operation: the code defines no function 'nope'",
        "b",
    ) in found


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ten", 'n: expected an integer, got "ten"'),
        (2.5, "n: expected an integer, got 2.5"),
        (True, "n: expected an integer, got true"),
        (-1, "n: expected a number >= 0, got -1"),
        (1000, "n: expected a number <= 100, got 1000"),
    ],
)
def test_attributes_of_the_wrong_type_or_range_are_refused(ops, value, message) -> None:
    operation = ops["make"]
    operation["attributes"][0].update(minimum=0, maximum=100)
    found = messages(pipeline([node("m", operation, attributes={"n": value})], []))
    assert found == [("/nodes/0/attributes/n", message, "m")]


def test_choices_required_and_unknown_attributes() -> None:
    code = """
from typing import Literal
def fit(*, optimizer: Literal["adam", "sgd"] = "adam", seed: int):
    return seed
"""
    operation = op(code, "fit")
    assert operation["attributes"] == [
        {"name": "optimizer", "type": "choice", "choices": ["adam", "sgd"], "default": "adam"},
        {"name": "seed", "type": "int", "required": True},
    ]
    found = messages(
        pipeline([node("f", operation, attributes={"optimizer": "lbfgs", "speed": 1})], [])
    )
    assert (
        "/nodes/0/attributes/optimizer",
        'optimizer: expected one of "adam", "sgd", got "lbfgs"',
        "f",
    ) in found
    assert (
        "/nodes/0/attributes/speed",
        "unknown attribute 'speed' (attributes: optimizer, seed)",
        "f",
    ) in found
    assert ("/nodes/0/attributes", "missing required attribute 'seed'", "f") in found


def test_schema_problems_come_first_with_their_json_path() -> None:
    found = messages(
        {"format": "forgelab.pipeline", "version": 1, "nodes": [{"id": "x"}], "connections": []}
    )
    assert found == [("/nodes/0", "missing required property 'kind'", None)]


def test_overrides_are_converted_to_the_attribute_type(ops) -> None:
    doc = pipeline(
        [node("m", ops["make"], label="Maker"), node("t", ops["total"])],
        [("m", "numbers", "t", "numbers")],
    )
    changed = apply_overrides(doc, {"m.n": "7", "t.scale": "0.5", "Maker.n": 8})
    assert changed["nodes"][0]["attributes"] == {"n": 8}
    assert changed["nodes"][1]["attributes"] == {"scale": 0.5}
    assert "attributes" not in doc["nodes"][0]  # the original is untouched
    with pytest.raises(PipelineError) as caught:
        apply_overrides(doc, {"m.n": "many", "t.speed": "1", "ghost.n": "1", "noattr": "1"})
    found = [str(i) for i in caught.value.issues]
    assert found == [
        "/nodes/0/attributes/n (node m): n: expected int, got 'many'",
        "/nodes/1/attributes/speed (node t): unknown attribute 'speed' (attributes: scale)",
        "/nodes: 'ghost' matches no node; node ids: m, t",
        "/: 'noattr': expected NODE.ATTRIBUTE=VALUE",
    ]
