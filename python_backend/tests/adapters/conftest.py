"""Real services on 127.0.0.1 for the adapter tests: a Dask scheduler and workers, moto's S3
server, and the SciServer contract server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from forgelab.testing import s3 as moto_process

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not happen within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose.
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture(scope="session")
def dask_address(tmp_path_factory) -> Iterator[str]:
    """A real `dask scheduler` and two `dask worker` processes (with nannies) on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    scheduler = subprocess.Popen(
        [
            str(BIN / "dask"),
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(scheduler_file),
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "scheduler.log", "wb"),
        start_new_session=True,
        env=env,
    )
    wait_for(scheduler_file.exists, 30, "the dask scheduler writing its file")
    time.sleep(0.2)
    address = json.loads(scheduler_file.read_text())["address"]
    workers = subprocess.Popen(
        [
            str(BIN / "dask"),
            "worker",
            address,
            "--nworkers",
            "2",
            "--nthreads",
            "1",
            "--host",
            "127.0.0.1",
            "--no-dashboard",
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "workers.log", "wb"),
        start_new_session=True,
        env=env,
    )
    from distributed import Client

    with Client(address, timeout=30) as client:
        client.wait_for_workers(2, timeout=60)
    yield address
    stop(workers)
    stop(scheduler)


@pytest.fixture
def make_job(tmp_path):
    """Write a job directory whose main.py runs ``body`` (Python) and return its path."""

    prelude = textwrap.dedent(
        """\
        import json, os, sys, time
        from datetime import datetime, timezone
        def event(kind, data):
            path = os.environ.get("FORGELAB_EVENTS_FILE")
            if path:
                with open(path, "a") as f:
                    f.write(json.dumps({"kind": kind, "data": data,
                                        "time": datetime.now(timezone.utc).isoformat()}) + "\\n")
        def result(status="succeeded", **extra):
            with open("result.json", "w") as f:
                json.dump({"status": status, **extra}, f)
        def wait_file(name, seconds=60):
            deadline = time.time() + seconds
            while not os.path.exists(name) and time.time() < deadline:
                time.sleep(0.05)
        """
    )

    def make(body: str, name: str = "job") -> str:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "main.py").write_text(prelude + textwrap.dedent(body))
        (folder / "job.json").write_text(json.dumps({"job": name}))
        return str(folder)

    return make


class MotoServer(moto_process.MotoServer):
    """moto on 127.0.0.1 that checks credentials: one IAM user allowed everything, one bucket."""

    def start(self) -> dict:
        self.launch(setup_calls=4)  # IAM user, key, policy, bucket
        iam = self.boto3_client("iam")
        iam.create_user(UserName="forgelab")
        key = iam.create_access_key(UserName="forgelab")["AccessKey"]
        iam.put_user_policy(
            UserName="forgelab",
            PolicyName="all",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
                }
            ),
        )
        self.key, self.secret = key["AccessKeyId"], key["SecretAccessKey"]
        self.client = self.boto3_client("s3", self.key, self.secret)
        self.client.create_bucket(Bucket="artifacts")
        return self.config()

    def config(self, **override) -> dict:
        return {
            "endpoint_url": self.url,
            "bucket": "artifacts",
            "prefix": "forgelab",
            "key": self.key,
            "secret": self.secret,
            **override,
        }


@pytest.fixture(scope="session")
def moto(tmp_path_factory) -> Iterator[MotoServer]:
    server = MotoServer(tmp_path_factory.mktemp("moto"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_moto(tmp_path) -> Iterator[MotoServer]:
    """A moto server of the test's own, which the test may kill."""
    server = MotoServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sciserver(tmp_path) -> Iterator:
    """The SciServer contract server (not SciServer) on 127.0.0.1, with user alice."""
    from forgelab.testing.sciserver_contract import SciServerContractServer

    server = SciServerContractServer(tmp_path / "sciserver").start()
    yield server
    server.stop()
