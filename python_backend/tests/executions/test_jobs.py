"""Job directories, the runtime, serializers and the event hooks, in real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from forgelab.adapters.storage.local import LocalStorage
from forgelab.jobs import codegen, serializers

from .conftest import op


@pytest.mark.parametrize(
    ("value", "serializer"),
    [
        (np.arange(6).reshape(2, 3), "numpy"),
        (pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), "pandas"),
        ({"loss": [0.5, 0.25]}, "json"),
        (b"\x89PNG...", "bytes"),
        ({1: "int keys are not json"}, "cloudpickle"),
        (np.array([object(), 1], dtype=object)[1:], "cloudpickle"),
    ],
)
def test_values_round_trip_through_the_serializer_chosen_by_type(
    tmp_path: Path, value, serializer
) -> None:
    path = str(tmp_path / "value")
    used = serializers.dump(value, path)
    assert used in (serializer, "parquet") if serializer == "pandas" else used == serializer
    back = serializers.load(path, used)
    if isinstance(value, pd.DataFrame):
        pd.testing.assert_frame_equal(back, value)
    elif isinstance(value, np.ndarray):
        assert np.array_equal(back, value) if value.dtype != object else list(back) == list(value)
    else:
        assert back == value


def test_torch_tensors_and_state_dicts_use_torch_save(tmp_path: Path) -> None:
    import torch

    state = {"weight": torch.ones(2, 2), "bias": torch.zeros(2)}
    assert serializers.dump(state, str(tmp_path / "s")) == "torch"
    assert torch.equal(serializers.load(str(tmp_path / "s"), "torch")["weight"], state["weight"])
    assert serializers.dump(torch.arange(3), str(tmp_path / "t")) == "torch"


def test_an_unserializable_value_names_the_port_and_type(tmp_path: Path) -> None:
    with pytest.raises(serializers.SerializationError) as caught:
        serializers.dump(
            (x for x in range(3)), str(tmp_path / "g"), port="stream", operation="Make"
        )
    assert "Output 'stream' of operation 'Make' is a generator" in str(caught.value)


CODE = '''
import matplotlib.pyplot as plt
from tqdm import tqdm

def draw(values, *, times: int = 3):
    """Draw a curve per step and count with tqdm."""
    fig = plt.figure()
    for step in tqdm(range(times), desc="drawing"):
        fig.clear()
        fig.add_subplot().plot(values[: step + 1])
        fig.canvas.draw()
        import time; time.sleep(0.25)
    print("drew", times)
    return [v * 2 for v in values]
'''


def _job(tmp_path: Path, storage: LocalStorage) -> Path:
    operation = op(CODE, "draw")
    source = tmp_path / "values.json"
    source.write_text("[1, 2, 3]")
    stored = storage.put_file(str(source), "in/values")
    return codegen.generate(
        tmp_path / "job",
        job_id="j1",
        execution_id="e1",
        operation=operation,
        attributes={"times": 3},
        references={},
        inputs={"values": {"storage": "local", "uri": stored.uri, "serializer": "json"}},
        outputs={"result": {"storage": "local", "key": "e1/j1/result"}},
        storage={"local": storage.job_config()},
    )


def test_a_generated_job_runs_by_hand_as_plain_python(tmp_path: Path) -> None:
    storage = LocalStorage({"root": str(tmp_path / "artifacts")})
    directory = _job(tmp_path, storage)
    main = (directory / "main.py").read_text()
    assert "from operation import draw" in main and "runtime.run(draw" in main
    assert "times" not in main  # attribute values live in job.json, never in the code
    assert json.loads((directory / "job.json").read_text())["attributes"] == {"times": 3}
    env = {k: v for k, v in os.environ.items() if k not in ("FORGELAB_EVENTS_FILE", "MPLBACKEND")}
    env["MPLBACKEND"] = "Agg"
    done = subprocess.run(
        [sys.executable, "main.py"], cwd=directory, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "drew 3" in done.stdout
    result = json.loads((directory / "result.json").read_text())
    assert result["status"] == "succeeded"
    output = result["outputs"]["result"]
    assert output["serializer"] == "json" and output["type"] == "list"
    assert output["hash"].startswith("sha256:") and len(output["hash"]) == 71
    with storage.open(output["uri"]) as handle:
        assert json.load(handle) == [2, 4, 6]
    assert not (directory / "events.jsonl").exists()


def test_figures_and_progress_become_events_without_changing_the_code(tmp_path: Path) -> None:
    storage = LocalStorage({"root": str(tmp_path / "artifacts")})
    directory = _job(tmp_path, storage)
    events_file = directory / "events.jsonl"
    env = {
        **os.environ,
        "FORGELAB_EVENTS_FILE": str(events_file),
        "MPLBACKEND": "module://forgelab.jobs.mpl_backend",
    }
    done = subprocess.run(
        [sys.executable, "main.py"], cwd=directory, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in events_file.read_text().splitlines()]
    figures = [e for e in events if e["kind"] == "figure"]
    assert len(figures) == 3  # one per draw
    assert figures[0]["data"]["id"] == 1 and figures[0]["data"]["width"] > 0
    import base64

    assert base64.b64decode(figures[0]["data"]["png"]).startswith(b"\x89PNG")
    progress = [e["data"] for e in events if e["kind"] == "progress"]
    assert progress[-1] == {"id": 1, "n": 3, "total": 3, "desc": "drawing"}
    assert all(e["time"].endswith("Z") for e in events)


def test_a_failing_job_writes_its_error_to_result_json(tmp_path: Path) -> None:
    storage = LocalStorage({"root": str(tmp_path / "artifacts")})
    directory = _job(tmp_path, storage)
    job = json.loads((directory / "job.json").read_text())
    job["attributes"] = {"times": "three"}
    (directory / "job.json").write_text(json.dumps(job))
    done = subprocess.run(
        [sys.executable, "main.py"],
        cwd=directory,
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert done.returncode == 1
    result = json.loads((directory / "result.json").read_text())
    assert result["status"] == "failed" and result["error"]["type"] == "TypeError"
    assert "Traceback" in result["error"]["traceback"]


def test_local_storage_puts_atomically_and_hashes(tmp_path: Path) -> None:
    storage = LocalStorage({"root": str(tmp_path / "store")})
    source = tmp_path / "data.bin"
    source.write_bytes(b"abc")
    stored = storage.put_file(str(source), "e/j/port")
    assert stored.size == 3
    assert stored.hash == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert sorted(p.name for p in (tmp_path / "store" / "e" / "j").iterdir()) == ["port"]
    with pytest.raises(ValueError, match="invalid artifact key"):
        storage.put_file(str(source), "../escape")
