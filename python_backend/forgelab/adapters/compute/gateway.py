"""A Dask cluster from dask-gateway, for the ``dask`` adapter's ``gateway`` mode.

The gateway (typically beside a JupyterHub) starts a scheduler and workers for the user who asks
and knows them by that user: :func:`open_cluster` authenticates (HTTP Basic, or the hub's API
token), creates a cluster with the configured options, scales it to ``workers`` and waits for
them; :class:`GatewayCluster` shuts it down again, so nothing keeps running (or billing) after
the executions that needed it have ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: JSON Schema of the ``gateway`` configuration.
GATEWAY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "dask-gateway",
    "additionalProperties": False,
    "required": ["address"],
    "properties": {
        "address": {
            "type": "string",
            "pattern": "^https?://",
            "description": "The gateway's URL, e.g. http://proxy-public/services/dask-gateway.",
        },
        "proxy_address": {
            "type": "string",
            "description": "The scheduler proxy (gateway://host:port), if not at 'address'.",
        },
        "auth": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "kind": {"type": "string", "enum": ["basic", "jupyterhub", "kerberos"]},
                "username": {
                    "type": "string",
                    "description": "basic: default the hub user, else the OS user.",
                },
                "password": {"type": "string"},
                "api_token": {
                    "type": "string",
                    "description": "jupyterhub: default the server's JUPYTERHUB_API_TOKEN.",
                },
            },
        },
        "cluster_options": {
            "type": "object",
            "description": "Options the gateway offers (Gateway().cluster_options()).",
        },
        "workers": {"type": "integer", "minimum": 1, "default": 1},
        "start_timeout": {
            "type": "number",
            "exclusiveMinimum": 0,
            "default": 120,
            "description": "Seconds for the cluster and its workers to start.",
        },
        "release_after": {
            "type": "number",
            "minimum": 0,
            "default": 5,
            "description": "Seconds without jobs after which the cluster is shut down.",
        },
    },
}


class GatewayError(ConnectionError):
    """The gateway could not be reached, refused us, or could not give us a cluster."""


def default_username() -> str:
    """Who we are to the gateway: the hub user on a JupyterHub server, else the OS user."""
    return os.environ.get("JUPYTERHUB_USER") or getpass.getuser()


def auth_kind(config: Mapping[str, Any]) -> str:
    """The configured auth kind; by default the hub's token where there is one, else basic."""
    kind = (config.get("auth") or {}).get("kind")
    if kind:
        return str(kind)
    return "jupyterhub" if os.environ.get("JUPYTERHUB_API_TOKEN") else "basic"


def gateway_auth(config: Mapping[str, Any]) -> Any:
    """The dask_gateway auth object for a ``gateway`` configuration."""
    from dask_gateway.auth import BasicAuth, JupyterHubAuth, KerberosAuth

    auth = dict(config.get("auth") or {})
    kind = auth_kind(config)
    if kind == "basic":
        return BasicAuth(auth.get("username") or default_username(), auth.get("password") or "")
    if kind == "jupyterhub":
        token = auth.get("api_token") or os.environ.get("JUPYTERHUB_API_TOKEN")
        if not token:
            raise GatewayError(
                "The dask 'gateway' configuration uses JupyterHub auth, but there is no hub "
                "token: JUPYTERHUB_API_TOKEN is not set (ForgeLab is not running in a "
                "JupyterHub single-user server). Set auth.api_token, or use auth.kind 'basic'."
            )
        return JupyterHubAuth(token)
    return KerberosAuth()


def _who(config: Mapping[str, Any]) -> str:
    kind = auth_kind(config)
    if kind == "basic":
        user = (config.get("auth") or {}).get("username") or default_username()
        return f"user {user!r} (basic auth)"
    return f"the {kind} credentials"


def _remedy(config: Mapping[str, Any]) -> str:
    kind = auth_kind(config)
    if kind == "basic":
        return "Check auth.username and auth.password in the dask adapter's gateway configuration."
    if kind == "jupyterhub":
        return (
            "Check that the gateway is registered with this JupyterHub and that the token "
            "(JUPYTERHUB_API_TOKEN or auth.api_token) is valid."
        )
    return "Check your Kerberos ticket (kinit)."


@dataclass
class GatewayCluster:
    """A cluster we started through the gateway, to shut down when it is no longer needed."""

    gateway: Any
    cluster: Any
    address: str

    @property
    def name(self) -> str:
        return str(self.cluster.name)

    async def shutdown(self) -> None:
        """Stop the cluster's scheduler and workers, and close our connection to the gateway."""
        try:
            await self.cluster.shutdown()
        finally:
            # The cluster object swallows errors of its own shutdown request: ask again.
            with contextlib.suppress(Exception):
                await self.gateway._stop_cluster(self.name)
            with contextlib.suppress(Exception):
                await self.gateway.close()


async def open_cluster(
    config: Mapping[str, Any], connect_timeout: float
) -> tuple[Any, GatewayCluster]:
    """Start a gateway cluster for this user, with its workers; the client and the cluster.

    Raises :class:`GatewayError` with what went wrong and what to do.
    """
    try:
        import aiohttp
        from dask_gateway import Gateway, GatewayClusterError
    except ImportError:
        raise GatewayError(
            "The dask 'gateway' configuration needs the dask-gateway package: "
            "pip install 'forgelab[gateway]'"
        ) from None
    from distributed import Client

    address = str(config["address"]).rstrip("/")
    where = f"dask-gateway at {address}"
    gateway = Gateway(
        address,
        proxy_address=config.get("proxy_address"),
        auth=gateway_auth(config),
        asynchronous=True,
    )
    started: GatewayCluster | None = None
    try:
        # Listing our clusters checks address and credentials in one quick request.
        try:
            await asyncio.wait_for(gateway.list_clusters(), connect_timeout)
        except aiohttp.ClientResponseError as error:
            if error.status in (401, 403):
                raise GatewayError(
                    f"{where} refused {_who(config)} (HTTP {error.status}). {_remedy(config)}"
                ) from None
            raise GatewayError(f"{where} answered HTTP {error.status}: {error.message}.") from None
        except (aiohttp.ClientError, OSError) as error:
            raise GatewayError(
                f"Could not reach {where}: {error}. Check the gateway address and that the "
                "gateway runs."
            ) from None
        except asyncio.TimeoutError:
            raise GatewayError(
                f"Could not reach {where}: no answer within {connect_timeout:g} s. Check the "
                "gateway address and that the gateway runs."
            ) from None
        options = dict(config.get("cluster_options") or {})
        try:
            cluster = await gateway.new_cluster(**options)
        except (ValueError, GatewayClusterError) as error:
            raise GatewayError(
                f"{where} did not start a cluster with options {options}: {error}"
            ) from None
        started = GatewayCluster(gateway, cluster, address)
        workers = int(config.get("workers", 1))
        await cluster.scale(workers)
        client = await Client(
            cluster.scheduler_address,
            security=cluster.security,
            asynchronous=True,
            timeout=connect_timeout,
        )
        timeout = float(config.get("start_timeout", 120))
        try:
            await client.wait_for_workers(workers, timeout=timeout)
        except (asyncio.TimeoutError, TimeoutError):
            await client.close()
            raise GatewayError(
                f"The cluster {cluster.name} from {where} started, but its "
                f"{workers} worker{'' if workers == 1 else 's'} did not join within "
                f"{timeout:g} s. The gateway's log says why (no resources left, a worker "
                "image without ForgeLab, ...); raise gateway.start_timeout for slow queues."
            ) from None
        return client, started
    except BaseException:
        if started is not None:
            with contextlib.suppress(Exception):
                await started.shutdown()
        else:
            with contextlib.suppress(Exception):
                await gateway.close()
        raise
