"""The test deployment helper itself: what it runs, and what it says when it cannot."""

from __future__ import annotations

from pathlib import Path

import pytest
from forgelab.testing.hub import HubDeployment, HubError, find_proxy

from .conftest import EXAMPLE_CONFIG, PROXY


def test_the_documented_example_configuration_is_what_the_hub_loads(tmp_path: Path) -> None:
    deployment = HubDeployment(
        tmp_path,
        hub_config=EXAMPLE_CONFIG,
        users=("carol",),
        store_url="sqlite:///x.db",
        proxy_cmd=PROXY,
    )
    config = deployment.config_text()
    assert f"load_subconfig({str(EXAMPLE_CONFIG)!r})" in config
    assert '"127.0.0.1"' in config and "0.0.0.0" not in config
    assert "{'carol'}" in config
    compile(config, "jupyterhub_config.py", "exec")
    compile(EXAMPLE_CONFIG.read_text(), str(EXAMPLE_CONFIG), "exec")


def test_a_missing_hub_configuration_is_named(tmp_path: Path) -> None:
    with pytest.raises(HubError, match="no hub configuration at .*examples/deploy"):
        HubDeployment(tmp_path, hub_config=tmp_path / "nope.py", proxy_cmd=PROXY)


def test_a_missing_proxy_is_named_with_what_to_do(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-proxy"
    with pytest.raises(HubError) as caught:
        find_proxy(missing)
    assert str(missing) in str(caught.value) and "jlpm install" in str(caught.value)
    with pytest.raises(HubError, match="not an executable file"):
        HubDeployment(tmp_path, hub_config=EXAMPLE_CONFIG, proxy_cmd=missing)


@pytest.mark.slow
def test_a_hub_that_cannot_start_says_why_and_leaves_nothing_running(tmp_path: Path) -> None:
    broken = tmp_path / "broken-proxy"
    broken.write_text("#!/bin/sh\necho 'this proxy cannot start' >&2\nexit 3\n")
    broken.chmod(0o755)
    deployment = HubDeployment(
        tmp_path / "hub", hub_config=EXAMPLE_CONFIG, proxy_cmd=broken, timeout=60
    )
    with pytest.raises(HubError) as caught:
        deployment.start()
    message = str(caught.value)
    assert "the hub exited" in message and str(deployment.log_path) in message
    assert "proxy" in message.lower()
    assert deployment.processes() == []
