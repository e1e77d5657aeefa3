"""The ``sciserver`` compute adapter: run jobs as SciServer Compute jobs, over its REST APIs.

``submit`` uploads the job directory to a folder of the user's volume
(``<root>/<owner>/<volume>/<jobs_folder>/<execution>/<job>``) with a ``run.sh`` that sets the
job's environment (storage credentials left out: the job uses its container's token) and runs
``main.py``, then submits a Compute job whose working directory is
that folder. While it runs, the adapter polls the job and reads ``stdout.txt``, ``stderr.txt``
(written by SciServer) and the events file back through the Files API, forwarding new complete
lines; at the end it reads ``result.json``. Calls are blocking HTTP, run in threads.

Inside a SciServer Compute container it needs no configuration: the token, the user and the
base URLs come from the container (:mod:`forgelab.sciserver.container`), and job folders go to
the user's scratch volume (``Temporary/<user>/scratch``) when the domain offers it, else to
``Storage/<user>/persistent``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shlex
import sys
from collections import deque
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ...sciserver import (
    SETTINGS_SCHEMA,
    SciServer,
    SciServerAuthError,
    SciServerError,
    SciServerNotFound,
    container,
)
from ...sciserver.jobs import (
    CANCELED,
    ERROR,
    STARTED,
    SUCCESS,
    UserVolume,
    is_terminal,
    status_name,
)
from .base import ComputeAdapter, EventCallback, JobOutcome, JobSpec
from .outcome import iso_time, outcome_from_exit


def without_secrets(env: dict[str, str]) -> dict[str, str]:
    """The job's environment less its storage credentials, which no uploaded file may hold.

    The job reads SciServer storage with its own container's token file instead
    (:mod:`forgelab.sciserver.container`); other storages need credentials that the container's
    environment provides (for S3: ``AWS_ACCESS_KEY_ID`` and the like).
    """
    from ...jobs.secrets import ENV

    return {k: v for k, v in env.items() if k != ENV}


EVENTS_FILE = ".forgelab-events.jsonl"
#: Failed looks at a job in a row after which the adapter gives up on it.
MAX_POLL_FAILURES = 5
STREAMS = (("stdout.txt", "stdout"), ("stderr.txt", "stderr"), (EVENTS_FILE, "events"))


@dataclass
class _Follow:
    """What the adapter knows of one running SciServer job."""

    job_id: int
    folder: str
    on_event: EventCallback
    offsets: dict[str, int] = field(default_factory=lambda: {name: 0 for name, _ in STREAMS})
    pending: dict[str, bytes] = field(default_factory=lambda: {name: b"" for name, _ in STREAMS})
    stderr_tail: deque[str] = field(default_factory=lambda: deque(maxlen=20))
    running: bool = False
    cancelled: bool = False
    task: asyncio.Task[JobOutcome] | None = None


class SciServerCompute(ComputeAdapter):
    """Run jobs as SciServer Compute jobs (REST, token), reading results through SciServer Files."""

    name = "sciserver"
    config_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "title": "SciServer Compute",
        "additionalProperties": False,
        "properties": {
            **SETTINGS_SCHEMA,
            "compute_domain": {
                "type": "string",
                "description": "Name; default: the first batch domain.",
            },
            "image": {
                "type": "string",
                "description": "Docker image name; default: the domain's first.",
            },
            "root_volume": {
                "type": "string",
                "default": "Storage",
                "description": "Inside SciServer Compute, default: Temporary if the user has it.",
            },
            "user_volume": {
                "type": "string",
                "default": "persistent",
                "description": "Inside SciServer Compute, default: scratch if the user has it.",
            },
            "jobs_folder": {"type": "string", "default": "forgelab-jobs"},
            "python": {
                "type": "string",
                "default": "python3",
                "description": "The Python of the image that runs main.py.",
            },
            "poll_interval": {"type": "number", "minimum": 0.05, "default": 1.0},
            "capacity": {"type": "integer", "minimum": 1, "default": 4},
        },
    }

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self.sciserver = SciServer.from_config(self.config)
        self._jobs: dict[str, _Follow] = {}

    @property
    def capacity(self) -> int:
        return int(self.config.get("capacity", 4))

    def _volume_path(self) -> str:
        return "/".join(
            [
                self.config.get("root_volume", "Storage"),
                self.sciserver.username,
                self.config.get("user_volume", "persistent"),
            ]
        )

    def _jobs_volume(self, domain: dict[str, Any]) -> UserVolume:
        """The user volume that holds job folders (configured, or chosen in a container)."""
        chosen = "root_volume" in self.config or "user_volume" in self.config
        if chosen or not container.inside_compute():
            return self.sciserver.jobs.user_volume(domain, self._volume_path())
        user = self.sciserver.username
        owned = {
            f"{v.get('rootVolumeName')}/{v.get('owner')}/{v.get('name')}"
            for v in domain.get("userVolumes", [])
            if v.get("owner") == user and "write" in v.get("allowedActions", ["write"])
        }
        for preferred in (f"Temporary/{user}/scratch", f"Storage/{user}/persistent"):
            if preferred in owned:
                return self.sciserver.jobs.user_volume(domain, preferred)
        raise SciServerError(
            f"The compute domain {domain.get('name')!r} offers {user} neither "
            f"Temporary/{user}/scratch nor Storage/{user}/persistent to write job folders to "
            f"(it offers {', '.join(sorted(owned)) or 'none'}); set 'root_volume' and "
            "'user_volume' in the sciserver compute adapter configuration."
        )

    def _prepare(self, spec: JobSpec) -> tuple[dict[str, Any], str, Any]:
        """Blocking part of submit: resolve domain and volume, upload the job's files."""
        jobs = self.sciserver.jobs
        domain = jobs.domain(self.config.get("compute_domain"))
        volume = self._jobs_volume(domain)
        images = [i.get("name") for i in domain.get("images", [])]
        image = self.config.get("image") or (images[0] if images else None)
        if not image:
            raise SciServerError(
                f"The compute domain {domain.get('name')!r} offers no image; "
                "set 'image' in the sciserver adapter configuration."
            )
        if spec.gpus:
            image = self._gpu_image(domain, image)
        folder = "/".join(
            [
                volume.path,
                self.config.get("jobs_folder", "forgelab-jobs"),
                spec.execution_id,
                spec.job_id,
            ]
        )
        self.sciserver.files.delete(folder)  # a re-submitted job starts from a clean folder
        for root, _dirs, names in os.walk(spec.directory):
            for name in names:
                local = os.path.join(root, name)
                rel = os.path.relpath(local, spec.directory).replace(os.sep, "/")
                with open(local, "rb") as file:
                    self.sciserver.files.upload(f"{folder}/{rel}", file)
        self.sciserver.files.upload(f"{folder}/run.sh", self._run_script(spec).encode())
        return domain, folder, (image, volume)

    def _gpu_image(self, domain: dict[str, Any], image: str) -> str:
        """The image of a job that asks GPUs: the configured one when it has GPUs, else the
        domain's first GPU image; refused when the domain has none."""
        gpu_images = gpu_image_names(domain)
        if image in gpu_images:
            return image
        if gpu_images and not self.config.get("image"):
            return gpu_images[0]
        offered = ", ".join(repr(i.get("name")) for i in domain.get("images", [])) or "none"
        raise SciServerError(
            f"The job asks for GPUs but the image {image!r} of compute domain "
            f"{domain.get('name')!r} has none (its images: {offered}); choose a domain or an "
            "image with GPUs in the sciserver adapter configuration."
        )

    async def gpus(self) -> dict[str, Any]:
        domain = await asyncio.to_thread(
            self.sciserver.jobs.domain, self.config.get("compute_domain")
        )
        names = gpu_image_names(domain)
        return {"count": len(names), "source": "compute domain images", "names": names}

    def _run_script(self, spec: JobSpec) -> str:
        python = self.config.get("python", "python3")
        command = [python if part == sys.executable else part for part in spec.command]
        env = {
            "PYTHONUNBUFFERED": "1",
            "MPLBACKEND": "module://forgelab.jobs.mpl_backend",
            **without_secrets(spec.env),
        }
        lines = [
            "#!/bin/bash",
            "# Runs this ForgeLab job in its folder (the Compute job's working directory).",
        ]
        lines += [f"export {k}={shlex.quote(v)}" for k, v in env.items() if k.isidentifier()]
        lines.append(f'export FORGELAB_EVENTS_FILE="$PWD/{EVENTS_FILE}"')
        lines.append("exec " + " ".join(shlex.quote(p) for p in command))
        return "\n".join(lines) + "\n"

    async def submit(self, spec: JobSpec, on_event: EventCallback) -> str:
        domain, folder, (image, volume) = await asyncio.to_thread(self._prepare, spec)
        job_id = await asyncio.to_thread(
            self.sciserver.jobs.submit_shell_job,
            domain=domain,
            image=image,
            command="bash run.sh",
            results_folder=folder,
            volumes=[volume],
            alias=f"forgelab {spec.execution_id}/{spec.job_id}",
        )
        handle = json.dumps({"job": job_id, "folder": folder})
        self._follow(handle, on_event, spec.timeout)
        return handle

    def _follow(self, handle: str, on_event: EventCallback, timeout: float | None) -> None:
        data = json.loads(handle)
        follow = _Follow(int(data["job"]), str(data["folder"]), on_event)
        follow.task = asyncio.ensure_future(self._poll(follow, timeout))
        self._jobs[handle] = follow

    async def reattach(self, handle: str, spec: JobSpec, on_event: EventCallback) -> bool:
        """Follow a job after a restart; its files are read again, each line with its offset."""
        try:
            await asyncio.to_thread(self.sciserver.jobs.get, int(json.loads(handle)["job"]))
        except (SciServerNotFound, ValueError, KeyError):
            return False
        self._follow(handle, on_event, spec.timeout)
        return True

    async def _poll(self, follow: _Follow, timeout: float | None) -> JobOutcome:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout if timeout else None
        interval = float(self.config.get("poll_interval", 1.0))
        failures = 0
        while True:
            try:
                outcome = await self._poll_once(follow, deadline, timeout)
                failures = 0
            except SciServerAuthError as error:
                return JobOutcome(
                    "failed", None, f"Lost track of SciServer job {follow.job_id}: {error}"
                )
            except SciServerError as error:
                # A busy or restarting SciServer answers with errors now and then: try again.
                failures += 1
                if failures >= MAX_POLL_FAILURES:
                    return JobOutcome(
                        "failed", None, f"Lost track of SciServer job {follow.job_id}: {error}"
                    )
                outcome = None
            if outcome is not None:
                return outcome
            await asyncio.sleep(interval * (2**failures))

    async def _poll_once(
        self, follow: _Follow, deadline: float | None, timeout: float | None
    ) -> JobOutcome | None:
        """One look at the job: forward new lines; the outcome once it has ended."""
        model = await asyncio.to_thread(self.sciserver.jobs.get, follow.job_id)
        status = int(model["status"])
        if status >= STARTED and not follow.running:
            follow.running = True
            data = {"status": "running", "sciserver_job": follow.job_id}
            follow.on_event({"kind": "status", "time": iso_time(), "data": data})
        if status >= STARTED:
            await asyncio.to_thread(self._read_streams, follow)
        if is_terminal(status):
            return await asyncio.to_thread(self._finish, follow, model)
        if deadline is not None and asyncio.get_running_loop().time() > deadline:
            await asyncio.to_thread(self.sciserver.jobs.cancel, follow.job_id)
            return JobOutcome(
                "failed",
                None,
                f"The job timed out after {timeout:g} s; "
                f"SciServer job {follow.job_id} was cancelled.",
            )
        return None

    def _read_streams(self, follow: _Follow) -> None:
        """Download the job's output files and forward the complete lines added since last time."""
        for name, kind in STREAMS:
            try:
                content = self.sciserver.files.download(f"{follow.folder}/{name}")
            except SciServerNotFound:
                continue
            position = follow.offsets[name] - len(follow.pending[name])
            fresh = content[follow.offsets[name] :]
            follow.offsets[name] = len(content)
            *lines, follow.pending[name] = (follow.pending[name] + fresh).split(b"\n")
            for raw in lines:
                position += len(raw) + 1
                self._emit(follow, kind, raw.decode("utf-8", "replace").rstrip("\r"), position)

    def _emit(self, follow: _Follow, kind: str, line: str, offset: int) -> None:
        """Forward one line; ``_stream`` and ``_offset`` let a later follower skip seen lines."""
        if kind == "events":
            if not line.strip():
                return
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                return
        else:
            if kind == "stderr":
                follow.stderr_tail.append(line)
            event = {"kind": kind, "data": line}
        event.setdefault("time", iso_time())
        event.update(_stream=kind, _offset=offset)
        follow.on_event(event)

    def _finish(self, follow: _Follow, model: dict[str, Any]) -> JobOutcome:
        self._read_streams(follow)
        for name, kind in STREAMS:  # a last line without its newline
            if follow.pending[name]:
                self._emit(
                    follow,
                    kind,
                    follow.pending[name].decode("utf-8", "replace"),
                    follow.offsets[name],
                )
                follow.pending[name] = b""
        status = int(model["status"])
        if status == CANCELED:
            return JobOutcome("cancelled", None, "Cancelled.")
        result = None
        with contextlib.suppress(SciServerNotFound, ValueError):
            result = json.loads(self.sciserver.files.download(f"{follow.folder}/result.json"))
        where = f"in SciServer job {follow.job_id} ({follow.folder})"
        if status == SUCCESS:
            return outcome_from_exit(0, result, where=where)
        if status == ERROR and not (result and result.get("status") == "failed"):
            notes = "; ".join(
                m.get("content", "")
                for m in model.get("messages", [])
                if m.get("label") != "STATUS"
            )
            tail = "\n".join(follow.stderr_tail)
            return JobOutcome(
                "failed",
                None,
                f"SciServer job {follow.job_id} ended with an error"
                f"{': ' + notes if notes else ''}."
                + (f"\nLast lines of its stderr:\n{tail}" if tail else ""),
                result,
            )
        if status == ERROR:
            return outcome_from_exit(1, result, where=where)
        return JobOutcome(
            "failed", None, f"SciServer job {follow.job_id} ended as {status_name(status)}."
        )

    async def wait(self, handle: str) -> JobOutcome:
        follow = self._jobs[handle]
        assert follow.task is not None
        try:
            outcome = await follow.task
        finally:
            self._jobs.pop(handle, None)
        if follow.cancelled and outcome.status != "succeeded":
            return JobOutcome("cancelled", outcome.exit_code, "Cancelled.")
        return outcome

    async def cancel(self, handle: str) -> None:
        follow = self._jobs.get(handle)
        if follow is not None:
            follow.cancelled = True
        await asyncio.to_thread(self.sciserver.jobs.cancel, int(json.loads(handle)["job"]))

    async def test_connection(self) -> dict[str, Any]:
        def check() -> str:
            user = self.sciserver.username
            domain = self.sciserver.jobs.domain(self.config.get("compute_domain"))
            volume = self._jobs_volume(domain)
            folder = f"{volume.path}/{self.config.get('jobs_folder', 'forgelab-jobs')}"
            return (
                f"Signed in to SciServer as {user}; jobs run in compute domain "
                f"{domain.get('name')!r} from {folder}."
            )

        return {"ok": True, "message": await asyncio.to_thread(check)}


def gpu_image_names(domain: dict[str, Any]) -> list[str]:
    """The images of a compute domain that have GPUs: SciServer names or describes them so
    ("... GPU ...")."""
    return [
        str(i.get("name"))
        for i in domain.get("images", [])
        if "gpu" in f"{i.get('name', '')} {i.get('description', '')}".lower()
    ]
