"""Fixtures shared by every ForgeLab test area: a real Jupyter server with ForgeLab enabled."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")

pytest_plugins = ("pytest_jupyter.jupyter_server",)

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"


@pytest.fixture
def jp_server_config(jp_server_config):  # noqa: F811 - extends pytest-jupyter's fixture
    return {"ServerApp": {"jpserver_extensions": {"forgelab": True}}}
