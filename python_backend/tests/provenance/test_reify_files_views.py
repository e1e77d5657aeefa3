"""Real-notebook habits reified in one real kernel: files written then read, NumPy views, figures
built over several cells, paths computed at run time, magics and shell lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from forgelab.jobs.file_inputs import inputs_at
from forgelab.provenance import ReifyError
from forgelab.provenance.cells import find_cell_record, reify_cell
from forgelab.provenance.reify import python_code
from forgelab.provenance.reproduce import run_pipeline
from forgelab.store import Store
from forgelab.testing.recording import RecordingKernel

from .conftest import operations

pytestmark = pytest.mark.slow


def cells(kernel: RecordingKernel, *codes: str) -> None:
    for code in codes:
        result = kernel.cell(code)
        assert result.status == "ok", result.error


def reified_codes(kernel: RecordingKernel, doc: dict[str, Any]) -> list[str]:
    codes = {r["id"]: r["code"] for r in kernel.records()}
    return [codes[r] for r in doc["metadata"]["reifiedFrom"]["records"]]


def run(doc: dict[str, Any], scratch: Path) -> Any:
    scratch.mkdir(parents=True, exist_ok=True)
    store = Store(f"sqlite:///{scratch / 'executions.db'}")
    try:
        return run_pipeline(doc, root=scratch, store=store)[0]
    finally:
        store.close()


def latest_writes(kernel: RecordingKernel) -> set[str]:
    return {w["name"] for w in kernel.records()[-1]["writes"]}


def test_files_written_then_read_become_one_operation(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    cells(
        kernel,
        "import os, tempfile\nimport numpy as np\nimport pandas as pd",
        "fdir = tempfile.mkdtemp()",
        "pd.DataFrame({'a': [1, 2, 3]}).to_csv(os.path.join(fdir, 'f.csv'), index=False)",
        "np.save(os.path.join(fdir, 'arr.npy'), np.arange(5))",
        "with open('notes.txt', 'w') as fh:\n    fh.write('hello')",
        "fback = pd.read_csv(os.path.join(fdir, 'f.csv'))\nfarr = np.load(os.path.join(fdir, "
        "'arr.npy'))\nwith open('notes.txt') as fh:\n    fnote = fh.read()",
        "os.remove(os.path.join(fdir, 'arr.npy'))",
        "fout = (int(fback['a'].sum() + farr.sum()), fnote)",
    )
    doc = kernel.reproduce("fout", tmp_path)
    codes = reified_codes(kernel, doc)
    # The writers join the slice although the reader uses none of their variables.
    assert any("to_csv" in c for c in codes) and any("np.save" in c for c in codes)
    assert not [n for n in doc["nodes"] if n["kind"] == "input"]


def test_a_file_read_before_the_notebook_writes_it_is_an_input(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    (kernel.folder / "pre.txt").write_text("before")
    cells(kernel, "pre = open('pre.txt').read()", "open('pre.txt', 'w').write(pre)")
    doc = kernel.reproduce("pre", tmp_path)
    inputs = [n["source"] for n in doc["nodes"] if n["kind"] == "input"]
    assert inputs == [str(kernel.folder / "pre.txt")]


def test_a_change_through_a_view_is_a_change_of_its_base(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    cells(kernel, "import numpy as np", "vbase = np.arange(6.0)", "vv = vbase[:2]", "vv += 1")
    assert latest_writes(kernel) >= {"vv", "vbase"}
    kernel.reproduce("vbase", tmp_path / "base")
    cells(kernel, "vbase[0] = 100", "vtotal = vv.sum()")
    kernel.reproduce("vtotal", tmp_path / "view")
    # A pandas object over an array's memory changes with the array.
    cells(kernel, "import pandas as pd", "pser = pd.Series(vbase, copy=False)", "vbase[1] = -3")
    assert "pser" in latest_writes(kernel)
    kernel.reproduce("pser", tmp_path / "pandas")


def test_a_figure_built_over_several_cells(kernel: RecordingKernel, tmp_path: Path) -> None:
    cells(
        kernel,
        "import matplotlib\nmatplotlib.use('agg')\nimport matplotlib.pyplot as plt",
        "gfig, gax = plt.subplots()",
        "gax.plot([1, 2, 3], label='a')",
        "gax.set_title('T')",
    )
    assert latest_writes(kernel) >= {"gax", "gfig"}
    title_record = kernel.records()[-1]
    cells(kernel, "gax.legend()")
    figure = run(kernel.reify("gfig"), tmp_path / "fig")
    axes = figure.axes[0]
    assert (axes.get_title(), len(axes.lines), axes.get_legend() is not None) == ("T", 1, True)
    # The figure travels to another operation as a port (pickled).
    cells(kernel, "gout = {'figure': gfig}")
    doc = kernel.reify("gout")
    assert len(operations(doc)) == 2
    assert run(doc, tmp_path / "port")["figure"].axes[0].get_title() == "T"
    # The output of a cell that drew on axes made two cells earlier is that figure.
    record = find_cell_record(kernel.records(), record_id=title_record["id"])
    drawn = run(reify_cell(kernel.records(), record), tmp_path / "cell")
    assert (drawn.axes[0].get_title(), len(drawn.axes[0].lines)) == ("T", 1)


def test_a_figure_and_its_axes_read_together_stay_one_drawing(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    cells(
        kernel,
        "import matplotlib\nmatplotlib.use('agg')\nimport matplotlib.pyplot as plt",
        "lfig, lax = plt.subplots(figsize=(5, 3))",
        "lax.plot([0, 1, 2], [1, 0, 1], label='a')",
        # Both names in one cell: the legend is drawn on the Axes, the layout on the figure.
        "lax.legend(loc='upper right')\nlfig.tight_layout()",
    )
    shares = {w["name"]: w.get("sharesWith", []) for w in kernel.records()[-1]["writes"]}
    assert "lfig" in shares["lax"] and "lax" in shares["lfig"]
    figure = run(kernel.reproduce("lfig", tmp_path / "fig"), tmp_path / "fig-run")
    assert figure.axes[0].get_legend() is not None
    kernel.reproduce("lax", tmp_path / "ax")


def test_pyplot_current_figure_is_state_shared_by_cells(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    cells(
        kernel,
        "import matplotlib\nmatplotlib.use('agg')\nimport matplotlib.pyplot as plt",
        "plt.figure(figsize=(4, 3))\nph_counts, ph_edges, _ = plt.hist([1.0, 2.0, 2.5], bins=3)",
        "plt.plot([1, 2], [1, 2], 'k.-')\nplt.title('drawn in the next cell')",
        "ph_fig = plt.gcf()",
    )
    assert "plt" in latest_writes(kernel)
    doc = kernel.reproduce("ph_fig", tmp_path / "gcf")
    assert len(operations(doc)) == 1
    # The inline backend closes each cell's figures: nothing carries over, nothing is fused.
    cells(
        kernel,
        "%matplotlib inline\nplt.close('all')",
        "plt.plot([1, 2])",
        "plt.plot([3, 1]); plt.title('b')",
    )
    try:
        assert "plt" not in latest_writes(kernel)
        record = kernel.records()[-1]
        drawn = run(reify_cell(kernel.records(), record), tmp_path / "inline")
        assert (drawn.axes[0].get_title(), len(drawn.axes[0].lines)) == ("b", 1)
    finally:
        cells(kernel, "matplotlib.use('agg')")


def test_paths_computed_at_run_time(kernel: RecordingKernel, tmp_path: Path) -> None:
    (kernel.folder / "cdata").mkdir()
    (kernel.folder / "cdata" / "x.csv").write_text("a\n1\n2\n")
    (kernel.folder / "cdata" / "y.txt").write_text("3 4")
    cells(
        kernel,
        "import os\nfrom pathlib import Path\nimport pandas as pd",
        f"CDATA = 'cdata'\nCROOT = {str(kernel.folder)!r}",
        "cdf = pd.read_csv(f'{CDATA}/x.csv')\ncwords = Path(f'{CROOT}/{CDATA}/y.txt').read_text()",
        "cout = (cdf, cwords)",
    )
    doc = kernel.reproduce("cout", tmp_path)
    sources = sorted(n["source"] for n in doc["nodes"] if n["kind"] == "input")
    assert sources == [str(kernel.folder / "cdata" / f) for f in ("x.csv", "y.txt")]
    assert any(
        "_forgelab_inputs_at" in o["operation"]["source"]["code"] for o in operations(doc).values()
    )


def test_inputs_at_serves_the_input_where_the_code_looks(tmp_path: Path) -> None:
    delivered = tmp_path / "delivered.csv"
    delivered.write_text("from the input")
    with inputs_at({"/nowhere/data/x.csv": str(delivered)}):
        assert open("/nowhere/data/x.csv").read() == "from the input"
        assert Path("data/x.csv").read_text() == "from the input"
        with pytest.raises(FileNotFoundError):
            open("/nowhere/data/other.csv")
    with pytest.raises(FileNotFoundError):
        open("/nowhere/data/x.csv")


def test_magics_and_shell_lines_the_target_does_not_need(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    cells(
        kernel,
        "%matplotlib inline\n%load_ext autoreload\nmbase = 10",
        "!ls",
        "%time mt = sum(range(mbase))",
        "%%timeit -n 1 -r 1\nsum(range(10))",
        "%%time\nmt2 = mt * 2",
        "mres = mt2 + 1",
    )
    assert all("_exit_code" not in {w["name"] for w in r["writes"]} for r in kernel.records())
    kernel.reproduce("mres", tmp_path)


def test_a_magic_the_target_needs_is_refused_with_its_line(kernel: RecordingKernel) -> None:
    cells(kernel, "mnote = 1\nmfiles = !ls", "mcount = len(mfiles)")
    with pytest.raises(ReifyError, match=r"line 2 \('mfiles = !ls'\)"):
        kernel.reify("mcount")


@pytest.mark.parametrize(
    ("cell", "plain"),
    [
        ("%time y = f(x)", "y = f(x)"),
        ("%%time\ny = f(x)\nz = 1", "y = f(x)\nz = 1"),
        ("%%capture --no-display\ny = 2", "y = 2"),
        ("%timeit f(x)\ny = 1", "y = 1"),
        ("%%timeit -n 1\nf(x)", ""),
        ("%matplotlib inline\n!ls -l\nx = 1", "x = 1"),
        ("%time %time y = 1", "y = 1"),
    ],
)
def test_magics_become_plain_python(cell: str, plain: str) -> None:
    assert python_code(cell).strip() == plain
