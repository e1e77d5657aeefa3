"""Reified pipelines checked with ``compare`` in a real recording kernel: each kind of value is
reproduced as reified, and found to differ once the pipeline is altered on purpose."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

SETUP = "import numpy as np\nimport pandas as pd"

#: kind → (cells, target, text in an operation's code, its replacement, fragment of the detail)
CASES: dict[str, tuple[tuple[str, ...], str, str, str, str]] = {
    "sklearn Pipeline": (
        (
            "xs = np.linspace(0, 1, 20).reshape(-1, 1)\nys = 3 * xs.ravel() + 1",
            "from sklearn.linear_model import Ridge\n"
            "from sklearn.pipeline import make_pipeline\n"
            "from sklearn.preprocessing import StandardScaler\n"
            "model = make_pipeline(StandardScaler(), Ridge(alpha=1.0)).fit(xs, ys)",
        ),
        "model",
        "alpha=1.0",
        "alpha=2.0",
        "model.steps[1][1].alpha: expected 1.0, got 2.0",
    ),
    "statsmodels results": (
        (
            "sm_frame = pd.DataFrame({'x': np.arange(12.0), 'y': np.arange(12.0) ** 1.5})",
            "import statsmodels.formula.api as smf\n"
            "fit = smf.ols('y ~ x', sm_frame).fit()\n"
            "fit.bse",
        ),
        "fit",
        "** 1.5",
        "** 1.6",
        "fit._results.params",
    ),
    "matplotlib figure": (
        (
            "import matplotlib.pyplot as plt\n"
            "fig, ax = plt.subplots(figsize=(4, 3))\n"
            "ax.plot([0, 1, 2, 3], [0, 1, 4, 9])\n"
            "ax.set_title('squares')",
        ),
        "fig",
        "[0, 1, 4, 9]",
        "[0, 1, 4, 8]",
        "fig: axes 0: line 0 ydata: 1 of 4 elements differ; first at [3]: expected 9, got 8",
    ),
    "torch module state": (
        ("import torch\ntorch.manual_seed(0)\nnet = torch.nn.Linear(3, 2)",),
        "net",
        "manual_seed(0)",
        "manual_seed(1)",
        "net._parameters['weight']",
    ),
    "pandas frame": (
        ("frame = pd.DataFrame({'a': [1.0, 2.0, 3.0]})\nframe['b'] = frame.a * 2",),
        "frame",
        "frame.a * 2",
        "frame.a * 3",
        'column name="b"',
    ),
    "numpy array": (
        ("squares = np.arange(5) ** 2",),
        "squares",
        "** 2",
        "** 3",
        "squares: 3 of 5 elements differ; first at [2]: expected 4, got 8",
    ),
}


def altered(doc: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """``doc`` with ``old`` replaced by ``new`` in the one operation whose code holds it."""
    changed = copy.deepcopy(doc)
    sources = [
        n["operation"]["source"]
        for n in changed["nodes"]
        if n["kind"] == "operation" and old in n["operation"]["source"]["code"]
    ]
    assert len(sources) == 1, f"{old!r} is in {len(sources)} operations"
    sources[0]["code"] = sources[0]["code"].replace(old, new)
    return changed


@pytest.mark.parametrize("kind", CASES)
def test_a_reified_value_is_reproduced_and_an_altered_pipeline_differs(
    kernel: Any, tmp_path: Path, kind: str
) -> None:
    cells, target, old, new, where = CASES[kind]
    for code in (SETUP, *cells):
        kernel.ok(code)
    doc = kernel.reify(target)
    verdict = kernel.check(doc, target, tmp_path / "as-reified")
    assert verdict.outcome == "reproduced", verdict.detail
    verdict = kernel.check(altered(doc, old, new), target, tmp_path / "altered")
    assert verdict.outcome == "differs"
    assert where in verdict.detail, verdict.detail


def test_a_lifted_attribute_changed_makes_the_value_differ(kernel: Any, tmp_path: Path) -> None:
    kernel.ok(SETUP)
    kernel.ok("step = 0.5\ngrid = np.arange(4) * step")
    doc = kernel.reify("grid", lift_constants=True)
    assert kernel.check(doc, "grid", tmp_path / "as-reified").outcome == "reproduced"
    changed = copy.deepcopy(doc)
    operations = [n["operation"] for n in changed["nodes"] if n["kind"] == "operation"]
    (attribute,) = [a for operation in operations for a in operation["attributes"]]
    attribute["default"] = 0.25
    verdict = kernel.check(changed, "grid", tmp_path / "altered")
    assert verdict.outcome == "differs"
    assert verdict.detail.startswith("grid: 3 of 4 elements differ; first at [1]: expected 0.5")
