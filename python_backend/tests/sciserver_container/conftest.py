"""A faked SciServer Compute container in a temporary folder, backed by the SciServer contract
server (not SciServer) on 127.0.0.1.

The layout is the one SciScript relies on: ``/home/idies/keystone.token`` holds alice's token,
``/home/idies/workspace`` shows her user volumes (the contract server's files, as the real
fileservice's volumes are mounted there), and ``/etc/sciserver/sciscript.json`` points
SciScript's ``AuthenticationURL`` and ``RacmApiURL`` at the contract server. ForgeLab finds
the folder through ``FORGELAB_SCISERVER_ROOT``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from forgelab.testing.sciserver_contract import SciServerContractServer


@dataclass
class FakeContainer:
    root: Path
    server: SciServerContractServer
    token: str

    @property
    def token_file(self) -> Path:
        return self.root / "home/idies/keystone.token"

    @property
    def workspace(self) -> Path:
        return self.root / "home/idies/workspace"

    @property
    def sciscript_json(self) -> Path:
        return self.root / "etc/sciserver/sciscript.json"

    def new_token(self) -> str:
        """SciServer gives the container a fresh token (the old one expires)."""
        self.server.expire(self.token)
        self.token = self.server.issue_token("alice")
        self.token_file.write_text(self.token + "\n")
        return self.token


@pytest.fixture
def sciserver(tmp_path) -> Iterator[SciServerContractServer]:
    server = SciServerContractServer(tmp_path / "sciserver").start()
    yield server
    server.stop()


@pytest.fixture
def fake_container(tmp_path, sciserver, monkeypatch) -> FakeContainer:
    root = tmp_path / "container"
    token = sciserver.issue_token("alice")
    box = FakeContainer(root, sciserver, token)
    box.token_file.parent.mkdir(parents=True)
    box.token_file.write_text(token + "\n")
    box.workspace.symlink_to(sciserver.files_root, target_is_directory=True)
    box.sciscript_json.parent.mkdir(parents=True)
    box.sciscript_json.write_text(
        json.dumps(
            {
                "AuthenticationURL": sciserver.urls["login_url"],
                "RacmApiURL": sciserver.urls["racm_url"],
                "CasJobsRESTUri": f"{sciserver.base}/CasJobs/RestApi",
            }
        )
    )
    monkeypatch.setenv("FORGELAB_SCISERVER_ROOT", str(root))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # no personal sciscript.json
    # Jobs run `python3 main.py` as in a SciServer image: here, this Python (it has ForgeLab).
    path = os.environ.get("PATH", "")
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{path}")
    return box


@pytest.fixture
def jp_server_config(jp_server_config, fake_container):
    """A Jupyter server started inside the fake container, with no ForgeLab configuration."""
    return jp_server_config
