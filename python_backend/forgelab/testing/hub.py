"""A real JupyterHub on 127.0.0.1 for tests: users with ForgeLab in their single-user servers.

:class:`HubDeployment` starts JupyterHub with configurable-http-proxy, a shared-password
authenticator for a fixed set of users and ``SimpleLocalProcessSpawner`` (each user's
``jupyterhub-singleuser`` server is a separate process with its own HOME under the deployment's
directory). All users' servers get one ForgeLab store (``FORGELAB_STORE_URL``): an SQLite file in
the deployment's directory unless a URL (PostgreSQL) is given. The ForgeLab part of the hub's
configuration is a file given to it (the tests give ``examples/deploy/jupyterhub_config.py``),
loaded as is, so the documented example is what runs there.

:class:`HubBrowser` is what a person's browser does: log in on the hub's form, follow the OAuth
redirects into the user's server and send the ``_xsrf`` cookie back as ``X-XSRFToken``.

Every process of a deployment (hub, proxy, servers, their kernels and jobs) carries a marker in
its environment, so :meth:`HubDeployment.processes` finds them all, even those whose parent
died; shutting down checks that none is left.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlencode, urljoin, urlparse

import requests
from requests.cookies import get_cookie_header

MARKER = "FORGELAB_HUB_DEPLOYMENT"
"""Environment variable set, to the deployment's id, in every process the deployment starts."""
SERVICE = "forgelab-tests"
"""The hub service whose token drives the hub API (start and stop servers, read users)."""


class HubError(RuntimeError):
    """The deployment could not do what was asked; the message says what and where to look."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_proxy(proxy_cmd: str | os.PathLike[str] | None = None) -> str:
    """The configurable-http-proxy executable: ``proxy_cmd`` when given (a checkout's
    ``node_modules/.bin/configurable-http-proxy``), else the one on ``PATH``."""
    if proxy_cmd is not None:
        if Path(proxy_cmd).is_file() and os.access(proxy_cmd, os.X_OK):
            return str(proxy_cmd)
        raise HubError(
            f"configurable-http-proxy {str(proxy_cmd)!r} is not an executable file: "
            "pass the path of one (`jlpm install` at the repository root makes "
            "node_modules/.bin/configurable-http-proxy), or none to use the one on PATH."
        )
    found = shutil.which("configurable-http-proxy")
    if not found:
        raise HubError(
            "configurable-http-proxy is not on PATH: run `jlpm install` at the repository root "
            "and pass node_modules/.bin/configurable-http-proxy as proxy_cmd, or "
            "`npm install -g configurable-http-proxy`."
        )
    return found


def _environ(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:  # gone, or not ours to read
        return {}
    pairs = (item.partition(b"=") for item in raw.split(b"\0") if item)
    return {k.decode(errors="replace"): v.decode(errors="replace") for k, _, v in pairs}


def alive(pid: int) -> bool:
    """Whether process ``pid`` is running (a zombie, exited but not yet reaped, is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait() is missing


class HubDeployment:
    """A JupyterHub, its proxy and its users' servers, all on 127.0.0.1 under ``root``.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`. ``hub_config`` is the
    ForgeLab part of the hub's configuration, loaded as is; ``store_url`` is the ForgeLab store
    shared by every user (default: ``sqlite:///<root>/forgelab.db``).
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        hub_config: str | os.PathLike[str],
        users: Iterable[str] = ("alice", "bob"),
        password: str | None = None,
        store_url: str | None = None,
        proxy_cmd: str | os.PathLike[str] | None = None,
        timeout: float = 120.0,
    ) -> None:
        self.root = Path(root).resolve()
        self.hub_config = Path(hub_config).resolve()
        if not self.hub_config.is_file():
            raise HubError(
                f"no hub configuration at {self.hub_config}: give the ForgeLab part of "
                "jupyterhub_config.py (examples/deploy/jupyterhub_config.py in the repository)"
            )
        self.users = tuple(users)
        self.password = password or secrets.token_urlsafe(12)
        self.store_url = store_url or f"sqlite:///{self.root / 'forgelab.db'}"
        self.proxy_cmd = find_proxy(proxy_cmd)
        self.timeout = timeout
        self.id = secrets.token_hex(8)
        self.api_token = secrets.token_hex(32)
        self.port = free_port()
        self.hub_port = free_port()
        self.proxy_api_port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        """The proxy's public address: what a browser talks to."""
        self.log_path = self.root / "jupyterhub.log"
        self._process: subprocess.Popen[bytes] | None = None

    # -- life cycle -----------------------------------------------------------------------

    def config_text(self) -> str:
        """The ``jupyterhub_config.py`` of this deployment."""
        home = self.root / "home" / "{username}"
        singleuser = Path(sys.executable).with_name("jupyterhub-singleuser")
        roles = [
            {
                "name": SERVICE,
                "scopes": ["admin:users", "admin:servers", "list:users", "read:users"],
                "services": [SERVICE],
            }
        ]
        return f"""\
c = get_config()  # noqa: F821
load_subconfig({str(self.hub_config)!r})  # noqa: F821

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {self.port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {self.hub_port}
c.JupyterHub.db_url = {"sqlite:///" + str(self.root / "jupyterhub.sqlite")!r}
c.JupyterHub.cookie_secret_file = {str(self.root / "jupyterhub_cookie_secret")!r}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.ConfigurableHTTPProxy.command = [{self.proxy_cmd!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{self.proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = {str(self.root / "proxy.pid")!r}

c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {self.password!r}
c.Authenticator.allowed_users = {set(self.users)!r}

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(home)!r}
c.Spawner.cmd = [{str(singleuser)!r}]
# the tests run as root, which Jupyter refuses unless told
c.Spawner.args.append("--allow-root")
c.Spawner.ip = "127.0.0.1"
c.Spawner.start_timeout = {int(self.timeout)}
c.Spawner.http_timeout = {int(self.timeout)}
c.Spawner.environment.update({{{MARKER!r}: {self.id!r}}})

c.JupyterHub.services = [{{"name": {SERVICE!r}, "api_token": {self.api_token!r}}}]
c.JupyterHub.load_roles = {roles!r}
"""

    def start(self) -> HubDeployment:
        """Start the hub (which starts the proxy); return once both answer."""
        if self._process is not None:
            raise HubError(f"the hub of {self.root} is already running")
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "home").mkdir(exist_ok=True)
        config = self.root / "jupyterhub_config.py"
        config.write_text(self.config_text())
        env = {
            **os.environ,
            MARKER: self.id,
            "FORGELAB_STORE_URL": self.store_url,
            "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(32),
        }
        env.pop("JUPYTERHUB_API_TOKEN", None)
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(config)],
                cwd=self.root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        try:
            self._wait(lambda: self._answers(self.url + "hub/api/"), "the hub to answer")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the hub, which stops the users' servers and the proxy; then end whatever of
        the deployment is still running, and raise :class:`HubError` naming it if any was."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        deadline = time.monotonic() + timeout
        while self.processes() and time.monotonic() < deadline:
            time.sleep(0.2)
        stray = self.processes()
        for pid in stray:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if stray:
            raise HubError(
                f"processes of the hub deployment in {self.root} outlived the hub and were "
                f"killed: {', '.join(self._describe(pid) for pid in stray)}"
            )

    def processes(self) -> list[int]:
        """Process ids of everything this deployment started that is still running."""
        pids = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
        return [
            pid
            for pid in pids
            if pid != os.getpid() and _environ(pid).get(MARKER) == self.id and alive(pid)
        ]

    def log_tail(self, lines: int = 40) -> str:
        """The end of the hub's log (hub, proxy and single-user servers write there)."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __enter__(self) -> HubDeployment:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- hub API, as the deployment's service ------------------------------------------------

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A request to the hub's REST API (``/hub/api/<path>``) with the service's token."""
        headers = {"Authorization": f"token {self.api_token}", **kwargs.pop("headers", {})}
        kwargs.setdefault("timeout", 30)
        return requests.request(
            method, self.url + "hub/api/" + path.lstrip("/"), headers=headers, **kwargs
        )

    def server(self, user: str) -> dict[str, Any] | None:
        """The hub's model of ``user``'s default server, or None when it has none."""
        response = self.api("GET", f"users/{user}")
        if response.status_code != 200:
            raise HubError(f"GET /hub/api/users/{user}: {response.status_code} {response.text}")
        server = response.json().get("servers", {}).get("")
        return server or None

    def start_servers(self, *users: str) -> None:
        """Start the users' single-user servers side by side; return once the proxy routes
        to all of them."""
        for user in users:
            response = self.api("POST", f"users/{user}/server")
            if response.status_code not in (201, 202, 400):  # 400: already started
                raise HubError(
                    f"starting the server of {user!r}: {response.status_code} {response.text}"
                )
        for user in users:
            ready = lambda u=user: (self.server(u) or {}).get("ready", False)  # noqa: E731
            self._wait(ready, f"{user}'s server")

    def stop_server(self, user: str) -> None:
        """Stop ``user``'s single-user server and wait until the hub has forgotten it."""
        response = self.api("DELETE", f"users/{user}/server")
        if response.status_code not in (202, 204):
            raise HubError(
                f"stopping the server of {user!r}: {response.status_code} {response.text}"
            )
        self._wait(lambda: self.server(user) is None, f"{user}'s server to stop")

    # -- helpers -------------------------------------------------------------------------------

    def _answers(self, url: str) -> bool:
        try:
            return requests.get(url, timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def _wait(self, predicate: Any, what: str) -> None:
        deadline = time.monotonic() + self.timeout
        while not predicate():
            if self._process is None or self._process.poll() is not None:
                raise HubError(
                    f"the hub exited while waiting for {what}; its log ({self.log_path}) "
                    f"ends with:\n{self.log_tail()}"
                )
            if time.monotonic() > deadline:
                raise HubError(
                    f"waited {self.timeout:.0f} s for {what}; the hub's log "
                    f"({self.log_path}) ends with:\n{self.log_tail()}"
                )
            time.sleep(0.25)

    @staticmethod
    def _describe(pid: int) -> str:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            command = "?"
        return f"{pid} ({command.strip()[:120]})"


class HubBrowser:
    """One person's browser on a :class:`HubDeployment`: cookies, the hub's login form and
    the XSRF header that JupyterLab sends with every request that changes something."""

    def __init__(self, deployment: HubDeployment, user: str) -> None:
        self.deployment = deployment
        self.user = user
        self.http = requests.Session()

    def login(self, password: str | None = None) -> requests.Response:
        """Submit the hub's login form; the answer says whether it worked (200 after the
        redirects when it did, 403 with the form again when it did not)."""
        url = self.deployment.url + "hub/login"
        page = self.http.get(url, timeout=30)
        page.raise_for_status()
        form = {
            "username": self.user,
            "password": self.deployment.password if password is None else password,
            "_xsrf": self.xsrf_cookie("/hub/") or "",
        }
        return self.http.post(url, data=form, timeout=60)

    def server_url(self, path: str = "", *, user: str | None = None) -> str:
        """The proxy's URL of ``path`` in ``user``'s server (default: this browser's user)."""
        return self.deployment.url + f"user/{user or self.user}/" + path.lstrip("/")

    def open(self, path: str = "lab", *, user: str | None = None) -> requests.Response:
        """Navigate to a page of a server, following the hub's OAuth redirects."""
        return self.http.get(self.server_url(path, user=user), timeout=60)

    def request(
        self,
        method: str,
        path: str,
        *,
        user: str | None = None,
        json: Any = None,
        params: dict[str, Any] | None = None,
        follow: bool = False,
    ) -> requests.Response:
        """What JupyterLab's ``ServerConnection`` sends: the cookies and, from the ``_xsrf``
        cookie of that server, the ``X-XSRFToken`` header."""
        user = user or self.user
        headers = {}
        token = self.xsrf_cookie(f"/user/{user}/")
        if token:
            headers["X-XSRFToken"] = token
        return self.http.request(
            method,
            self.server_url(path, user=user),
            json=json,
            params=params,
            headers=headers,
            allow_redirects=follow,
            timeout=60,
        )

    def websocket_url(self, path: str, params: dict[str, Any] | None = None) -> str:
        """The ``ws://`` URL of ``path`` in this user's server, through the proxy."""
        url = self.server_url(path).replace("http://", "ws://", 1)
        return url + ("?" + urlencode(params) if params else "")

    def cookie_header(self, path: str = "") -> str:
        """The ``Cookie`` header the browser sends to ``path`` of its server."""
        request = requests.Request("GET", self.server_url(path)).prepare()
        return get_cookie_header(self.http.cookies, request) or ""

    def xsrf_cookie(self, path: str) -> str | None:
        """The ``_xsrf`` cookie the browser would send to ``path`` (the most specific one)."""
        best: tuple[int, str] | None = None
        for cookie in self.http.cookies:
            if cookie.name == "_xsrf" and path.startswith(cookie.path or "/"):
                if best is None or len(cookie.path) > best[0]:
                    best = (len(cookie.path), cookie.value or "")
        return best[1] if best else None


def is_login_or_refusal(response: requests.Response) -> bool:
    """True when an answer is the hub's refusal (403) or a redirect into the hub (its login or
    OAuth pages): what a browser gets for a server that is not its own."""
    if response.status_code == 403:
        return True
    if response.status_code in (302, 303):
        target = urljoin(response.url, response.headers.get("Location", ""))
        return urlparse(target).path.startswith("/hub/")
    return False


def main() -> None:
    """``python -m forgelab.testing.hub [DIR]``, run at the repository root: a hub to try
    ForgeLab in, with ``examples/deploy/jupyterhub_config.py`` and the checkout's proxy (else
    the one on ``PATH``), until Ctrl-C."""
    import json
    import tempfile

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    # a SIGTERM stops the hub and its servers too, not only this process
    signal.signal(signal.SIGTERM, interrupt)
    root = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="forgelab-hub-")
    local_proxy = Path("node_modules", ".bin", "configurable-http-proxy")
    try:
        deployment = HubDeployment(
            root,
            hub_config=Path("examples", "deploy", "jupyterhub_config.py"),
            store_url=os.environ.get("FORGELAB_STORE_URL") or None,
            proxy_cmd=local_proxy if local_proxy.is_file() else None,
        )
    except HubError as error:
        sys.exit(f"forgelab.testing.hub: {error}")
    with deployment:
        print(
            json.dumps(
                {
                    "url": deployment.url,
                    "users": deployment.users,
                    "password": deployment.password,
                    "store": deployment.store_url,
                    "log": str(deployment.log_path),
                }
            ),
            flush=True,
        )
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
