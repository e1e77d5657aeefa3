"""Names reify gives what it generates: readable, deterministic, valid node ids."""

from __future__ import annotations

import re

import pytest
from forgelab.provenance.naming import Names, ascii_name, label, operation_name, unique


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("df", "df"),
        ("θ", "theta"),
        ("Σ_y", "Sigma_y"),
        ("μx", "mu_x"),
        ("café", "cafe"),
        ("Δt_max", "Delta_t_max"),
    ],
)
def test_names_are_transliterated_into_valid_node_ids(name: str, expected: str) -> None:
    assert ascii_name(name) == expected
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", operation_name([name], None))


def test_operations_are_named_after_what_they_make_and_kept_unique() -> None:
    assert operation_name(["X", "y"], None) == "make_X_etc"
    assert operation_name(["X", "y"], "model") == "make_model"
    taken: set[str] = set()
    assert [unique("make_df", taken) for _ in range(3)] == ["make_df", "make_df_2", "make_df_3"]
    assert label(["a", "b", "c"], None) == "Make a, b…"
    assert label(["β"], "β") == "Make β"


def test_names_hand_out_the_same_names_as_unique_skipping_taken_ones() -> None:
    names = Names({"make_v0_3", "input_x"})
    got = [names.unique(n) for n in ["make_v0"] * 4 + ["input_x", "make_v0_2"]]
    taken = {"make_v0_3", "input_x"}
    assert got == [unique(n, taken) for n in ["make_v0"] * 4 + ["input_x", "make_v0_2"]]
    assert got == ["make_v0", "make_v0_2", "make_v0_4", "make_v0_5", "input_x_2", "make_v0_2_2"]
    assert "make_v0_5" in names and "make_v0_6" not in names
