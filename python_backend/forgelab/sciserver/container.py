"""What a SciServer Compute container tells ForgeLab, found the way SciScript-Python finds it.

Inside a SciServer Compute container (documented facts of that environment, used by SciScript):

- the user's token is in ``/home/idies/keystone.token``; that file existing is how SciScript
  knows it runs inside Compute;
- the user's volumes are mounted under ``/home/idies/workspace/<root volume>/<owner>/<volume>``
  (``Storage/<user>/persistent``, ``Temporary/<user>/scratch``, ...);
- the base URLs of SciServer's services may be set in ``/etc/sciserver/sciscript.json``, then in
  ``$XDG_CONFIG_HOME/sciserver/sciscript.json`` (default ``~/.config``), the later file winning,
  with SciScript's keys (``AuthenticationURL``, ``RacmApiURL``, ``KeystoneTokenPath``, ...).

The container's own paths (``/home/idies/...``, ``/etc/sciserver/...``) are resolved under
``$FORGELAB_SCISERVER_ROOT`` (default ``/``), so that tests can fake a container in a temporary
folder; ``XDG_CONFIG_HOME`` and the home folder are taken as the process sees them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROOT_ENV = "FORGELAB_SCISERVER_ROOT"
TOKEN_PATH = "/home/idies/keystone.token"
WORKSPACE = "/home/idies/workspace"
SYSTEM_CONFIG = "/etc/sciserver/sciscript.json"
#: SciScript's configuration keys and the ForgeLab settings they give.
URL_KEYS = {"AuthenticationURL": "login_url", "RacmApiURL": "racm_url"}


class SciScriptConfigError(ValueError):
    """A sciscript.json file exists but is not a JSON object."""


def root() -> Path:
    """Where the container's file system starts (``/`` in a real container)."""
    return Path(os.environ.get(ROOT_ENV) or "/")


def resolve(path: str) -> Path:
    """A container path (``/home/idies/...``) on this machine."""
    return root() / path.lstrip("/")


def config_files() -> list[Path]:
    """The sciscript.json files SciScript reads, in order (later ones win)."""
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return [resolve(SYSTEM_CONFIG), Path(xdg) / "sciserver" / "sciscript.json"]


def sciscript_config() -> dict[str, Any]:
    """SciScript's settings from its configuration files (empty where there are none)."""
    merged: dict[str, Any] = {}
    for path in config_files():
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise SciScriptConfigError(
                f"Cannot read SciScript's configuration {path}: {error}. Fix or remove the file."
            ) from None
        if not isinstance(data, dict):
            raise SciScriptConfigError(
                f"SciScript's configuration {path} must hold a JSON object with keys such as "
                "AuthenticationURL and RacmApiURL."
            )
        merged.update(data)
    return merged


def token_path() -> Path:
    """Where the container keeps the user's token (``KeystoneTokenPath`` may move it)."""
    return resolve(str(sciscript_config().get("KeystoneTokenPath") or TOKEN_PATH))


def inside_compute() -> bool:
    """Whether this runs inside a SciServer Compute container (its token file exists)."""
    return token_path().is_file()


def settings_defaults() -> dict[str, Any]:
    """ForgeLab SciServer settings found in the container: base URLs and the token file."""
    config = sciscript_config()
    found = {ours: str(config[theirs]) for theirs, ours in URL_KEYS.items() if config.get(theirs)}
    path = token_path()
    if path.is_file():
        found["token_file"] = str(path)
    return found
