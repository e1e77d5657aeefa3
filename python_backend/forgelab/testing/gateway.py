"""A real dask-gateway server on 127.0.0.1, for tests and for trying the ``dask`` adapter's
``gateway`` mode by hand.

It runs ``dask-gateway-server`` as a subprocess with a configuration file written to a temporary
folder: the local backend (clusters are scheduler and worker processes on this machine, run as
the current user, with this Python, so ForgeLab is importable on the workers) and
``SimpleAuthenticator`` (HTTP Basic, one shared password, the user name is whoever logs in).
Everything listens on 127.0.0.1 only.

>>> with GatewayServer(tmp_path, password="secret") as gateway:   # doctest: +SKIP
...     config = {"gateway": {"address": gateway.address,
...                           "auth": {"kind": "basic", "username": "alice", "password": "secret"}}}

Run it by hand with ``python -m forgelab.testing.gateway`` (prints its address and password).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests
from dask_gateway_server.backends.local import UnsafeLocalBackend

#: How long the server gets to answer its health check after starting.
START_TIMEOUT_S = 60.0


class LoopbackBackend(UnsafeLocalBackend):
    """The local backend, with schedulers and workers listening on 127.0.0.1 only.

    The stock backend binds schedulers to 0.0.0.0; a test server must not be reachable from
    other machines.
    """

    default_host = "127.0.0.1"

    def get_worker_command(self, cluster, worker_name, scheduler_address=None):  # type: ignore[no-untyped-def]
        return [
            *super().get_worker_command(cluster, worker_name, scheduler_address),
            "--host",
            self.default_host,
        ]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


CONFIG_TEMPLATE = """\
# Written by forgelab.testing.gateway: a dask-gateway server for tests, on 127.0.0.1 only.
c.DaskGateway.address = "127.0.0.1:{api_port}"
c.DaskGateway.backend_class = "forgelab.testing.gateway.LoopbackBackend"
c.DaskGateway.authenticator_class = "dask_gateway_server.auth.SimpleAuthenticator"
c.SimpleAuthenticator.password = {password!r}
c.Proxy.address = "127.0.0.1:{proxy_port}"
c.Proxy.tcp_address = "127.0.0.1:{proxy_port}"
c.LocalBackend.clusters_directory = {clusters!r}
c.ClusterConfig.scheduler_cmd = [{python!r}, "-m", "distributed.cli.dask_scheduler"]
c.ClusterConfig.worker_cmd = [{python!r}, "-m", "distributed.cli.dask_worker"]
c.ClusterConfig.worker_cores = 1
c.ClusterConfig.worker_memory = "1 G"
c.ClusterConfig.scheduler_memory = "1 G"
c.ClusterConfig.environment = {environment!r}

from dask_gateway_server.options import Integer, Options

# One option, so that clients' cluster_options reach the cluster (seen in its "options").
c.Backend.cluster_options = Options(
    Integer("worker_threads", default=1, min=1, max=2, label="Threads per worker"),
    handler=lambda options: {{"worker_threads": options.worker_threads}},
)
"""


class GatewayServer:
    """A dask-gateway server subprocess: ``start()``, ``address``, ``password``, ``stop()``."""

    def __init__(
        self,
        directory: str | Path,
        *,
        password: str | None = None,
        environment: dict[str, str] | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.password = password or secrets.token_hex(8)
        self.environment = dict(environment or {})
        self.proxy_port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = self.directory / "gateway.log"

    @property
    def address(self) -> str:
        """The gateway's public address (HTTP API and scheduler proxy share this port)."""
        return f"http://127.0.0.1:{self.proxy_port}"

    def write_config(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.proxy_port = free_port()
        # Workers run jobs with this Python: they need ForgeLab, and Keras on torch.
        environment = {
            "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "torch"),
            "PATH": os.environ.get("PATH", ""),
            **self.environment,
        }
        path = self.directory / "dask_gateway_config.py"
        path.write_text(
            CONFIG_TEMPLATE.format(
                api_port=free_port(),
                proxy_port=self.proxy_port,
                password=self.password,
                clusters=str(self.directory / "clusters"),
                python=sys.executable,
                environment=environment,
            ),
            encoding="utf-8",
        )
        return path

    def start(self) -> GatewayServer:
        config = self.write_config()
        log = open(self.log_path, "wb")  # noqa: SIM115 - the child keeps writing to it
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dask_gateway_server", "-f", str(config)],
            cwd=self.directory,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # stop() ends the server with its schedulers and workers
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"dask-gateway-server exited with code {self.process.returncode} while "
                    f"starting; its log:\n{self.log()}"
                )
            try:
                if requests.get(f"{self.address}/api/health", timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"dask-gateway-server did not answer at {self.address} within "
            f"{START_TIMEOUT_S:g} s; its log:\n{self.log()}"
        )

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError:
            return "(no log)"

    def clusters(self, username: str) -> list[dict[str, Any]]:
        """The running or pending clusters of ``username``, as the gateway's API reports them."""
        response = requests.get(
            f"{self.address}/api/v1/clusters/",
            auth=(username, self.password),
            timeout=10,
        )
        response.raise_for_status()
        keep = ("name", "status", "options")  # not the cluster's TLS key
        return [{k: c.get(k) for k in keep} for c in response.json().values()]

    def stop(self) -> None:
        """Stop the server; it shuts its clusters down, and what is left is killed."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(10)

    def __enter__(self) -> GatewayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    import json
    import tempfile

    server = GatewayServer(tempfile.mkdtemp(prefix="dask-gateway-")).start()
    print(json.dumps({"address": server.address, "password": server.password}), flush=True)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
