"""The events websocket applies Jupyter's Origin check: a page of another site, riding on the
browser's login cookie, cannot open it; the same page of this server can."""

from __future__ import annotations

import json

import pytest
import tornado

from .conftest import call, finished, inline, pipeline
from .test_endpoints import cookie_header, log_in


async def finished_execution(jp_fetch) -> str:
    doc = pipeline([{"id": "one", "kind": "operation", "operation": inline(ONE, "one")}])
    status, execution = await call(jp_fetch, "executions", method="POST", body={"pipeline": doc})
    assert status == 201, execution
    await finished(jp_fetch, execution["id"])
    return execution["id"]


ONE = "def one():\n    return 1\n"


@pytest.mark.slow
async def test_a_cross_origin_page_cannot_open_the_event_stream(
    jp_fetch, jp_ws_fetch, jp_serverapp, jp_http_port
) -> None:
    execution_id = await finished_execution(jp_fetch)
    cookies = cookie_header(await log_in(jp_fetch, jp_serverapp))
    # The login cookie is named after the host the browser logged in to (jp_fetch's).
    host = f"127.0.0.1:{jp_http_port}"
    for origin in ("http://evil.example", f"http://{host}.evil.example"):
        with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
            await jp_ws_fetch(
                "forgelab",
                "api",
                "events",
                params={"execution": execution_id},
                headers={"Authorization": "", "Cookie": cookies, "Origin": origin, "Host": host},
            )
        assert caught.value.code == 403, origin

    socket = await jp_ws_fetch(
        "forgelab",
        "api",
        "events",
        params={"execution": execution_id},
        headers={
            "Authorization": "",
            "Cookie": cookies,
            "Origin": f"http://{host}",
            "Host": host,
        },
    )
    try:
        first = json.loads(await socket.read_message())
    finally:
        socket.close()
    assert first["kind"] == "status" and first["execution"] == execution_id
