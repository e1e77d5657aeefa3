"""Fixtures of the cell-output reify tests: a notebook history recorded by a real kernel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from forgelab.provenance.headless import KernelRun
from forgelab.store import Store

NOTEBOOK = "work/nb.ipynb"

#: (cell id, code) run in order in one kernel session.
CELLS = (
    ("imports", "import numpy as np\nimport matplotlib.pyplot as plt"),
    ("data", "xs = np.arange(6.0)\nunused = 3"),
    ("square", "ys = xs ** 2"),
    ("sum", "# the total\nys.sum()"),
    ("plot", "plt.plot(xs, ys); plt.title('squares')"),
    ("quiet", "total = ys.sum()"),
    ("hidden", "ys.max();"),
    ("broken", "zs = ys / undefined_name"),
)


class RecordedNotebook:
    """The store of a recorded history and the values the kernel computed."""

    def __init__(self, url: str, expected_sum: float) -> None:
        self.url = url
        self.expected_sum = expected_sum

    def records(self) -> list[dict[str, Any]]:
        store = Store(self.url)
        try:
            return store.history_records()
        finally:
            store.close()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordedNotebook]:
    folder = tmp_path_factory.mktemp("cells")
    url = f"sqlite:///{folder / 'forgelab.db'}"
    run = KernelRun(cwd=folder, store_url=url, notebook=NOTEBOOK)
    run.start()
    try:
        for cell_id, code in CELLS:
            run.execute(code, cell_id=cell_id)
        run.flush()
        expected = run.evaluate("import json\nprint(json.dumps(float(ys.sum())))")
    finally:
        run.stop()
    yield RecordedNotebook(url, expected)


@pytest.fixture
def jp_server_config(jp_server_config, recorded):  # noqa: F811 - extends the top-level one
    return {**jp_server_config, "ForgeLabConfig": {"store_url": recorded.url}}


@pytest.fixture
def notebook_folder(jp_root_dir: Path) -> Path:
    folder = jp_root_dir / "work"
    folder.mkdir(exist_ok=True)
    (folder / "nb.ipynb").write_text("{}", encoding="utf-8")
    return folder
