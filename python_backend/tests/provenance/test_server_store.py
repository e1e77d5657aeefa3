"""The server extension shares its store with the kernels it starts."""

from __future__ import annotations

import json
import os

import pytest
from forgelab.store import default_url


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORGELAB_STORE_URL", raising=False)


async def test_kernels_of_the_server_inherit_its_store_url(clean_env, jp_serverapp, jp_fetch):
    expected = default_url(jp_serverapp.root_dir)
    assert os.environ["FORGELAB_STORE_URL"] == expected
    response = await jp_fetch("api", "kernels", method="POST", body="{}")
    kernel_id = json.loads(response.body)["id"]
    client = jp_serverapp.kernel_manager.get_kernel(kernel_id).client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        printed: list[str] = []

        def hook(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])

        await client.execute_interactive(
            "import os; print(os.environ.get('FORGELAB_STORE_URL'))", output_hook=hook, timeout=60
        )
        assert "".join(printed).strip() == expected
    finally:
        client.stop_channels()
        await jp_fetch("api", "kernels", kernel_id, method="DELETE")
