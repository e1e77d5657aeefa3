"""Fixtures of the ownership tests: hub users who share one store, and their pipelines.

A JupyterHub single-user server knows its user through the hub; here an identity provider
stands in for the hub, naming the user from the token a request carries, so that two users
(``alice`` and ``bob``) act on one real Jupyter server and one store.
"""

from __future__ import annotations

import asyncio
import json
import os
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from forgelab.operations.introspect import describe
from jupyter_server.auth.identity import IdentityProvider, User

#: The token each hub user authenticates with.
TOKENS = {"alice": "alice-hub-token-0001", "bob": "bob-hub-token-0002"}


class HubUsers(IdentityProvider):
    """Names the user after the token of the request, as JupyterHub's OAuth would."""

    async def get_user_token(self, handler: Any) -> User | None:
        token = self.get_token(handler)
        for name, known in TOKENS.items():
            if token == known:
                return User(username=name)
        return await super().get_user_token(handler)


def as_user(name: str) -> dict[str, str]:
    """Request headers that authenticate as hub user ``name``."""
    return {"Authorization": f"token {TOKENS[name]}"}


@contextmanager
def hub_user(name: str | None) -> Iterator[None]:
    """``JUPYTERHUB_USER`` set to ``name`` (or unset) for the duration."""
    before = os.environ.get("JUPYTERHUB_USER")
    if name is None:
        os.environ.pop("JUPYTERHUB_USER", None)
    else:
        os.environ["JUPYTERHUB_USER"] = name
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("JUPYTERHUB_USER", None)
        else:
            os.environ["JUPYTERHUB_USER"] = before


SOURCE = '''
def make(*, n: int = 3) -> ("numbers", "label"):
    """Make a list of numbers."""
    print("making", n)
    return list(range(n)), f"{n} numbers"

def total(numbers, *, scale: float = 1.0):
    """Sum the numbers."""
    return sum(numbers) * scale
'''


def operation(name: str) -> dict[str, Any]:
    code = textwrap.dedent(SOURCE)
    namespace: dict[str, Any] = {}
    exec(compile(code, "<ownership>", "exec"), namespace)
    return describe(namespace[name], op_id=name, code=code)


def sum_pipeline() -> dict[str, Any]:
    """make → total: two jobs, three artifacts."""
    return {
        "format": "forgelab.pipeline",
        "version": 1,
        "name": "sum",
        "nodes": [
            {"id": "make", "kind": "operation", "operation": operation("make")},
            {"id": "total", "kind": "operation", "operation": operation("total")},
        ],
        "connections": [
            {
                "source": {"node": "make", "port": "numbers"},
                "target": {"node": "total", "port": "numbers"},
            }
        ],
    }


def input_pipeline(source: str) -> dict[str, Any]:
    """An Input node reading ``source`` (an artifact id, URI or file) into ``total``."""
    return {
        "format": "forgelab.pipeline",
        "version": 1,
        "name": "reads an input",
        "nodes": [
            {"id": "numbers", "kind": "input", "name": "numbers", "source": source},
            {"id": "total", "kind": "operation", "operation": operation("total")},
        ],
        "connections": [
            {
                "source": {"node": "numbers", "port": "value"},
                "target": {"node": "total", "port": "numbers"},
            }
        ],
    }


async def call(
    jp_fetch: Any, user: str | None, *path: str, method: str = "GET", body: Any = None, **kw: Any
) -> tuple[int, Any]:
    """A ForgeLab API request as ``user`` (None: the server's own token); (status, JSON or bytes).

    Error statuses are answers too, not exceptions.
    """
    if body is not None:
        kw["body"] = json.dumps(body)
    elif method in ("POST", "PUT", "PATCH"):
        kw["body"] = "{}"
    headers = as_user(user) if user else {}
    kw.setdefault("request_timeout", 120)  # the status endpoint's first Keras import is slow
    response = await jp_fetch(
        "forgelab", "api", *path, method=method, headers=headers, raise_error=False, **kw
    )
    if not response.body:
        return response.code, None
    try:
        return response.code, json.loads(response.body)
    except ValueError:
        return response.code, response.body


async def finished(jp_fetch: Any, user: str | None, execution_id: str) -> dict[str, Any]:
    """Poll until the execution ends (a safety limit, not a timing assertion)."""
    for _ in range(1200):
        code, execution = await call(jp_fetch, user, "executions", execution_id)
        assert code == 200, execution
        if execution["status"] not in ("pending", "running"):
            return execution
        await asyncio.sleep(0.1)
    raise AssertionError(f"execution {execution_id} did not end")


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One store shared by every user's server, as in a hub deployment."""
    folder = tmp_path_factory.mktemp("shared-store")
    return f"sqlite:///{Path(folder) / 'forgelab.db'}"
