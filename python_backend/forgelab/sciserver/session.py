"""An authenticated connection to SciServer: base URLs, the token, and readable HTTP errors.

SciServer's services (login portal, RACM with its JOBM jobs API, the fileservice) take the token
in the ``X-Auth-Token`` header. The token comes, in this order, from the configuration, from a
token file (``/home/idies/keystone.token`` inside SciServer Compute), or from logging in with a
user name and password; with a password an expired token is renewed once, a token file is read
again in case SciServer replaced it, otherwise the error says how to get a new token. Every base
URL is configuration, so a contract server on 127.0.0.1 can stand in for the real services;
what is not configured comes from the container (:mod:`.container`: SciScript's sciscript.json
and token file).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from . import container

DEFAULT_LOGIN_URL = "https://apps.sciserver.org/login-portal/keystone/v3/tokens"
DEFAULT_RACM_URL = "https://apps.sciserver.org/racm"
TOKEN_FILE = container.TOKEN_PATH


class SciServerError(OSError):
    """A SciServer call failed; the message says which call, why, and what to do.

    An ``OSError``, like other failures to reach a remote service, so callers that handle
    unreachable compute or storage handle SciServer too.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class SciServerAuthError(SciServerError):
    """The token was refused (expired or invalid) or login failed."""


class SciServerNotFound(SciServerError):
    """The job, file or folder does not exist (HTTP 404)."""


@dataclass
class SciServerSettings:
    """Where SciServer is and how to sign in (all base URLs configurable)."""

    login_url: str = DEFAULT_LOGIN_URL
    racm_url: str = DEFAULT_RACM_URL
    files_url: str | None = None
    """The fileservice's apiEndpoint (ends with '/'); discovered through RACM when empty."""
    token: str | None = None
    token_file: str | None = None
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SciServerSettings:
        """Settings from an adapter configuration; what it leaves out comes from the container
        (base URLs from sciscript.json, the token file), so no set-up is needed inside one."""
        known = {k: config[k] for k in cls.__dataclass_fields__ if k in config and k != "extra"}
        found = container.settings_defaults()
        if any(known.get(k) for k in ("token", "token_file", "username")):
            found.pop("token_file", None)
        return cls(**{**found, **known})


#: JSON Schema properties shared by the SciServer adapters' configurations.
SETTINGS_SCHEMA: dict[str, Any] = {
    "login_url": {"type": "string", "pattern": "^https?://", "default": DEFAULT_LOGIN_URL},
    "racm_url": {"type": "string", "pattern": "^https?://", "default": DEFAULT_RACM_URL},
    "files_url": {
        "type": "string",
        "pattern": "^https?://",
        "description": "Fileservice apiEndpoint; found through RACM when empty.",
    },
    "token": {"type": "string", "description": "A SciServer (Keystone) token."},
    "token_file": {"type": "string", "description": f"File holding the token (e.g. {TOKEN_FILE})."},
    "username": {"type": "string"},
    "password": {"type": "string", "description": "Used to log in and to renew an expired token."},
    "timeout": {"type": "number", "exclusiveMinimum": 0, "default": 30},
}


def _message_of(response: requests.Response) -> str:
    """The error text SciServer put in a response body (JSON ``error`` or plain text)."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300]
    if isinstance(body, dict):
        error = body.get("error") or body.get("message") or body
        if isinstance(error, dict):
            error = error.get("message") or error
        return str(error)[:300]
    return str(body)[:300]


class SciServerSession:
    """Sends authenticated requests to SciServer and turns failures into :class:`SciServerError`."""

    def __init__(self, settings: SciServerSettings) -> None:
        self.settings = settings
        self._http = requests.Session()
        self._token: str | None = settings.token
        self._token_file: str | None = None  # where the token was read from, if a file
        self._user: dict[str, Any] | None = None

    # -- token ---------------------------------------------------------------------------
    def token(self) -> str:
        if self._token:
            return self._token
        path = self.settings.token_file
        if not path and os.path.isfile(container.token_path()):
            path = str(container.token_path())
        if path:
            self._token = self._read_token_file(path)
            self._token_file = path
            return self._token
        if self.settings.username and self.settings.password:
            return self.login()
        raise SciServerAuthError(
            "No SciServer credentials: set 'token' (or 'token_file', or 'username' and "
            "'password') in the SciServer adapter configuration on the server. (Inside a "
            f"SciServer Compute container the token is read from {container.token_path()}; "
            "there is none here.)"
        )

    @staticmethod
    def _read_token_file(path: str) -> str:
        try:
            with open(path, encoding="utf-8") as file:
                token = file.read().strip()
        except OSError as error:
            raise SciServerAuthError(
                f"Cannot read the SciServer token file {path}: {error}."
            ) from None
        if not token:
            raise SciServerAuthError(
                f"The SciServer token file {path} is empty. Inside SciServer Compute, restart "
                "the container from the Compute dashboard to get a fresh token."
            )
        return token

    def _token_file_changed(self) -> bool:
        """Read the token file again; whether it holds a new token (SciServer replaced it)."""
        if not self._token_file:
            return False
        with contextlib.suppress(SciServerAuthError):
            fresh = self._read_token_file(self._token_file)
            if fresh != self._token:
                self._token, self._user = fresh, None
                return True
        return False

    def _refused(self, what: str, detail: str, status: int) -> SciServerAuthError:
        """The error for a refused token, saying where it came from and how to get a new one."""
        if self._token_file:
            return SciServerAuthError(
                f"Could not {what}: SciServer refused the token in {self._token_file} (expired "
                f"or invalid: {detail}). Inside SciServer Compute, log in to SciServer again "
                "and restart this container from the Compute dashboard to get a fresh token; "
                "elsewhere set 'token' (or 'username' and 'password') in the SciServer adapter "
                "configuration on the server.",
                status,
            )
        return SciServerAuthError(
            f"Could not {what}: SciServer refused the token (expired or invalid: {detail}). "
            "Get a new token (log in at SciServer, or set 'username' and 'password') and "
            "update the adapter configuration on the server.",
            status,
        )

    def login(self) -> str:
        """Log in with user name and password; keep and return the new token."""
        body = {
            "auth": {
                "identity": {
                    "password": {
                        "user": {"name": self.settings.username, "password": self.settings.password}
                    }
                }
            }
        }
        response = self._send(
            "POST", self.settings.login_url, json=body, what="log in to SciServer"
        )
        if response.status_code >= 400 or not response.headers.get("X-Subject-Token"):
            raise SciServerAuthError(
                f"SciServer refused the login of {self.settings.username!r} at "
                f"{self.settings.login_url}: {_message_of(response)}. "
                "Check 'username' and 'password'.",
                response.status_code,
            )
        self._token = response.headers["X-Subject-Token"]
        self._user = None
        return self._token

    def whoami(self) -> dict[str, Any]:
        """``{"id", "name"}`` of the token's user."""
        if self._user is None:
            url = f"{self.settings.login_url.rstrip('/')}/{self.token()}"
            try:
                response = self.request("GET", url, what="check the SciServer token", auth=False)
            except SciServerAuthError:
                if not self._token_file_changed():
                    raise
                url = f"{self.settings.login_url.rstrip('/')}/{self.token()}"
                response = self.request("GET", url, what="check the SciServer token", auth=False)
            data = response.json()
            self._user = dict(data["token"]["user"])
        return self._user

    # -- requests ------------------------------------------------------------------------
    def _send(self, method: str, url: str, *, what: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", self.settings.timeout)
        try:
            return self._http.request(method, url, **kw)
        except requests.ConnectionError:
            raise SciServerError(
                f"Could not {what}: {url.split('?')[0]} cannot be reached. Check that SciServer "
                "is up and that the adapter's base URLs are right."
            ) from None
        except requests.Timeout:
            raise SciServerError(
                f"Could not {what}: {url} did not answer within {self.settings.timeout:g} s."
            ) from None

    def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        auth: bool = True,
        ok: tuple[int, ...] = (),
        **kw: Any,
    ) -> requests.Response:
        """Send a request with the token; a 401 renews the token once when a password is known."""
        for attempt in (1, 2):
            headers = dict(kw.pop("headers", {}) or {})
            if auth:
                headers["X-Auth-Token"] = self.token()
            response = self._send(method, url, what=what, headers=headers, **kw)
            renewable = self.settings.username and self.settings.password
            if response.status_code in (401, 403) and auth and attempt == 1:
                if renewable:
                    self.login()
                    kw["headers"] = {k: v for k, v in headers.items() if k != "X-Auth-Token"}
                    continue
                if response.status_code == 401 and self._token_file_changed():
                    kw["headers"] = {k: v for k, v in headers.items() if k != "X-Auth-Token"}
                    continue
            break
        status = response.status_code
        if status < 400 or status in ok:
            return response
        detail = _message_of(response)
        if status == 401 or (status == 404 and not auth):
            raise self._refused(what, detail, status)
        if status == 403:
            raise SciServerAuthError(
                f"Could not {what}: not allowed for this SciServer user ({detail}).", status
            )
        if status == 404:
            raise SciServerNotFound(f"Could not {what}: not found on SciServer ({detail}).", status)
        raise SciServerError(f"Could not {what}: SciServer answered {status} ({detail}).", status)
