"""ForgeLab on a real JupyterHub: two users, each with their own single-user server, one store.

Everything goes through the hub's proxy with a browser's cookies, as a person would use it. The
tests run in file order: the last ones stop bob's server and then the whole deployment.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy
import websocket
from forgelab.testing.hub import HubBrowser, HubDeployment, alive, is_login_or_refusal
from forgelab.testing.routes import http_requests, websocket_routes

from .conftest import USERS

pytestmark = pytest.mark.slow

METHODS = ("get", "post", "put", "patch", "delete")
BODIES = {"executions/x/rerun": {"from": "all"}}


class _PageConfig(HTMLParser):
    """The JSON of ``<script id="jupyter-config-data">`` in a JupyterLab page."""

    def __init__(self) -> None:
        super().__init__()
        self._inside = False
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inside = tag == "script" and ("id", "jupyter-config-data") in attrs

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.text += data


def page_config(html: str) -> dict[str, Any]:
    parser = _PageConfig()
    parser.feed(html)
    assert parser.text, "the page has no jupyter-config-data"
    return json.loads(parser.text)


def endpoints(ids: dict[str, str]) -> list[tuple[str, str, str]]:
    """(method, path, route) for every method every ForgeLab handler implements, each id filled
    with the one ``ids`` names by the path segment before it (``executions/<id>``)."""

    def id_for(segment: str) -> str:
        assert segment in ids, f"no id for a path after {segment!r}"
        return ids[segment]

    return [(method, path, route) for method, path, route, _ in http_requests(id_for)]


def ids_of(run: dict[str, Any]) -> dict[str, str]:
    """The ids of a user's run, keyed by the route segment that precedes them."""
    execution = run["execution"]
    job = execution["jobs"][0]
    return {
        "executions": execution["id"],
        "jobs": job["id"],
        "artifacts": job["outputs"]["result"]["id"],
        "compute": "local",
        "storage": "local",
    }


def body_for(path: str, ids: dict[str, str]) -> dict[str, Any]:
    generic = path
    for value in ids.values():
        generic = generic.replace(value, "x")
    return BODIES.get(generic, {})


def test_each_user_opens_jupyterlab_with_forgelab(browsers: dict[str, HubBrowser]) -> None:
    def open_lab(user: str) -> None:
        browser = browsers[user]
        page = browser.open("lab")
        assert page.status_code == 200 and page.url.endswith(f"/user/{user}/lab")
        config = page_config(page.text)
        assert config["baseUrl"] == f"/user/{user}/"
        assert "forgelab" in [e["name"] for e in config["federated_extensions"]]

        status = browser.request("GET", "forgelab/api/status")
        assert status.status_code == 200 and status.json()["status"] == "ok"

    # side by side, as two people would: each server's first status probes its dependencies
    with ThreadPoolExecutor(len(USERS)) as pool:
        list(pool.map(open_lab, USERS))


def test_a_change_without_the_xsrf_header_is_refused(browsers: dict[str, HubBrowser]) -> None:
    browser = browsers["alice"]
    response = browser.http.post(
        browser.server_url("forgelab/api/executions"), json={"pipeline": None}, timeout=30
    )
    assert response.status_code == 403 and "_xsrf" in response.json()["message"]


def test_each_user_runs_a_pipeline_and_sees_its_live_events(
    hub: HubDeployment, browsers: dict[str, HubBrowser], runs: dict[str, dict[str, Any]]
) -> None:
    for user in USERS:
        execution, messages = runs[user]["execution"], runs[user]["messages"]
        assert execution["status"] == "succeeded", execution
        assert execution["owner"] == user
        (job,) = execution["jobs"]
        # pushed over the websocket through the proxy, in order, each with its cursor; the
        # job printed only after the socket had opened, so its output came live
        (stdout,) = [m for m in messages if m["kind"] == "stdout"]
        assert stdout["data"] == f"hello {user}" and "before_gate" not in stdout
        assert messages[0].get("before_gate")
        job_statuses = [
            m["data"]["status"]
            for m in messages
            if m["kind"] == "status" and m.get("job") == job["id"]
        ]
        assert job_statuses[-1] == "succeeded" and "running" in job_statuses
        cursors = [m["cursor"] for m in messages if "cursor" in m]
        assert cursors == sorted(cursors) and cursors

        artifact = job["outputs"]["result"]
        browser = browsers[user]
        listed = browser.request("GET", "forgelab/api/artifacts").json()["artifacts"]
        assert artifact["id"] in [a["id"] for a in listed]
        download = browser.request("GET", f"forgelab/api/artifacts/{artifact['id']}/download")
        assert download.status_code == 200 and f"hello {user}".encode() in download.content

    # both servers wrote to the one shared store, each execution owned by its user
    engine = sqlalchemy.create_engine(hub.store_url)
    try:
        with engine.connect() as connection:
            query = sqlalchemy.text("SELECT id, owner FROM executions")
            rows = {row.id: row.owner for row in connection.execute(query)}
    finally:
        engine.dispose()
    assert {rows[runs[user]["execution"]["id"]] for user in USERS} == set(USERS)


def test_alice_cannot_reach_bobs_server_on_any_forgelab_route(
    hub: HubDeployment, browsers: dict[str, HubBrowser], runs: dict[str, dict[str, Any]]
) -> None:
    alice = browsers["alice"]
    bob_ids = ids_of(runs["bob"])
    secrets = [v for k, v in bob_ids.items() if k in ("executions", "jobs", "artifacts")]
    # alice sends her own server's XSRF token: the best a page of hers could forge
    forged = {"X-XSRFToken": alice.xsrf_cookie(f"/user/{alice.user}/") or ""}
    checked = endpoints(bob_ids)
    assert len(checked) >= 15
    for method, path, route in checked:
        url = alice.server_url(f"forgelab/api/{path}", user="bob")
        response = alice.http.request(
            method,
            url,
            json=body_for(path, bob_ids),
            params={"execution": bob_ids["executions"]},
            headers=forged,
            allow_redirects=False,
            timeout=30,
        )
        where = f"{method} /user/bob/forgelab/api/{path} ({route})"
        assert is_login_or_refusal(response), f"{where}: {response.status_code}"
        if response.is_redirect:
            response = alice.http.get(response.headers["Location"], timeout=30)
            # bob's server sends her to the hub, which does not let her into bob's server
            assert response.status_code == 403, f"{where} then {response.url}"
        assert not any(secret in response.text for secret in secrets), where
        assert "hello bob" not in response.text, where

    for path in websocket_routes():
        url = alice.server_url(f"forgelab/api/{path}", user="bob").replace("http", "ws", 1)
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(
                f"{url}?execution={bob_ids['executions']}",
                cookie=alice.cookie_header(),
                timeout=30,
            )
        assert refused.value.status_code in (302, 403)


def test_bobs_records_in_the_shared_store_do_not_exist_for_alices_server(
    browsers: dict[str, HubBrowser], runs: dict[str, dict[str, Any]]
) -> None:
    alice = browsers["alice"]
    bob_ids = ids_of(runs["bob"])
    alice_ids = ids_of(runs["alice"])
    missing = {
        "executions": "e-20000101000000-00000000",
        "jobs": "j-20000101000000-00000000",
        "artifacts": "a-20000101000000-00000000",
        "compute": "local",
        "storage": "local",
    }
    bob_secrets = [bob_ids[k] for k in ("executions", "jobs", "artifacts")]

    def answer(method: str, path: str, ids: dict[str, str]) -> tuple[int, str]:
        response = alice.request(method, f"forgelab/api/{path}", json=body_for(path, ids))
        text = response.text
        for key, value in ids.items():
            text = text.replace(value, f"<{key}>")
        return response.status_code, text

    checked = 0
    for (method, bob_path, route), (_, missing_path, _) in zip(
        endpoints(bob_ids), endpoints(missing), strict=True
    ):
        if not any(bob_ids[k] in bob_path for k in ("executions", "jobs", "artifacts")):
            continue
        checked += 1
        where = f"{method} {bob_path} ({route}) through alice's server"
        code, text = answer(method, bob_path, bob_ids)
        assert (code, text) == answer(method, missing_path, missing), where
        assert code in (400, 404), where

    assert checked >= 10
    # alice's own records still answer: the refusals are about the owner, not the route
    own = alice.request("GET", f"forgelab/api/executions/{alice_ids['executions']}")
    assert own.status_code == 200

    # lists show only her own records
    for path, params in [
        ("executions", None),
        ("artifacts", None),
        ("artifacts", {"execution": bob_ids["executions"]}),
        ("provenance/records", {"notebook": "x.ipynb"}),
    ]:
        listed = alice.request("GET", f"forgelab/api/{path}", params=params)
        assert listed.status_code == 200, listed.text
        assert not any(secret in listed.text for secret in bob_secrets), path
        assert "hello bob" not in listed.text, path
    executions = alice.request("GET", "forgelab/api/executions").json()["executions"]
    assert [e["id"] for e in executions] == [alice_ids["executions"]]

    # and the event stream of bob's execution does not open
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(
            alice.websocket_url("forgelab/api/events", {"execution": bob_ids["executions"]}),
            cookie=alice.cookie_header(),
            timeout=30,
        )
    assert refused.value.status_code == 404


def test_a_wrong_password_is_refused(hub: HubDeployment) -> None:
    intruder = HubBrowser(hub, "alice")
    response = intruder.login(password=hub.password + "-wrong")
    assert response.status_code == 403 and "Invalid username or password" in response.text
    assert "jupyterhub-hub-login" not in intruder.http.cookies.get_dict()
    # without a login, alice's server sends the browser to the hub's login page
    page = intruder.open("lab")
    assert page.url.startswith(hub.url + "hub/login")
    api = intruder.request("GET", "forgelab/api/executions")
    assert is_login_or_refusal(api) and "hello alice" not in api.text

    stranger = HubBrowser(hub, "mallory")
    assert stranger.login().status_code == 403, "a user outside allowed_users logged in"


def test_a_stopped_server_answers_at_once_that_it_is_not_running(
    hub: HubDeployment, browsers: dict[str, HubBrowser]
) -> None:
    bob = browsers["bob"]
    hub.stop_server("bob")
    response = bob.request("GET", "forgelab/api/executions", follow=True)
    assert response.status_code == 424
    assert "no longer running" in response.json()["message"]
    # a change is answered by the hub at once too: the browser holds the stopped server's XSRF
    # token, not the hub's, so the hub refuses before it would say 424
    posted = bob.request("POST", "forgelab/api/executions", json={"pipeline": None})
    assert posted.status_code == 403 and "XSRF cookie does not match POST" in posted.text
    # alice's server is not affected
    assert browsers["alice"].request("GET", "forgelab/api/status").status_code == 200


def test_the_deployment_stops_without_leaving_a_process(hub: HubDeployment) -> None:
    running = hub.processes()
    # the hub, the proxy and alice's server at least
    assert len(running) >= 3, running
    hub.stop()
    assert hub.processes() == []
    assert not any(alive(pid) for pid in running)
