"""Reify on what real notebooks do: Greek names, functions bound without def, one name re-assigned
between experiments, imports used by functions of other cells, aliases, readable operation names
and lifted constants. One shared recording kernel; each test reifies, runs the pipeline and
compares the value with the kernel's."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import RecordingKernel, operations

pytestmark = pytest.mark.slow


def cells(kernel: RecordingKernel, *codes: str) -> None:
    for code in codes:
        result = kernel.cell(code)
        assert result.status == "ok", result.error


def test_greek_identifiers(kernel: RecordingKernel, tmp_path: Path) -> None:
    cells(kernel, "θ = [0.5, 1.5]\nμ = 2.0", "Σ_y = sum(θ) * μ", "β = Σ_y + 1")
    doc = kernel.reproduce("β", tmp_path)
    ops = operations(doc)
    assert sorted(ops) == ["make_Sigma_y", "make_beta", "make_theta_etc"]
    assert [p["name"] for p in ops["make_beta"]["operation"]["inputs"]] == ["Σ_y"]
    assert ops["make_beta"]["label"] == "Make β"
    assert "output_beta" in {n["id"] for n in doc["nodes"]}


def test_operations_are_named_after_what_they_make(kernel: RecordingKernel, tmp_path: Path) -> None:
    cells(kernel, "# the data\nnraw = [3, 1, 2]", "nsorted = sorted(nraw)\nnlen = len(nraw)")
    cells(kernel, "nout = nsorted[0] + nlen")
    doc = kernel.reproduce("nout", tmp_path)
    ops = operations(doc)
    assert sorted(ops) == ["make_nout", "make_nraw", "make_nsorted_etc"]
    assert ops["make_nsorted_etc"]["label"] == "Make nsorted, nlen"
    description = ops["make_nraw"]["operation"]["description"]
    assert description.startswith("Reified from cell [") and description.endswith(
        "]: nraw = [3, 1, 2]"
    )
    assert "k20" not in description  # no record ids
    cells_meta = doc["metadata"]["reifiedFrom"]["cells"]
    assert [c["firstLine"] for c in cells_meta][-1] == "nout = nsorted[0] + nlen"
    assert [c["operation"] for c in cells_meta] == ["make_nraw", "make_nsorted_etc", "make_nout"]


def test_lift_constants_says_what_it_lifted_and_why_not(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    cells(
        kernel,
        "lsizes = [4, 2]\nlname = 'adam'",
        "lrate = 0.1\nlrate = 0.2\nif lname:\n    lflag = True",
        "lout = (lsizes, lname, lrate, lflag)",
    )
    doc = kernel.reproduce("lout", tmp_path / "lifted", lift_constants=True)
    source = doc["metadata"]["reifiedFrom"]
    assert [(a["name"], a["type"], a["default"]) for a in source["lifted"]] == [
        ("lsizes", "json", [4, 2]),
        ("lname", "str", "adam"),
    ]
    reasons = {c["name"]: c["reason"] for c in source["notLifted"]}
    assert "bound 2 times" in reasons["lrate"] and "inside a block" in reasons["lflag"]
    assert "liftNote" not in source
    cells(kernel, "lnone = sum(range(4))")
    nothing = kernel.reify("lnone", lift_constants=True)["metadata"]["reifiedFrom"]
    assert nothing["lifted"] == [] and "no constants lifted" in nothing["liftNote"]
