"""Every ForgeLab endpoint requires Jupyter's authentication, and XSRF protection for the
methods that change something when the browser authenticates with its cookie.

The routes are read from the server extension itself, so an endpoint added later is covered
without touching this file.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
import tornado
from forgelab.testing.routes import http_requests, websocket_routes


def endpoints() -> list[tuple[str, str, str]]:
    """(path, method, handler name) of every method a handler implements, ``x`` for ids."""
    return [
        (path, method, handler.__name__)
        for method, path, _route, handler in http_requests(lambda _segment: "x")
    ]


ENDPOINTS = endpoints()
UNSAFE = [e for e in ENDPOINTS if e[1] != "GET"]


def test_the_route_table_is_read_whole() -> None:
    names = {handler for _, _, handler in ENDPOINTS}
    assert {"StatusHandler", "ExecutionsHandler", "ArtifactHandler", "AdaptersHandler"} <= names
    assert ("executions/x/rerun", "POST", "ExecutionActionHandler") in ENDPOINTS
    assert websocket_routes() == ["events"]


@pytest.mark.parametrize(("path", "method", "handler"), ENDPOINTS, ids=lambda v: str(v))
async def test_no_endpoint_answers_without_authentication(jp_fetch, path, method, handler):
    body = b"{}" if method in ("POST", "PUT", "PATCH") else None
    for credentials in ("", "token wrong"):
        with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
            await jp_fetch(
                "forgelab",
                "api",
                *path.split("/"),
                method=method,
                body=body,
                headers={"Authorization": credentials},
                allow_nonstandard_methods=True,
            )
        assert caught.value.code == 403, f"{method} {path} ({handler}) answered without a login"


async def test_the_events_websocket_refuses_without_authentication(jp_ws_fetch) -> None:
    for path in websocket_routes():
        with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
            await jp_ws_fetch(
                "forgelab", "api", path, params={"execution": "x"}, headers={"Authorization": ""}
            )
        assert caught.value.code == 403


async def log_in(jp_fetch, jp_serverapp) -> dict[str, str]:
    """The cookies a browser holds after logging in with the server's token on the login page:
    the login cookie and the ``_xsrf`` cookie."""
    page = await jp_fetch("login", headers={"Authorization": ""})
    jar = SimpleCookie()
    for header in page.headers.get_list("Set-Cookie"):
        jar.load(header)
    xsrf = jar["_xsrf"].value
    token = jp_serverapp.identity_provider.token
    with pytest.raises(tornado.httpclient.HTTPClientError) as redirected:
        await jp_fetch(
            "login",
            method="POST",
            body=urlencode({"password": token, "_xsrf": xsrf}),
            headers={"Authorization": "", "Cookie": f"_xsrf={xsrf}"},
            follow_redirects=False,
        )
    assert redirected.value.code == 302, "logging in with the token did not succeed"
    for header in redirected.value.response.headers.get_list("Set-Cookie"):
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


async def test_a_logged_in_browser_reads_with_its_cookie(jp_fetch, jp_serverapp) -> None:
    browser_cookies = await log_in(jp_fetch, jp_serverapp)
    # ``executions``, not ``status``: the latter imports Keras, seconds on a busy machine.
    response = await jp_fetch(
        "forgelab",
        "api",
        "executions",
        headers={"Authorization": "", "Cookie": cookie_header(browser_cookies)},
    )
    assert response.code == 200


@pytest.mark.parametrize(("path", "method", "handler"), UNSAFE, ids=lambda v: str(v))
async def test_no_change_is_made_from_a_cookie_without_the_xsrf_token(
    jp_fetch, jp_serverapp, path, method, handler
):
    """A page on another site can make the browser send its cookies, but cannot read the
    ``_xsrf`` cookie to echo it in a header: such a request must be refused."""
    browser_cookies = await log_in(jp_fetch, jp_serverapp)
    body = b"{}" if method in ("POST", "PUT", "PATCH") else None
    with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
        await jp_fetch(
            "forgelab",
            "api",
            *path.split("/"),
            method=method,
            body=body,
            headers={"Authorization": "", "Cookie": cookie_header(browser_cookies)},
            allow_nonstandard_methods=True,
        )
    assert caught.value.code == 403, f"{method} {path} ({handler}) accepted a forged request"
    assert b"xsrf" in caught.value.response.body.lower()


@pytest.mark.parametrize(("path", "method", "handler"), UNSAFE, ids=lambda v: str(v))
async def test_with_the_xsrf_token_the_same_request_gets_past_the_check(
    jp_fetch, jp_serverapp, path, method, handler
):
    """The control for the test above: echoing the token is enough, so the refusal there is
    the XSRF check and not something else."""
    browser_cookies = await log_in(jp_fetch, jp_serverapp)
    body = b"{}" if method in ("POST", "PUT", "PATCH") else None
    headers = {
        "Authorization": "",
        "Cookie": cookie_header(browser_cookies),
        "X-XSRFToken": browser_cookies["_xsrf"],
    }
    try:
        response = await jp_fetch(
            "forgelab",
            "api",
            *path.split("/"),
            method=method,
            body=body,
            headers=headers,
            allow_nonstandard_methods=True,
        )
        code = response.code
    except tornado.httpclient.HTTPClientError as error:
        code = error.code
        assert b"xsrf" not in (error.response.body.lower() if error.response else b"")
    assert code != 403, f"{method} {path} ({handler}) refused a request carrying the token"
