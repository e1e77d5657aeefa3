"""``forgelab reify --run`` prints one of three outcomes and nothing of the kernel's log."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow

CELLS = (
    "%matplotlib inline\nimport numpy as np\nimport matplotlib.pyplot as plt",
    "xs = np.linspace(0, 1, 5)",
    "plt.plot(xs, xs ** 2)\nplt.title('squares')",
    "noise = np.random.rand(3)",
    "import threading\n"
    "class Counter:\n"
    "    def __init__(self):\n"
    "        self.count, self.lock = 1, threading.Lock()\n"
    "    def __reduce__(self):\n"
    "        return (Counter, ())\n"
    "counter = Counter()",
    "1 / 0",
)


@pytest.fixture(scope="module")
def notebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in CELLS]
    path = tmp_path_factory.mktemp("cli") / "outcomes.ipynb"
    nbformat.write(nb, str(path))
    return path


def reify(notebook: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forgelab.cli", "reify", str(notebook), *args, "--run"],
        cwd=notebook.parent,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_a_cells_figure_is_compared_and_the_kernel_log_is_not_shown(notebook: Path) -> None:
    done = reify(notebook, "--cell", "3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "reproduced"
    assert "without encryption" not in done.stderr and "IPKernelApp" not in done.stderr
    # the failing cell's output is what the user sees of it
    assert "cell 6 failed:" in done.stderr and "ZeroDivisionError" in done.stderr


def test_a_value_that_is_not_reproduced_differs(notebook: Path) -> None:
    done = reify(notebook, "--target", "noise", "--json")
    assert done.returncode == 1
    summary = json.loads(done.stdout)
    assert summary["outcome"] == "differs" and summary["reproduced"] is False
    assert summary["detail"].startswith("noise: 3 of 3 elements differ")


def test_process_bound_state_cannot_be_compared(notebook: Path) -> None:
    done = reify(notebook, "--target", "counter")
    assert done.returncode == 1
    assert "cannot compare: counter.lock: a _thread.lock belongs to the process" in done.stderr
