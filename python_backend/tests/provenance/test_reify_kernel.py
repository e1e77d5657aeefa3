"""End to end in one real kernel: cells run in a chosen order, reified, re-run to the same value."""

from __future__ import annotations

from pathlib import Path

import pytest
from forgelab.provenance import ReifyError
from forgelab.testing.recording import RecordingKernel

from .conftest import operations

pytestmark = pytest.mark.slow


def sliced_codes(kernel: RecordingKernel, doc: dict) -> list[str]:
    codes = {r["id"]: r["code"] for r in kernel.records()}
    return [codes[r] for r in doc["metadata"]["reifiedFrom"]["records"]]


def cells(kernel: RecordingKernel, *codes: str) -> None:
    for code in codes:
        result = kernel.cell(code)
        assert result.status == "ok", result.error


def test_reassignment_uses_only_the_latest_value(kernel: RecordingKernel, tmp_path: Path) -> None:
    cells(kernel, "ra = 1", "ra = ra + 10", "rb = 100", "rc = ra * 2", "ra = -5")
    doc = kernel.reproduce("rc", tmp_path)
    assert sliced_codes(kernel, doc) == ["ra = 1", "ra = ra + 10", "rc = ra * 2"]


def test_mutation_through_methods_and_in_place_operators(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    cells(
        kernel,
        "import numpy as np\nimport pandas as pd",
        "mx = [3, 1]\nmarr = np.arange(4.0)\nmdf = pd.DataFrame({'a': [1.0, None, 3.0]})",
        "mx.append(2)\nmx.sort()",
        "marr *= 3\nmarr[0] = 7",
        "mdf.dropna(inplace=True)\nmdf['b'] = mdf['a'] * 2",
        "mout = (mx, marr, mdf)",
    )
    kernel.reproduce("mout", tmp_path)


def test_a_cell_re_run_with_a_changed_constant(kernel: RecordingKernel, tmp_path: Path) -> None:
    cells(kernel, "import numpy as np")
    kernel.cell("crate = 0.1", cell_id="rate")
    kernel.cell("cbase = np.ones(3)", cell_id="base")
    kernel.cell("cy = cbase * crate", cell_id="use")
    kernel.cell("crate = 0.3", cell_id="rate")
    kernel.cell("cy = cbase * crate", cell_id="use")
    doc = kernel.reproduce("cy", tmp_path / "plain")
    assert "crate = 0.3" in str(doc)
    lifted = kernel.reproduce("cy", tmp_path / "lifted", lift_constants=True)
    attributes = [a for n in operations(lifted).values() for a in n["operation"]["attributes"]]
    assert {"name": "crate", "type": "float", "default": 0.3} in attributes


def test_cells_run_out_of_order(kernel: RecordingKernel, tmp_path: Path) -> None:
    # Top-down the notebook would give 10; the user ran 1, 3, 2 and saw 50.
    notebook = {"c1": "ok = 1", "c2": "om = ok * 10", "c3": "ok = 5"}
    for cell_id in ("c1", "c3", "c2"):
        assert kernel.cell(notebook[cell_id], cell_id=cell_id).status == "ok"
    doc = kernel.reproduce("om", tmp_path)
    records = kernel.records()
    cell_ids = {r["id"]: r["cellId"] for r in records}
    assert [cell_ids[r] for r in doc["metadata"]["reifiedFrom"]["records"]] == ["c3", "c2"]


def test_a_deleted_cell_whose_effect_is_still_live(kernel: RecordingKernel, tmp_path: Path) -> None:
    kernel.cell("lbase = [1, 2, 3]", cell_id="kept")
    kernel.cell("lbase.append(10)", cell_id="deleted-later")  # then removed from the notebook
    kernel.cell("lsum = sum(lbase)", cell_id="kept-2")
    doc = kernel.reproduce("lsum", tmp_path)
    assert "lbase.append(10)" in str(doc)


def test_functions_and_classes_defined_in_one_cell_used_in_another(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    cells(
        kernel,
        "import math\n\ndef fscale(v):\n    return [round(math.sqrt(x) * ffactor, 3) for x in v]",
        "class FBox:\n    def __init__(self, items):\n        self.items = items\n"
        "    def total(self):\n        return sum(fscale(self.items))",
        "ffactor = 2",
        "fbox = FBox([1, 4, 9])",
        "fout = fbox.total() + len(fscale([16]))",
    )
    doc = kernel.reproduce("fout", tmp_path)
    code = operations(doc)
    assert any("def fscale" in n["operation"]["source"]["code"] for n in code.values())


def test_imports_inside_cells(kernel: RecordingKernel, tmp_path: Path) -> None:
    cells(
        kernel,
        "from collections import Counter\nimport statistics as st",
        "iwords = 'a b a c b a'.split()",
        "icounts = Counter(iwords)\nimean = st.mean(icounts.values())",
        "iout = {'most': icounts.most_common(1)[0][0], 'mean': imean}",
    )
    kernel.reproduce("iout", tmp_path)


def test_reading_a_csv_and_an_npy(kernel: RecordingKernel, tmp_path: Path) -> None:
    folder = kernel.folder
    (folder / "table.csv").write_text("x,y\n1,2\n3,4\n5,6\n")
    cells(
        kernel,
        "import numpy as np\nnp.save('weights.npy', np.array([0.5, 2.0]))",
        "import pandas as pd\ndtable = pd.read_csv('table.csv')",
        "dw = np.load('weights.npy')",
        "dout = dtable[['x', 'y']].to_numpy() @ dw",
    )
    # The notebook wrote weights.npy itself: its writer and reader become one operation.
    doc = kernel.reproduce("dout", tmp_path)
    inputs = [n["source"] for n in doc["nodes"] if n["kind"] == "input"]
    assert inputs == [str(folder / "table.csv")]


def test_reading_files_the_notebook_did_not_write(kernel: RecordingKernel, tmp_path: Path) -> None:
    import numpy as np

    folder = kernel.folder
    (folder / "points.csv").write_text("x,y\n1,2\n3,4\n5,6\n")
    np.save(folder / "coef.npy", np.array([0.5, 2.0]))
    cells(
        kernel,
        "import numpy as np, pandas as pd",
        "ptable = pd.read_csv('points.csv')",
        "pcoef = np.load('coef.npy')",
        "pout = ptable[['x', 'y']].to_numpy() @ pcoef",
    )
    doc = kernel.reproduce("pout", tmp_path)
    sources = sorted(Path(n["source"]).name for n in doc["nodes"] if n["kind"] == "input")
    assert sources == ["coef.npy", "points.csv"]


def test_random_numbers_with_a_seed(kernel: RecordingKernel, tmp_path: Path) -> None:
    cells(
        kernel,
        "import numpy as np\nimport random",
        "np.random.seed(42)\nrandom.seed(7)",
        "rnoise = np.random.rand(5)",
        "rpick = random.random()",
        "rout = rnoise.sum() + rpick",
    )
    kernel.reproduce("rout", tmp_path)


def test_a_value_built_from_a_deleted_file_is_refused(kernel: RecordingKernel) -> None:
    (kernel.folder / "temp.txt").write_text("42\n")
    cells(kernel, "gtext = open('temp.txt').read()", "gvalue = int(gtext) + 1")
    (kernel.folder / "temp.txt").unlink()
    with pytest.raises(ReifyError, match=r"temp\.txt.*no longer exists"):
        kernel.reify("gvalue")


def test_a_value_depending_on_a_failed_cell_is_refused(kernel: RecordingKernel) -> None:
    assert kernel.cell("eva = 1\nraise RuntimeError('boom')").status == "error"
    cells(kernel, "evb = eva + 1")
    with pytest.raises(ReifyError, match="raised an error"):
        kernel.reify("evb")


def test_the_front_end_tells_the_notebook_and_cell_through_the_comm(
    kernel: RecordingKernel,
) -> None:
    answer = kernel.run.evaluate(
        "import json\nfrom forgelab.kernel.comm import answer\n"
        "print(json.dumps(answer({'id': 1, 'type': 'provenance.context', "
        "'notebook': 'lab/front.ipynb', 'cellId': 'front-1'})))"
    )
    assert answer["ok"] is True and answer["result"]["notebook"] == "lab/front.ipynb"
    cells(kernel, "ctx = 1")
    record = kernel.records()[-1]
    assert (record["notebook"], record["cellId"], record["code"]) == (
        "lab/front.ipynb",
        "front-1",
        "ctx = 1",
    )
    unknown = kernel.run.evaluate(
        "import json\nfrom forgelab.kernel.comm import answer\n"
        "print(json.dumps(answer({'id': 2, 'type': 'provenance.widget'})))"
    )
    assert unknown["ok"] is False and "needs 'model_id'" in unknown["error"]["message"]


def test_a_kernel_restart_starts_a_new_session(kernel: RecordingKernel, tmp_path: Path) -> None:
    cells(kernel, "kx = 1")
    before = kernel.run.flush()["session"]
    kernel.run.restart()
    cells(kernel, "kx = 2", "ky = kx * 3")
    after = kernel.run.flush()["session"]
    assert after != before
    doc = kernel.reproduce("ky", tmp_path)
    assert doc["metadata"]["reifiedFrom"]["session"] == after


def test_a_widget_edit_is_reified_and_reproduces_the_value(
    kernel: RecordingKernel, tmp_path: Path
) -> None:
    """The browser moves a slider (its comm update sets the trait, then the front end reports
    the edit); a value computed from the slider afterwards comes out the same from the pipeline."""
    cells(kernel, "import ipywidgets as widgets", "wslider = widgets.IntSlider(value=1, max=10)")
    edited = kernel.run.evaluate(
        "import json\nfrom forgelab.kernel.comm import answer\n"
        "wslider.value = 7\n"
        "print(json.dumps(answer({'id': 3, 'type': 'provenance.widget', "
        "'model_id': wslider.model_id, 'name': 'value', 'value': 7})))"
    )
    assert edited["ok"] is True, edited
    cells(kernel, "wy = wslider.value * 2")
    doc = kernel.reproduce("wy", tmp_path)
    kinds = {r["id"]: r["kind"] for r in kernel.records()}
    used = doc["metadata"]["reifiedFrom"]["records"]
    assert [kinds[r] for r in used].count("widget") == 1
    assert "wslider.value = 7" in sliced_codes(kernel, doc)
