"""The ``forgelab`` command line, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import forgelab


def forgelab_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forgelab.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_version() -> None:
    result = forgelab_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"forgelab {forgelab.__version__}"


def test_status_json_has_the_same_facts_as_the_endpoint() -> None:
    result = forgelab_cli("status", "--json")
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    assert facts["status"] == "ok"
    assert facts["forgelab"] == forgelab.__version__
    assert facts["components"]["keras-backend"]["version"] == "torch"
    assert set(facts["adapters"]) == {"compute", "storage"}


def test_status_text_lists_components() -> None:
    result = forgelab_cli("status")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"ForgeLab {forgelab.__version__} on Python")
    assert "compute adapters:" in result.stdout


def test_no_command_prints_help_and_fails() -> None:
    result = forgelab_cli()
    assert result.returncode == 2
    assert "usage: forgelab" in result.stdout


def test_unknown_command_is_a_usage_error() -> None:
    result = forgelab_cli("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
