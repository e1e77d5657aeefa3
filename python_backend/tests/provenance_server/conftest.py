"""Fixtures of the provenance REST tests: a history recorded by a real kernel, a server on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from forgelab.provenance.headless import KernelRun

NOTEBOOK = "work/nb.ipynb"

#: Cells of the notebook's first kernel session, then (after a restart) of its second.
FIRST_SESSION = (
    "a = 2",
    "b = a * 10",
    "a = 5",
    "c = b + a",
    # A cell that imports a network module: reified only with allowNetwork.
    "import urllib.parse\nu = urllib.parse.quote('a b')\nu",
    "e = 1\nraise ValueError('boom')",
)
SECOND_SESSION = ("a = 7",)


@pytest.fixture(scope="module")
def history_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store holding the recorded history of NOTEBOOK over two kernel sessions."""
    folder = tmp_path_factory.mktemp("history")
    url = f"sqlite:///{folder / 'forgelab.db'}"
    run = KernelRun(cwd=folder, store_url=url, notebook=NOTEBOOK)
    run.start()
    try:
        for number, code in enumerate(FIRST_SESSION):
            run.execute(code, cell_id=f"cell-{number}")
        run.flush()
        run.restart()
        for code in SECOND_SESSION:
            run.execute(code, cell_id="cell-again")
        run.flush()
    finally:
        run.stop()
    yield url


@pytest.fixture
def jp_server_config(jp_server_config, history_url):  # noqa: F811 - extends the top-level one
    return {**jp_server_config, "ForgeLabConfig": {"store_url": history_url}}


@pytest.fixture
def notebook_folder(jp_root_dir: Path) -> Path:
    folder = jp_root_dir / "work"
    folder.mkdir(exist_ok=True)
    (folder / "nb.ipynb").write_text("{}", encoding="utf-8")
    return folder
