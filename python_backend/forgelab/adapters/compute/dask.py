"""The ``dask`` compute adapter: run jobs on a Dask distributed cluster.

One adapter, three ways to get a cluster (exactly one in the configuration):

- ``address``: an existing scheduler (``tcp://host:8786``), which also covers dask-jobqueue
  (Slurm/PBS) clusters and SciServer-hosted Dask;
- ``local_cluster``: a ``LocalCluster`` of worker processes on this machine (the default);
- ``gateway``: a new cluster from dask-gateway (JupyterHub), needs the ``dask-gateway`` package;
  it is shut down once no job has used it for ``release_after`` seconds (an execution ended,
  was cancelled or failed), and a later job starts a new one.

Each job's files are shipped inside the task, its secrets (storage credentials, see
:mod:`forgelab.jobs.secrets`) never: they go to the workers in a worker plugin registered through
the client (:mod:`.dask_secrets`), which the task names by a digest. :mod:`.dask_task` runs the
command on a worker and sends its events back through Dask's event topics while it runs. Jobs
are never re-run silently: when the worker running a job dies, the job fails with a message that
says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .base import AdapterConfigError, ComputeAdapter, EventCallback, JobOutcome, JobSpec
from .dask_task import PYTHON, kill_job, run_job, topic_for
from .gateway import GATEWAY_SCHEMA, GatewayCluster, GatewayError, open_cluster
from .outcome import iso_time, outcome_from_exit

#: Largest job directory shipped inside a task; bigger data belongs in a storage adapter.
MAX_JOB_BYTES = 64 * 1024 * 1024
#: How long ``wait`` gives the last events of a finished job to arrive.
EVENT_GRACE_S = 5.0


@dataclass
class _Job:
    job_id: str
    key: str
    future: Any
    on_event: EventCallback
    received: int = 0
    expected: int | None = None
    worker: str | None = None
    pid: int | None = None
    failure: str | None = None
    cancelled: bool = False
    stderr_tail: deque[str] = field(default_factory=lambda: deque(maxlen=20))
    changed: asyncio.Event = field(default_factory=asyncio.Event)


def _read_files(directory: str) -> dict[str, bytes]:
    """Every file under ``directory`` by relative '/'-separated path."""
    files: dict[str, bytes] = {}
    total = 0
    for root, _dirs, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as file:
                content = file.read()
            total += len(content)
            if total > MAX_JOB_BYTES:
                raise ValueError(
                    f"The job directory {directory} holds more than {MAX_JOB_BYTES >> 20} MiB; "
                    "pass large data as input artifacts through a storage adapter instead."
                )
            files[os.path.relpath(path, directory).replace(os.sep, "/")] = content
    return files


class DaskCompute(ComputeAdapter):
    """Run jobs on a Dask cluster: a scheduler address, a LocalCluster or dask-gateway."""

    name = "dask"
    requires = ("distributed",)
    config_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "title": "Dask",
        "additionalProperties": False,
        "properties": {
            "address": {
                "type": "string",
                "title": "Scheduler address",
                "description": "An existing scheduler, e.g. tcp://10.0.0.5:8786 (dask-jobqueue).",
            },
            "local_cluster": {
                "type": "object",
                "title": "Local cluster",
                "additionalProperties": False,
                "properties": {
                    "n_workers": {"type": "integer", "minimum": 1, "default": 2},
                    "threads_per_worker": {"type": "integer", "minimum": 1, "default": 1},
                },
            },
            "gateway": GATEWAY_SCHEMA,
            "capacity": {
                "type": "integer",
                "minimum": 1,
                "description": "Jobs at a time; default: the cluster's worker threads.",
            },
            "connect_timeout": {"type": "number", "exclusiveMinimum": 0, "default": 10},
        },
    }

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        chosen = [k for k in ("address", "local_cluster", "gateway") if k in self.config]
        if len(chosen) > 1:
            raise AdapterConfigError(
                "Invalid configuration for the 'dask' compute adapter: give only one of "
                f"address, local_cluster, gateway (got {', '.join(chosen)})."
            )
        self._mode = chosen[0] if chosen else "local_cluster"
        self._client: Any = None
        self._cluster: Any = None
        self._gateway: GatewayCluster | None = None
        self._busy = 0  # jobs being submitted or followed: the gateway cluster is in use
        self._release: asyncio.TimerHandle | None = None
        self._releasing: asyncio.Future[None] | None = None  # kept: a task needs a reference
        self._jobs: dict[str, _Job] = {}
        self._by_key: dict[str, _Job] = {}
        self._threads = 0
        self._start_lock = asyncio.Lock()
        self._plugins: set[str] = set()  # secret plugins registered through this client

    @property
    def capacity(self) -> int:
        if "capacity" in self.config:
            return int(self.config["capacity"])
        if self._threads:
            return self._threads
        if self._mode == "gateway":
            return int(self.config["gateway"].get("workers", 1))
        local = self.config.get("local_cluster", {})
        return int(local.get("n_workers", 2)) * int(local.get("threads_per_worker", 1))

    @property
    def client(self) -> Any:
        """The asynchronous ``distributed.Client`` (after :meth:`start`)."""
        return self._client

    def _where(self) -> str:
        if self._mode == "address":
            return f"the Dask scheduler at {self.config['address']}"
        if self._mode == "gateway":
            cluster = f" (cluster {self._gateway.name})" if self._gateway else ""
            return f"dask-gateway at {self.config['gateway']['address']}{cluster}"
        return "a local Dask cluster"

    async def start(self) -> None:
        async with self._start_lock:
            if self._client is not None:
                return
            # Starting worker processes or a gateway cluster takes longer than connecting.
            timeout = float(self.config.get("connect_timeout", 10))
            limit = timeout + 5 if self._mode == "address" else max(timeout, 120.0)
            if self._mode == "gateway":
                limit = timeout + float(self.config["gateway"].get("start_timeout", 120)) + 30
            try:
                self._client = await asyncio.wait_for(self._connect(), limit)
            except GatewayError:
                await self.close()
                raise
            except Exception as error:  # OSError, TimeoutError, "Nanny failed to start", ...
                await self.close()
                what = str(error) or f"no answer within {limit:g} s"
                remedy = (
                    "Check that the scheduler runs and that the address and port are right."
                    if self._mode == "address"
                    else "Look at the log above for why the cluster did not start."
                )
                raise ConnectionError(
                    f"Could not reach {self._where()}: {what}. {remedy}"
                ) from None
            self._client.subscribe_topic("all", self._on_cluster_event)
            self._threads = _threads(await self._workers())
            self._schedule_release()  # a cluster started for a job that never comes is released

    async def _workers(self) -> dict[str, Any]:
        """The scheduler's current workers (the async client caches no per-worker details)."""
        identity = await self._client.scheduler.identity(n_workers=-1)
        return dict(identity.get("workers", {}))

    async def _connect(self) -> Any:
        from distributed import Client, LocalCluster

        timeout = float(self.config.get("connect_timeout", 10))
        if self._mode == "address":
            return await Client(self.config["address"], asynchronous=True, timeout=timeout)
        if self._mode == "gateway":
            client, self._gateway = await open_cluster(self.config["gateway"], timeout)
            return client
        local = self.config.get("local_cluster", {})
        self._cluster = await LocalCluster(
            n_workers=local.get("n_workers", 2),
            threads_per_worker=local.get("threads_per_worker", 1),
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # None still opens :8787 on every interface
            asynchronous=True,
        )
        return await Client(self._cluster, asynchronous=True, timeout=timeout)

    async def close(self) -> None:
        self._cancel_release()
        client, cluster, gateway = self._client, self._cluster, self._gateway
        self._client = self._cluster = self._gateway = None
        plugins, self._plugins = self._plugins, set()
        if client is not None:
            for name in plugins:  # a shared scheduler keeps no secret of ours after we leave
                with contextlib.suppress(Exception):
                    await client.unregister_worker_plugin(name)
            with contextlib.suppress(Exception):
                client.unsubscribe_topic("all")  # else the scheduler reports our own leaving to us
                await client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                await cluster.close()
        if gateway is not None:
            with contextlib.suppress(Exception):
                await gateway.shutdown()

    # -- the gateway cluster's lifetime ---------------------------------------------------
    def _cancel_release(self) -> None:
        if self._release is not None:
            self._release.cancel()
            self._release = None

    def _schedule_release(self) -> None:
        """Shut a gateway cluster down once no job has used it for ``release_after`` seconds."""
        if self._mode != "gateway" or self._busy or self._gateway is None:
            return
        self._cancel_release()
        delay = float(self.config["gateway"].get("release_after", 5))
        loop = asyncio.get_running_loop()
        self._release = loop.call_later(delay, self._start_release)

    def _start_release(self) -> None:
        self._releasing = asyncio.ensure_future(self._release_idle())

    async def _release_idle(self) -> None:
        async with self._start_lock:
            self._release = None
            if not self._busy:
                await self.close()

    async def submit(self, spec: JobSpec, on_event: EventCallback) -> str:
        self._busy += 1
        self._cancel_release()
        try:
            return await self._submit(spec, on_event)
        except BaseException:
            self._jobs.pop(spec.job_id, None)
            self._busy -= 1
            self._schedule_release()
            raise

    async def _submit(self, spec: JobSpec, on_event: EventCallback) -> str:
        await self.start()
        files = await asyncio.to_thread(_read_files, spec.directory)
        command = [PYTHON if part == sys.executable else part for part in spec.command]
        env, secret_plugin = await self._hold_secrets(spec.env)
        key = f"forgelab-{spec.job_id}-{uuid.uuid4().hex[:8]}"
        job = _Job(spec.job_id, key, None, on_event)
        self._jobs[spec.job_id] = job
        self._by_key[key] = job
        self._client.subscribe_topic(
            topic_for(spec.job_id), lambda event: self._on_job_event(job, event)
        )
        resources = await self._gpu_resources(spec)
        # retries=0: a job that fails is reported, never re-run behind the user's back.
        job.future = self._client.submit(
            run_job,
            spec.job_id,
            files,
            command,
            env,
            spec.timeout,
            secret_plugin,
            key=key,
            pure=False,
            retries=0,
            resources=resources,
        )
        return spec.job_id

    async def _hold_secrets(self, env: dict[str, str]) -> tuple[dict[str, str], str | None]:
        """The task's environment without the job's secrets, and the plugin that holds them."""
        from ...jobs.secrets import ENV
        from .dask_secrets import SecretEnvironment

        if ENV not in env:
            return dict(env), None
        plain = {k: v for k, v in env.items() if k != ENV}
        plugin = SecretEnvironment({ENV: env[ENV]})
        if plugin.name not in self._plugins:
            await self._client.register_plugin(plugin, name=plugin.name)
            self._plugins.add(plugin.name)
        return plain, plugin.name

    async def _worker_gpus(self) -> list[float]:
        """The ``GPU`` resource each worker declares (``dask worker --resources GPU=1``), asked
        of the scheduler now (the client's cached view lags behind workers that join)."""
        identity = await self._client.scheduler.identity()
        workers = identity.get("workers", {})
        return [float(w.get("resources", {}).get("GPU", 0)) for w in workers.values()]

    async def _gpu_resources(self, spec: JobSpec) -> dict[str, float] | None:
        """``{"GPU": n}`` for a job that asks GPUs, so Dask runs it on a worker that has them
        and no more such jobs there at once than it has; refused when no worker has enough."""
        if not spec.gpus:
            return None
        if not any(have >= spec.gpus for have in await self._worker_gpus()):
            raise ValueError(
                f"the job asks for {spec.gpus} GPU{'s' if spec.gpus != 1 else ''} but no Dask "
                "worker declares that many (start workers with --resources GPU=1)"
            )
        return {"GPU": float(spec.gpus)}

    async def gpus(self) -> dict[str, Any]:
        await self.start()
        have = [g for g in await self._worker_gpus() if g]
        return {"count": int(sum(have)), "source": "worker resources", "workers": len(have)}

    def _on_job_event(self, job: _Job, event: tuple[float, dict[str, Any]]) -> None:
        timestamp, message = event
        job.received += 1
        kind, data = message.get("kind"), message.get("data")
        if kind == "started":
            if job.worker is not None and job.worker != data["worker"]:
                self._fail(job, job.worker)
            job.worker, job.pid = data["worker"], data["pid"]
            out = {"kind": "status", "data": {"status": "running", **data}}
        elif kind == "event":
            out = dict(data) if isinstance(data, dict) else {"kind": "stdout", "data": str(data)}
        else:
            if kind == "stderr":
                job.stderr_tail.append(str(data))
            out = {"kind": kind, "data": data}
        out.setdefault("time", iso_time(timestamp))
        job.changed.set()
        if job.failure is None:
            job.on_event(out)

    def _on_cluster_event(self, event: tuple[float, dict[str, Any]]) -> None:
        _timestamp, message = event
        if not isinstance(message, dict) or message.get("action") != "remove-worker":
            return
        worker = message.get("worker")
        for key in message.get("processing-tasks", ()) or ():
            job = self._by_key.get(key)
            if job is not None and job.worker == worker:
                self._fail(job, worker)

    def _fail(self, job: _Job, worker: str | None) -> None:
        """The worker running ``job`` died: fail the job and stop any re-run of it."""
        if job.failure is not None:
            return
        job.failure = (
            f"The Dask worker {worker} running job {job.job_id} died while the job ran "
            "(its process was killed, or it ran out of memory). ForgeLab does not re-run jobs "
            "silently: look at the worker's log, then re-run the job."
        )
        job.changed.set()
        asyncio.ensure_future(self._stop(job))

    async def _stop(self, job: _Job) -> None:
        with contextlib.suppress(Exception):
            await job.future.cancel()
        with contextlib.suppress(Exception):
            await self._client.run(kill_job, job.job_id, on_error="ignore")

    async def wait(self, handle: str) -> JobOutcome:
        job = self._jobs.get(handle)
        if job is None:
            raise KeyError(
                f"No Dask job {handle!r} was submitted through this adapter (jobs are "
                "not followed across server restarts)."
            )
        try:
            outcome = await self._wait(job)
        finally:
            self._forget(job)
        return outcome

    async def _wait(self, job: _Job) -> JobOutcome:
        from distributed import KilledWorker

        where = f"on Dask worker {job.worker}" if job.worker else f"on {self._where()}"
        result_task = asyncio.ensure_future(job.future.result())
        try:
            while not result_task.done() and job.failure is None:
                job.changed.clear()
                changed = asyncio.ensure_future(job.changed.wait())
                await asyncio.wait({result_task, changed}, return_when=asyncio.FIRST_COMPLETED)
                changed.cancel()
        except asyncio.CancelledError:
            result_task.cancel()
            raise
        if job.failure is not None:
            result_task.cancel()
            return JobOutcome("failed", None, job.failure)
        try:
            done = result_task.result()
        except KilledWorker as error:
            return JobOutcome(
                "failed",
                None,
                f"The Dask workers running job {job.job_id} died "
                f"repeatedly ({error}); look at the workers' logs.",
            )
        except (asyncio.CancelledError, Exception) as error:
            # distributed raises its own CancelledError for a cancelled future.
            if job.cancelled:
                return JobOutcome("cancelled", None, "Cancelled.")
            hint = (
                " Is ForgeLab installed on the workers?" if isinstance(error, ImportError) else ""
            )
            return JobOutcome(
                "failed",
                None,
                f"The job's task failed {where}: {type(error).__name__}: {error}.{hint}",
            )
        await self._drain(job, done.get("events", 0))
        where = f"on Dask worker {job.worker}" if job.worker else where
        if done.get("reason") == "cancelled" or job.cancelled:
            return JobOutcome("cancelled", done.get("exit_code"), "Cancelled.")
        if done.get("reason"):
            return JobOutcome("failed", done.get("exit_code"), f"The job {done['reason']} {where}.")
        return outcome_from_exit(
            done["exit_code"], done["result"], where=where, stderr_tail=job.stderr_tail
        )

    async def _drain(self, job: _Job, expected: int) -> None:
        """Give the job's last events time to arrive (they travel apart from the result)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + EVENT_GRACE_S
        while job.received < expected and loop.time() < deadline:
            job.changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(job.changed.wait(), max(0.0, deadline - loop.time()))

    def _forget(self, job: _Job) -> None:
        if self._jobs.pop(job.job_id, None) is not None:
            self._busy -= 1
            self._schedule_release()
        self._by_key.pop(job.key, None)
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.unsubscribe_topic(topic_for(job.job_id))
            asyncio.ensure_future(self._drop_topic(topic_for(job.job_id)))
            with contextlib.suppress(Exception):
                job.future.release()

    async def _drop_topic(self, topic: str) -> None:
        """Free the job's events kept by the scheduler (it keeps each topic's last events)."""
        with contextlib.suppress(Exception):
            await self._client.run_on_scheduler(_truncate_topic, topic)

    async def cancel(self, handle: str) -> None:
        job = self._jobs.get(handle)
        if job is None:
            return
        job.cancelled = True
        await self._stop(job)

    async def test_connection(self) -> dict[str, Any]:
        await self.start()
        workers = await self._workers()
        self._threads = _threads(workers)
        if not workers:
            raise ConnectionError(
                f"Connected to {self._where()}, but it has no workers yet; "
                "start workers (or scale the cluster) and test again."
            )
        missing = await self._client.run(_forgelab_missing, on_error="return")
        broken = [w for w, m in missing.items() if m]
        if broken:
            raise ConnectionError(
                f"ForgeLab is not importable on the Dask workers {', '.join(broken)}; "
                "install it in the workers' environment (pip install forgelab)."
            )
        return {
            "ok": True,
            "message": f"Connected to {self._where()}: {_count(len(workers), 'worker')}, "
            f"{_count(self._threads, 'thread')}.",
        }


def _truncate_topic(topic: str, dask_scheduler: Any = None) -> None:
    broker = getattr(dask_scheduler, "_broker", None)  # as distributed does for removed workers
    if broker is not None:
        broker.truncate(topic)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _threads(workers: dict[str, Any]) -> int:
    return sum(int(w.get("nthreads", 1)) for w in workers.values())


def _forgelab_missing() -> bool:
    import importlib.util

    return importlib.util.find_spec("forgelab") is None
