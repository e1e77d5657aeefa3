"""``forgelab run`` reads the Jupyter server's configuration files (and ``--config FILE``): an S3
store configured only there (a real moto endpoint that checks credentials) is the one it uses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PIPELINE = {
    "format": "forgelab.pipeline",
    "version": 1,
    "nodes": [
        {
            "id": "answer",
            "kind": "operation",
            "operation": {
                "id": "inline:answer",
                "name": "answer",
                "inputs": [],
                "outputs": [{"name": "result", "type": "any"}],
                "attributes": [],
                "source": {
                    "language": "python",
                    "function": "answer",
                    "code": "def answer():\n    return 42\n",
                },
            },
        }
    ],
    "connections": [],
}


def forgelab(cwd: Path, config_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config_dir), "KERAS_BACKEND": "torch"}
    env.pop("FORGELAB_STORE_URL", None)
    return subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "forgelab.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "p.pipeline.json").write_text(json.dumps(PIPELINE))
    return tmp_path


def stored(moto, done: subprocess.CompletedProcess) -> str:
    """The artifact's URI, after checking the run succeeded and the object is in the bucket."""
    assert done.returncode == 0, done.stderr
    execution = json.loads(done.stdout)
    uri = execution["jobs"][0]["outputs"]["result"]["uri"]
    assert uri.startswith("s3://artifacts/forgelab/")
    key = uri.removeprefix("s3://artifacts/")
    assert moto.client.head_object(Bucket="artifacts", Key=key)["ContentLength"] > 0
    return uri


@pytest.mark.slow
def test_run_uses_the_storage_of_jupyter_server_config_py(moto, work: Path) -> None:
    config_dir = work / "jupyter-config"
    config_dir.mkdir()
    (config_dir / "jupyter_server_config.py").write_text(
        f"c.ForgeLabConfig.storage_adapters = {{'s3': {moto.config()!r}}}\n"
    )
    stored(moto, forgelab(work, config_dir, "run", "p.pipeline.json", "--storage", "s3", "--json"))


@pytest.mark.slow
def test_run_reads_config_file_given_on_the_command_line(moto, work: Path) -> None:
    (work / "forgelab.json").write_text(
        json.dumps(
            {"ForgeLabConfig": {"storage_adapters": {"s3": moto.config()}, "default_storage": "s3"}}
        )
    )
    empty = work / "empty-config"
    empty.mkdir()
    stored(
        moto, forgelab(work, empty, "run", "p.pipeline.json", "--config", "forgelab.json", "--json")
    )


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("jupyter_server_config.py", "c.ForgeLabConfig.default_storage = (\n", "SyntaxError"),
        ("jupyter_server_config.json", '{"ForgeLabConfig": ', "JSONDecodeError"),
    ],
)
def test_a_broken_config_file_is_one_line(work: Path, name: str, text: str, expected: str) -> None:
    config_dir = work / "jupyter-config"
    config_dir.mkdir()
    (config_dir / name).write_text(text)
    done = forgelab(work, config_dir, "run", "p.pipeline.json")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(
        f"forgelab: cannot read the configuration file {config_dir / name}: {expected}: "
    )
    assert "fix it, or move it out of the way" in done.stderr
    missing = forgelab(work, config_dir.parent, "run", "p.pipeline.json", "--config", "nope.py")
    assert missing.stderr.strip() == "forgelab: --config nope.py: no such file"
