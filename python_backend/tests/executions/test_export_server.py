"""Export and Open in Notebook through the REST API of a real Jupyter server: the zip or folder
runs with plain Python, the pipeline's notebook and a job's notebook run in a real kernel to the
values the pipeline's execution stored."""

from __future__ import annotations

import asyncio
import json
import pickle
import zipfile
from pathlib import Path
from typing import Any

import nbclient
import nbformat
import pytest
import tornado
from forgelab.jobs import serializers

from .test_export import _run_plain, write_words


async def _call(jp_fetch, *path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
    if body is not None:
        kwargs.update(method="POST", body=json.dumps(body))
    response = await jp_fetch("forgelab", "api", *path, **kwargs)
    return response.code, json.loads(response.body)


async def _refused(jp_fetch, *path: str, body: Any = None, **kwargs: Any) -> tuple[int, str]:
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await _call(jp_fetch, *path, body=body, **kwargs)
    message = json.loads(info.value.response.body)["message"]
    assert "Traceback" not in message and "\n" not in message
    return info.value.code, message


@pytest.fixture
def words(jp_root_dir: Path) -> Path:
    """The words pipeline and its data file in the Jupyter root."""
    return write_words(jp_root_dir)


def _run_cells(cells: list[str], folder: Path, show: str) -> Any:
    """Run ``cells`` in a real kernel started in ``folder``; the JSON that ``show`` prints."""
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(c) for c in [*cells, f"import json\nprint({show})"]]
    )
    nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    return json.loads(notebook.cells[-1].outputs[0]["text"])


async def test_export_writes_beside_the_pipeline_never_overwriting(
    jp_fetch, jp_root_dir: Path, words: Path
) -> None:
    code, first = await _call(jp_fetch, "pipelines", "export", body={"path": words.name})
    assert (code, first) == (201, {"path": "words-export.zip", "format": "zip"})
    _, second = await _call(jp_fetch, "pipelines", "export", body={"path": words.name})
    assert second["path"] == "words-export-1.zip"
    with zipfile.ZipFile(jp_root_dir / second["path"]) as opened:
        opened.extractall(jp_root_dir / "unzipped")
    assert _run_plain(jp_root_dir / "unzipped" / "words-export-1").returncode == 0

    body = {"path": words.name, "format": "folder", "destination": "out/words"}
    code, folder = await _call(jp_fetch, "pipelines", "export", body=body)
    assert (code, folder["path"]) == (201, "out/words")
    done = _run_plain(jp_root_dir / "out" / "words")
    assert done.returncode == 0, done.stderr
    assert pickle.loads((jp_root_dir / "out/words/outputs/result.pickle").read_bytes()) == 30

    code, message = await _refused(jp_fetch, "pipelines", "export", body=body)
    assert code == 400 and message == "out/words already exists: choose a new name"


async def test_export_refuses_bad_input_with_one_line(
    jp_fetch, jp_root_dir: Path, words: Path
) -> None:
    code, message = await _refused(jp_fetch, "pipelines", "export", body={"path": "gone.json"})
    assert code == 404 and "no pipeline file gone.json" in message
    code, message = await _refused(
        jp_fetch, "pipelines", "export", body={"path": "../../etc/passwd"}
    )
    assert code == 400 and "outside the Jupyter root" in message
    body = {"path": words.name, "destination": "../escaped.zip"}
    code, message = await _refused(jp_fetch, "pipelines", "export", body=body)
    assert code == 400 and "outside the Jupyter root" in message
    with pytest.raises(tornado.httpclient.HTTPClientError) as info:
        await _call(jp_fetch, "pipelines", "export", body={"path": words.name, "format": "tar"})
    assert info.value.code == 400 and b"/format" in info.value.response.body

    doc = json.loads(words.read_text())
    outside = jp_root_dir.parent / "private.txt"
    outside.write_text("not the user's to export\n")
    for source, words_said in (
        ("artifact://0a1b2c", "only files can be exported"),
        (str(outside), "outside the Jupyter root"),
        ("../private.txt", "outside the Jupyter root"),
    ):
        doc["nodes"][0]["source"] = source
        words.write_text(json.dumps(doc))
        for path, body in (("export", {"path": words.name}), ("notebook", None)):
            params = {"path": words.name} if body is None else {}
            code, message = await _refused(jp_fetch, "pipelines", path, body=body, params=params)
            assert code == 400 and words_said in message
    assert not list(jp_root_dir.glob("*export*"))


async def _until_done(jp_fetch, execution_id: str) -> dict[str, Any]:
    for _ in range(1200):
        _, execution = await _call(jp_fetch, "executions", execution_id)
        if execution["status"] not in ("pending", "running"):
            return execution
        await asyncio.sleep(0.1)
    raise AssertionError("execution did not end")


async def test_pipeline_and_job_notebooks_give_the_values_the_run_stored(
    jp_fetch, jp_root_dir: Path, words: Path
) -> None:
    _, submitted = await _call(jp_fetch, "executions", body={"path": words.name})
    execution = await _until_done(jp_fetch, submitted["id"])
    assert execution["status"] == "succeeded", execution["jobs"]
    double = next(j for j in execution["jobs"] if j["node"] == "double")
    stored = double["outputs"]["twice"]
    response = await jp_fetch("forgelab", "api", "artifacts", stored["id"], "download")
    (jp_root_dir / "twice.bin").write_bytes(response.body)
    ran = int(serializers.load(str(jp_root_dir / "twice.bin"), stored["serializer"]))
    assert ran == 30

    _, notebook = await _call(jp_fetch, "pipelines", "notebook", params={"path": words.name})
    cells = notebook["cells"]
    assert "def count_words(text_file, scale=1):" in cells[0]
    assert cells[1:] == [
        "# text\ntext = 'data/words.txt'",
        "# count_words (count)\nn = _outputs(count_words(text_file=text, scale=3), ['n'])['n']",
        "# double\ntwice, same = _outputs(double(n=n), ['twice', 'same']).values()",
        "outputs = {'result': twice, 'count': n}\noutputs",
    ]
    values = _run_cells(cells, jp_root_dir, "json.dumps({k: int(v) for k, v in outputs.items()})")
    assert values == {"result": ran, "count": 15}

    _, job = await _call(jp_fetch, "executions", execution["id"], "jobs", double["id"], "notebook")
    assert "inputs = runtime.load_inputs(job, JOB_DIR)\nn = inputs['n']" in job["cells"][1]
    values = _run_cells(job["cells"], jp_root_dir, "json.dumps(outputs)")
    assert values == {"twice": ran, "same": 15}
