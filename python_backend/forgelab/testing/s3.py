"""A real S3 endpoint on 127.0.0.1: a ``moto_server`` process, for tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MotoServer:
    """One ``moto_server`` process (installed beside this Python) on a free port."""

    def __init__(self, folder: Path | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    def launch(self, setup_calls: int | None = None) -> MotoServer:
        """Start the process and wait until it answers (30 s at most).

        With ``setup_calls``, moto checks credentials (IAM) after that many requests, which
        create the users and keys; without, it accepts any credentials.
        """
        import requests

        env = dict(os.environ)
        if setup_calls is not None:
            env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(setup_calls)
        log = open(self.folder / "moto.log", "wb") if self.folder else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1"]
            + ["-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
            env=env,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{self.url}/moto-api/", timeout=1).status_code < 500:
                    return self
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise TimeoutError(f"moto_server did not answer on {self.url} within 30 s")
            time.sleep(0.1)

    def boto3_client(self, service: str = "s3", key: str = "setup", secret: str = "setup") -> Any:
        """A boto3 client of this endpoint (the default credentials serve the setup calls)."""
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=key,
            aws_secret_access_key=secret,
        )

    def kill(self) -> None:
        """End the process at once, as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """End the process: SIGTERM, then SIGKILL after 10 s."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> MotoServer:
        return self.launch()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
