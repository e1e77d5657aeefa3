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


BLOCK_OPTIONAL = """
import sys
# An environment without the optional dependencies: importing them fails.
for name in ("keras", "torch", "dask", "distributed", "s3fs"):
    sys.modules[name] = None
"""


def test_without_optional_dependencies_everything_loads_and_says_what_is_missing() -> None:
    script = (
        BLOCK_OPTIONAL
        + """
import json
from forgelab.server.routes import routes
from forgelab.kernel.extension import load
assert routes()
from forgelab.cli import main
sys.exit(main(["status", "--json"]))
"""
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    missing = {m["name"]: m for m in facts["missing"]}
    assert {"keras", "torch", "dask", "distributed", "s3fs", "keras-backend"} <= set(missing)
    assert "forgelab[keras]" in missing["keras"]["install"]
    adapters = {a["name"]: a for a in facts["adapters"]["compute"]}
    assert adapters["dask"]["available"] is False
    assert adapters["dask"]["install"] == "pip install 'forgelab[dask]'"
    assert adapters["local"]["available"] is True
    storage = {a["name"]: a for a in facts["adapters"]["storage"]}
    assert storage["s3"]["available"] is False
    assert storage["s3"]["install"] == "pip install 'forgelab[s3]'"
