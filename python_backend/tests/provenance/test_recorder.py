"""The recorder in a real IPython shell: versions, mutation, aliases, files, status, persistence."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from forgelab import formats
from forgelab.kernel import writer
from forgelab.kernel.recorder import Recorder
from forgelab.store import Store
from IPython.core.interactiveshell import InteractiveShell


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.chdir(tmp_path)
    ipython = InteractiveShell.instance()
    ipython.reset(new_session=True)
    yield ipython
    ipython.reset(new_session=True)


@pytest.fixture
def recorder(shell: Any) -> Iterator[Recorder]:
    rec = Recorder(shell)
    rec.register()
    yield rec
    rec.unregister()


def run(shell: Any, recorder: Recorder, code: str) -> dict[str, Any]:
    shell.run_cell(code)
    return recorder.last


def versions(items: list[dict[str, Any]]) -> dict[str, int]:
    return {i["name"]: i["version"] for i in items}


def test_each_write_gets_a_new_version_and_reads_name_the_version_seen(shell, recorder) -> None:
    run(shell, recorder, "a = 1")
    run(shell, recorder, "a = a + 1")
    record = run(shell, recorder, "b = a * 2")
    assert versions(record["reads"]) == {"a": 2}
    assert versions(record["writes"]) == {"b": 1}
    formats.validate("provenance", record)


@pytest.mark.parametrize(
    ("setup", "code", "name", "changed"),
    [
        ("xs = [1]", "xs.append(2)", "xs", True),
        ("xs = [1]", "print(len(xs))", "xs", False),
        ("import numpy as np\narr = np.zeros(3)", "arr += 1", "arr", True),
        ("import numpy as np\narr = np.zeros(3)", "np.add(arr, 1, out=arr)", "arr", True),
        ("import numpy as np\narr = np.zeros(3)", "s = arr.sum()", "arr", False),
        (
            "import pandas as pd\ndf = pd.DataFrame({'a': [1.0, None]})",
            "df.dropna(inplace=True)",
            "df",
            True,
        ),
        ("import pandas as pd\ndf = pd.DataFrame({'a': [1.0, None]})", "n = df.shape", "df", False),
        ("d = {}", "d['k'] = 1", "d", True),
        ("class Box: pass\nbox = Box()", "box.size = 3", "box", True),
    ],
)
def test_mutation_counts_as_a_write_only_when_the_object_changed(
    shell, recorder, setup: str, code: str, name: str, changed: bool
) -> None:
    run(shell, recorder, setup)
    record = run(shell, recorder, code)
    assert (name in versions(record["writes"])) is changed


def test_an_unknown_object_touched_by_a_method_is_conservatively_written(shell, recorder) -> None:
    run(shell, recorder, "class Model:\n    def fit(self, x):\n        self.w = x\nmodel = Model()")
    record = run(shell, recorder, "model.fit(3)")
    assert "model" in versions(record["writes"])


def test_mutation_through_an_alias_writes_every_name_of_the_object(shell, recorder) -> None:
    run(shell, recorder, "xs = [1]")
    record = run(shell, recorder, "ys = xs\nys.append(2)")
    assert set(versions(record["writes"])) == {"xs", "ys"}


def test_functions_read_their_globals_when_called(shell, recorder) -> None:
    run(shell, recorder, "def f(v):\n    return v * scale")
    run(shell, recorder, "scale = 3")
    record = run(shell, recorder, "out = f(2)")
    assert versions(record["reads"]) == {"f": 1, "scale": 1}
    assert record["definitions"] == [] and record["imports"] == []


def test_random_generator_calls_write_the_module(shell, recorder) -> None:
    run(shell, recorder, "import numpy as np")
    seed = run(shell, recorder, "np.random.seed(0)")
    draw = run(shell, recorder, "x = np.random.rand(2)")
    assert versions(seed["writes"]) == {"np": 2}
    assert versions(draw["reads"]) == {"np": 2}


def test_deletion_status_and_interrupt(shell, recorder) -> None:
    run(shell, recorder, "gone = 1")
    deleted = run(shell, recorder, "del gone")
    assert deleted["writes"] == [{"name": "gone", "version": 2, "type": "deleted"}]
    assert run(shell, recorder, "1 / 0")["status"] == "error"
    assert run(shell, recorder, "raise KeyboardInterrupt")["status"] == "interrupted"
    assert run(shell, recorder, "x = (")["status"] == "error"


def test_files_read_and_written_with_hashes(shell, recorder, tmp_path: Path) -> None:
    import numpy as np

    np.save(tmp_path / "a.npy", np.arange(3))
    (tmp_path / "t.csv").write_text("a\n1\n")
    record = run(
        shell,
        recorder,
        "import numpy as np, pandas as pd\n"
        "a = np.load('a.npy')\ndf = pd.read_csv('t.csv')\n"
        "open('out.txt', 'w').write('x')",
    )
    read = {Path(f["path"]).name: f["hash"] for f in record["filesRead"]}
    assert set(read) == {"a.npy", "t.csv"}
    assert all(h and h.startswith("sha256:") for h in read.values())
    assert [Path(f["path"]).name for f in record["filesWritten"]] == ["out.txt"]


def test_forgelab_s_own_cache_is_not_data(shell, recorder, tmp_path: Path, monkeypatch) -> None:
    """The Keras layer catalog cached under ``$FORGELAB_CACHE_DIR`` is read whenever an
    architecture is built: derived by ForgeLab, not an input of the user's work."""
    from forgelab.kernel import files

    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "catalog.json").write_text("{}")
    (tmp_path / "data.txt").write_text("1")
    monkeypatch.setenv("FORGELAB_CACHE_DIR", str(cache))
    monkeypatch.setattr(files.FileWatch, "_ignored", files._ignored_prefixes())
    record = run(
        shell,
        recorder,
        f"c = open({str(cache / 'catalog.json')!r}).read()\nd = open('data.txt').read()",
    )
    assert [Path(f["path"]).name for f in record["filesRead"]] == ["data.txt"]


def test_files_opened_by_forgelab_s_writer_thread_are_not_the_cell_s(tmp_path: Path) -> None:
    """The provenance writer stores records (and takes its lock files) while a cell runs; a
    thread the cell starts is the cell's own work and stays watched."""
    import threading

    from forgelab.kernel import files

    watch = files.FileWatch()
    files.FileWatch.install()
    paths = {name: tmp_path / f"{name}.txt" for name in ("cell", "worker", "forgelab")}

    def forgelab() -> None:
        files.FileWatch.ignore_this_thread()
        paths["forgelab"].write_text("x")

    watch.start()
    try:
        paths["cell"].write_text("x")
        for target in (lambda: paths["worker"].write_text("x"), forgelab):
            thread = threading.Thread(target=target)
            thread.start()
            thread.join()
    finally:
        watch.stop()
    assert sorted(Path(p).name for p in watch.written) == ["cell.txt", "worker.txt"]


def test_records_reach_the_store_in_order_across_sessions(shell, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    sessions = []
    for value in (1, 2):  # two recorders stand for a kernel restarted in the middle
        rec = Recorder(shell, writer=writer.RecordWriter(url))
        rec.register()
        try:
            shell.run_cell(f"v = {value}")
            shell.run_cell("w = v + 1")
            assert rec.flush()["errors"] == []
        finally:
            rec.unregister()
            rec.writer.close()
        sessions.append(rec.session)
    store = Store(url)
    try:
        records = store.history_records()
        assert list(dict.fromkeys(r["session"] for r in records)) == sessions
        assert [r["code"] for r in records] == ["v = 1", "w = v + 1", "v = 2", "w = v + 1"]
        assert [r["code"] for r in store.history_records(session=sessions[1])] == [
            "v = 2",
            "w = v + 1",
        ]
    finally:
        store.close()


def test_display_history_is_not_a_variable(shell, recorder) -> None:
    run(shell, recorder, "a = 1")
    shell.run_cell("a", store_history=True)
    assert recorder.last["writes"] == []


def test_a_failing_recorder_never_breaks_the_cell(shell, recorder, monkeypatch) -> None:
    def broken(_info: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(recorder, "pre_run_cell", broken)
    with pytest.warns(RuntimeWarning, match="could not record a cell"):
        result = shell.run_cell("z = 41 + 1")
    assert result.success and shell.user_ns["z"] == 42
    assert recorder.flush()["errors"] == ["RuntimeError: disk full"]


def test_front_end_context_names_the_notebook_and_the_cell(shell, recorder) -> None:
    recorder.set_context("work/analysis.ipynb", "cell-7")
    record = run(shell, recorder, "q = 1")
    assert record["notebook"] == "work/analysis.ipynb"
    assert record["cellId"] == "cell-7"


def test_a_widget_edit_is_recorded_as_code(shell, recorder) -> None:
    run(shell, recorder, "class W:\n    model_id = 'm1'\n    value = 0\nslider = W()")
    record = recorder.record_widget("m1", "value", 0.3)
    assert record["kind"] == "widget"
    assert record["code"] == "slider.value = 0.3"
    formats.validate("provenance", record)
    with pytest.raises(LookupError, match="no variable of the notebook holds widget"):
        recorder.record_widget("unknown", "value", 1)


def test_load_ext_records_into_the_store_of_the_environment_and_unload_stops(
    shell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forgelab.kernel import recorder as recorder_module

    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("FORGELAB_STORE_URL", url)
    shell.run_cell("%load_ext forgelab")
    try:
        shell.run_cell("loaded = 1")
        session = recorder_module.current().flush()["session"]
    finally:
        shell.run_cell("%unload_ext forgelab")
    assert recorder_module.current() is None
    shell.run_cell("after = 2")
    store = Store(url)
    try:
        assert [r["code"] for r in store.history_records(session=session)] == ["loaded = 1"]
    finally:
        store.close()


def test_autoreload_skips_forgelabs_own_modules_and_still_reloads_the_users(
    shell, recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from IPython.extensions.autoreload import AutoreloadMagics

    magics = AutoreloadMagics(shell)  # what %load_ext autoreload registers, without its hooks
    shell.register_magics(magics)
    reloader = magics._reloader
    module = tmp_path / "helpers_mod.py"
    module.write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        run(shell, recorder, "%autoreload 2")
        run(shell, recorder, "import helpers_mod")
        own = [n for n in sys.modules if n.partition(".")[0] in ("forgelab", "sqlalchemy")]
        assert "forgelab.kernel.recorder" in own
        assert [n for n in own if n not in reloader.skip_modules] == []
        assert "helpers_mod" not in reloader.skip_modules
        reloader.check()  # notes the module's time
        later = module.stat().st_mtime + 5
        module.write_text("VALUE = 2\n")
        os.utime(module, (later, later))
        reloader.check()
        assert run(shell, recorder, "v = helpers_mod.VALUE")["writes"][0]["name"] == "v"
        assert shell.user_ns["v"] == 2
    finally:
        shell.magics_manager.registry.pop("AutoreloadMagics", None)
        sys.modules.pop("helpers_mod", None)
