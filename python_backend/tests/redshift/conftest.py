"""Fixtures of the photo-z example tests: a small synthetic sky behind its contract servers."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from forgelab.examples.redshift.sky import Sky
from forgelab.examples.redshift.sky_server import SkyServer

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples" / "redshift"


@pytest.fixture(scope="session")
def sky(tmp_path_factory: pytest.TempPathFactory) -> Sky:
    """120 galaxies (5 fields), seed 5."""
    return Sky(tmp_path_factory.mktemp("sky"), galaxies=120, seed=5)


@pytest.fixture(scope="session")
def sky_server(sky: Sky) -> Iterator[SkyServer]:
    server = SkyServer(sky).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def operations() -> ModuleType:
    """``examples/redshift/operations.py`` imported as a module, as a notebook would."""
    spec = importlib.util.spec_from_file_location("redshift_operations", EXAMPLE / "operations.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
