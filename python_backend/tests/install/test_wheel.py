"""The install a user gets: the wheel and sdist built as a release would be, the wheel installed
alone (with JupyterLab) into a fresh environment, and JupyterLab from that environment serving
ForgeLab's labextension and server extension; ``forgelab status`` runs there too.

Nothing of the development checkout is on that environment's path: not the source tree
(``PYTHONPATH`` is cleared), not the development environment, not a user's Jupyter folders.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest
import requests

#: Building and installing take minutes on a busy machine: more than the suite's per-test limit.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

REPO = Path(__file__).resolve().parents[3]
LABEXTENSION = "share/jupyter/labextensions/forgelab"
CONFIG_DATA = re.compile(
    r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', re.S
)


def run(*args: str | Path, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    """Run a command; on failure, fail the test with its output's tail."""
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=timeout, **kwargs
    )
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, args))} failed ({done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_environment(home: Path, venv: Path) -> dict[str, str]:
    """The environment of a user who installed the wheel: none of the checkout's paths."""
    dropped = ("PYTHONPATH", "VIRTUAL_ENV", "FORGELAB_STORE_URL", "FORGELAB_STORE")
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("JUPYTER")}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(REPO))]
    path = [p for p in path if Path(p).resolve() != Path(sys.executable).parent.resolve()]
    env.update(
        PATH=os.pathsep.join([str(venv / "bin"), *path]),
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
        JUPYTER_DATA_DIR=str(home / ".local/share/jupyter"),
        JUPYTER_RUNTIME_DIR=str(home / ".local/share/jupyter/runtime"),
    )
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The wheel and sdist of this checkout, built with ``python -m build`` (no isolation: the
    build back-end and its plug-ins come from the development environment)."""
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, REPO, timeout=600)
    wheels, sdists = list(dist.glob("forgelab-*.whl")), list(dist.glob("forgelab-*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in dist.iterdir())
    return {"wheel": wheels[0], "sdist": sdists[0]}


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A fresh virtual environment with only the wheel and JupyterLab installed in it."""
    root = tmp_path_factory.mktemp("user")
    venv, home = root / "venv", root / "home"
    home.mkdir()
    run(sys.executable, "-m", "venv", venv)
    env = clean_environment(home, venv)
    run(
        venv / "bin/python",
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-compile",  # Python compiles what it imports; compiling all of JupyterLab is slow
        built["wheel"],
        "jupyterlab",
        "-c",
        REPO / "constraints.txt",
        env={**env, "HOME": os.environ.get("HOME", str(home))},
        timeout=600,
    )
    return venv, env


def test_the_wheel_and_sdist_carry_the_labextension_and_the_server_switch(built) -> None:
    with zipfile.ZipFile(built["wheel"]) as wheel:
        names = wheel.namelist()
    data = next(n.split("/", 2)[0] for n in names if ".data/" in n)
    for expected in (
        f"{data}/data/{LABEXTENSION}/package.json",
        f"{data}/data/{LABEXTENSION}/install.json",
        f"{data}/data/etc/jupyter/jupyter_server_config.d/forgelab.json",
        "forgelab/server/extension.py",
        "forgelab/formats/pipeline.schema.json",
    ):
        assert expected in names, expected
    assert any(n.startswith(f"{data}/data/{LABEXTENSION}/static/remoteEntry.") for n in names)
    with tarfile.open(built["sdist"]) as sdist:
        members = sdist.getnames()
    top = members[0].split("/")[0]
    for expected in (
        "pyproject.toml",
        "package.json",
        "python_backend/forgelab/labextension/package.json",
    ):
        assert f"{top}/{expected}" in members, expected


def test_jupyterlab_from_the_installed_wheel_serves_forgelab(installed, tmp_path: Path) -> None:
    venv, env = installed
    where = run(venv / "bin/python", "-c", "import forgelab; print(forgelab.__file__)", env=env)
    assert where.stdout.strip().startswith(str(venv)), where.stdout  # the wheel's copy
    status = run(venv / "bin/forgelab", "status", env=env, cwd=tmp_path)
    assert "forgelab" in status.stdout.lower(), status.stdout

    port, token = free_port(), "install-test-token"
    root = tmp_path / "work"
    root.mkdir()
    log = open(tmp_path / "lab.log", "wb")  # noqa: SIM115 - the server's log, read on failure
    args = [
        str(venv / "bin/jupyter"),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
    ]
    if os.getuid() == 0:
        args.append("--allow-root")
    server = subprocess.Popen(
        args, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"token {token}"}
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (tmp_path / "lab.log").read_text()[-3000:]
            try:
                if requests.get(f"{base}/api/status", headers=headers, timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, (tmp_path / "lab.log").read_text()[-3000:]
            time.sleep(0.25)

        page = requests.get(f"{base}/lab", headers=headers, timeout=30)
        assert page.status_code == 200
        found = CONFIG_DATA.search(page.text)
        assert found, "no jupyter-config-data in /lab"
        config = json.loads(found.group(1))
        extensions = {e["name"]: e for e in config["federated_extensions"]}
        assert "forgelab" in extensions, sorted(extensions)
        entry = extensions["forgelab"]
        script = requests.get(
            f"{base}/lab/extensions/forgelab/{entry['load']}", headers=headers, timeout=30
        )
        assert script.status_code == 200 and script.text  # the labextension's code is served

        answer = requests.get(f"{base}/forgelab/api/status", headers=headers, timeout=60)
        assert answer.status_code == 200, answer.text
        assert isinstance(answer.json(), dict)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
