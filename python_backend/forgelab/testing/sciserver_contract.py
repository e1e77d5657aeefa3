"""A local CONTRACT SERVER for SciServer's published REST APIs — not SciServer itself.

It follows the login portal, RACM/JOBM and fileservice APIs as SciScript-Python and the
open-source SciServer code use them (see docs/adapters.md), so that ForgeLab's SciServer client
and adapters are tested end to end on 127.0.0.1:

- login: ``POST /login-portal/keystone/v3/tokens`` (token in ``X-Subject-Token``), and
  ``GET .../tokens/{token}`` for the token's user;
- every other call checks ``X-Auth-Token``: unknown or expired tokens get 401;
- jobs: ``/racm/jobm/rest/computedomains``, ``POST jobs/docker``, ``GET jobs/{id}``,
  ``POST jobs/{id}/cancel``. A job's command really runs, as ``bash -c`` in its results folder
  on the local disk, with ``stdout.txt``/``stderr.txt`` there and a container of its own (a
  fresh token of its user in ``keystone.token``, this server's URLs in ``sciscript.json``, under
  ``FORGELAB_SCISERVER_ROOT``); its status goes
  1 → 2 → 8 → 16 → 32 or 64 (128 when cancelled);
- files: ``/fileservice/api/{file,folder,data,jsontree}/<root>/<owner>/<volume>/...`` in a
  temporary folder, with SciServer's ``quiet`` semantics (default false: fail if it exists).

Run it by hand with ``python -m forgelab.testing.sciserver_contract`` (prints its base URLs).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from aiohttp import web

WORKSPACE = "/home/idies/workspace"
#: How long a finished job stays in FINISHED (16) before its outcome, as on SciServer.
FINISHED_PAUSE_S = 0.3
VOLUMES = (("Storage", "persistent"), ("Temporary", "scratch"), ("Temporary", "jobs"))


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"status": "error", "error": message}, status=status)


@dataclass
class _Job:
    id: int
    user: str
    body: dict[str, Any]
    folder: Path
    status: int = 1
    messages: list[dict[str, Any]] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None
    submitted: float = field(default_factory=time.time)
    started: float | None = None
    ended: float | None = None

    def model(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "jobm.model.COMPMDockerJobModel",
            "status": self.status,
            "submitterDID": self.body.get("submitterDID"),
            "username": self.user,
            "command": self.body.get("command"),
            "dockerImageName": self.body.get("dockerImageName"),
            "resultsFolderURI": self.body.get("resultsFolderURI"),
            "userVolumes": self.body.get("userVolumes", []),
            "messages": self.messages,
            "submissionTime": int(self.submitted * 1000),
            "startTime": int(self.started * 1000) if self.started else None,
            "endTime": int(self.ended * 1000) if self.ended else None,
            "duration": (self.ended - self.started) if self.started and self.ended else 0,
        }


class SciServerContractServer:
    """The contract server, run in a thread of its own: ``start()``, use ``urls``, ``stop()``."""

    def __init__(self, root: str | Path, users: dict[str, str] | None = None) -> None:
        self.root = Path(root)
        self.files_root = self.root / "files"
        self.users = users or {"alice": "alice-password"}
        self.tokens: dict[str, str] = {}
        self.jobs: dict[int, _Job] = {}
        self._next_id = 1000
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._tasks: set[asyncio.Future[None]] = set()
        self.port = 0
        for user in self.users:
            for top, volume in VOLUMES:
                (self.files_root / top / user / volume).mkdir(parents=True, exist_ok=True)

    # -- control ---------------------------------------------------------------------------
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def urls(self) -> dict[str, str]:
        """The base URLs to put in a ForgeLab SciServer configuration."""
        return {
            "login_url": f"{self.base}/login-portal/keystone/v3/tokens",
            "racm_url": f"{self.base}/racm",
            "files_url": f"{self.base}/fileservice/",
        }

    def issue_token(self, user: str) -> str:
        token = secrets.token_hex(16)
        self.tokens[token] = user
        return token

    def expire(self, token: str) -> None:
        self.tokens.pop(token, None)

    def start(self) -> SciServerContractServer:
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(self._start())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, name="sciserver-contract", daemon=True)
        self._thread.start()
        if not ready.wait(30):
            raise RuntimeError("the SciServer contract server did not start")
        return self

    async def _start(self) -> None:
        app = web.Application(client_max_size=1024**3)
        app.add_routes(
            [
                web.post("/login-portal/keystone/v3/tokens", self.login),
                web.get("/login-portal/keystone/v3/tokens/{token}", self.token_info),
                web.get("/racm/storem/fileservices", self.fileservices),
                web.get("/racm/jobm/rest/computedomains", self.domains),
                web.post("/racm/jobm/rest/jobs/docker", self.submit),
                web.get("/racm/jobm/rest/jobs/{id}", self.job),
                web.post("/racm/jobm/rest/jobs/{id}/cancel", self.cancel),
                web.get("/fileservice/api/ping", self.ping),
                web.put("/fileservice/api/file/{path:.+}", self.put_file),
                web.get("/fileservice/api/file/{path:.+}", self.get_file),
                web.put("/fileservice/api/folder/{path:.+}", self.put_folder),
                web.delete("/fileservice/api/data/{path:.+}", self.delete_data),
                web.put("/fileservice/api/data/{path:.+}", self.move_data),
                web.get("/fileservice/api/jsontree/{path:.*}", self.jsontree),
            ]
        )
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, shutdown_timeout=0.5)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        if self._loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread:
            self._thread.join(10)
        self._loop = None

    async def _shutdown(self) -> None:
        for job in self.jobs.values():
            self._kill(job)
        for task in self._tasks:
            task.cancel()
        await self._runner.cleanup()  # type: ignore[union-attr]

    # -- auth ------------------------------------------------------------------------------
    async def login(self, request: web.Request) -> web.Response:
        try:
            user = (await request.json())["auth"]["identity"]["password"]["user"]
        except (ValueError, KeyError, TypeError):
            return web.json_response({"error": {"message": "Malformed login request"}}, status=500)
        if self.users.get(user.get("name")) != user.get("password"):
            return web.json_response(
                {"error": {"message": "Invalid username or password"}}, status=500
            )
        token = self.issue_token(user["name"])
        return web.Response(text=token, headers={"X-Subject-Token": token})

    async def token_info(self, request: web.Request) -> web.Response:
        user = self.tokens.get(request.match_info["token"])
        if user is None:
            return _error(404, "Token not found or expired")
        return web.json_response({"token": {"user": {"id": f"id-{user}", "name": user}}})

    def _user(self, request: web.Request) -> str | None:
        return self.tokens.get(request.headers.get("X-Auth-Token", ""))

    # -- jobs ------------------------------------------------------------------------------
    async def fileservices(self, request: web.Request) -> web.Response:
        if not self._user(request):
            return _error(401, "Invalid or expired token")
        return web.json_response(
            [
                {
                    "identifier": "fs1",
                    "name": "FileServiceLocal",
                    "apiEndpoint": self.urls["files_url"],
                }
            ]
        )

    async def domains(self, request: web.Request) -> web.Response:
        user = self._user(request)
        if not user:
            return _error(401, "Invalid or expired token")
        volumes = [
            {
                "id": i + 1,
                "name": v,
                "rootVolumeName": top,
                "owner": user,
                "fullPath": f"{top}/{user}/{v}",
                "allowedActions": ["read", "write"],
            }
            for i, (top, v) in enumerate(VOLUMES)
        ]
        return web.json_response(
            [
                {
                    "id": 1,
                    "name": "Local contract domain",
                    "description": "jobs run as local subprocesses",
                    "apiEndpoint": f"{self.base}/docker",
                    "images": [{"name": "Python (contract)"}],
                    "volumes": [],
                    "userVolumes": volumes,
                }
            ]
        )

    async def submit(self, request: web.Request) -> web.Response:
        user = self._user(request)
        if not user:
            return _error(401, "Invalid or expired token")
        body = await request.json()
        if not isinstance(body.get("command"), str) or not body.get("dockerImageName"):
            return _error(500, "command and dockerImageName are required")
        self._next_id += 1
        folder_uri = (
            body.get("resultsFolderURI") or f"{WORKSPACE}/Temporary/{user}/jobs/{self._next_id}"
        )
        body["resultsFolderURI"] = folder_uri
        if not folder_uri.startswith(WORKSPACE + "/"):
            return _error(500, f"resultsFolderURI must be under {WORKSPACE}")
        folder, problem = self._resolve(folder_uri[len(WORKSPACE) + 1 :], user)
        if problem:
            return problem
        job = _Job(self._next_id, user, body, folder)  # type: ignore[arg-type]
        self.jobs[job.id] = job
        self._tasks.add(asyncio.ensure_future(self._run(job)))
        return web.json_response(job.model())

    def _container(self, job: _Job) -> Path:
        """The job's container file system: its user's own token in ``keystone.token``, and
        this server's base URLs in ``/etc/sciserver/sciscript.json``, as in a Compute image.

        The job finds it as in a real Compute container (``FORGELAB_SCISERVER_ROOT`` stands for
        ``/``, see :mod:`forgelab.sciserver.container`), outside its results folder.
        """
        container = self.root / "containers" / str(job.id)
        home = container / "home" / "idies"
        home.mkdir(parents=True, exist_ok=True)
        token = home / "keystone.token"
        token.write_text(self.issue_token(job.user), encoding="utf-8")
        token.chmod(0o600)
        system = container / "etc" / "sciserver"
        system.mkdir(parents=True, exist_ok=True)
        (system / "sciscript.json").write_text(
            json.dumps(
                {"AuthenticationURL": self.urls["login_url"], "RacmApiURL": self.urls["racm_url"]}
            ),
            encoding="utf-8",
        )
        return container

    async def _run(self, job: _Job) -> None:
        job.status = 2
        await asyncio.sleep(0.05)
        if job.status != 2:
            return
        job.folder.mkdir(parents=True, exist_ok=True)
        with (
            open(job.folder / "stdout.txt", "wb") as out,
            open(job.folder / "stderr.txt", "wb") as err,
        ):
            job.process = subprocess.Popen(
                ["bash", "-c", job.body["command"]],
                cwd=job.folder,
                env={**os.environ, "FORGELAB_SCISERVER_ROOT": str(self._container(job))},
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        job.status, job.started = 8, time.time()
        while job.process.poll() is None:
            await asyncio.sleep(0.05)
        if job.status == 128:
            return
        job.status, job.ended = 16, time.time()
        await asyncio.sleep(FINISHED_PAUSE_S)
        if job.process.returncode == 0:
            job.status = 32
        else:
            job.messages.append(
                {
                    "jobId": job.id,
                    "label": "ERROR",
                    "content": f"Command exited with code {job.process.returncode}",
                }
            )
            job.status = 64

    def _job_of(self, request: web.Request) -> tuple[_Job | None, web.Response | None]:
        user = self._user(request)
        if not user:
            return None, _error(401, "Invalid or expired token")
        job = (
            self.jobs.get(int(request.match_info["id"]))
            if request.match_info["id"].isdigit()
            else None
        )
        if job is None or job.user != user:
            return None, _error(404, f"Job {request.match_info['id']} not found")
        return job, None

    async def job(self, request: web.Request) -> web.Response:
        job, problem = self._job_of(request)
        return problem or web.json_response(job.model())  # type: ignore[union-attr]

    async def cancel(self, request: web.Request) -> web.Response:
        job, problem = self._job_of(request)
        if problem:
            return problem
        if job.status <= 16:  # type: ignore[union-attr]
            job.status, job.ended = 128, time.time()  # type: ignore[union-attr]
            self._kill(job)  # type: ignore[arg-type]
        return web.json_response(job.model())  # type: ignore[union-attr]

    @staticmethod
    def _kill(job: _Job) -> None:
        if job.process and job.process.poll() is None:
            try:
                os.killpg(job.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            job.process.wait()

    # -- files -----------------------------------------------------------------------------
    def _resolve(self, path: str, user: str) -> tuple[Path, web.Response | None]:
        """The local path of ``root/owner/volume/rel``, or an error response."""
        parts = [unquote(p) for p in path.strip("/").split("/") if p]
        if len(parts) < 3:
            return self.files_root, _error(500, f"Path {path!r} is not in a user volume")
        if parts[1] != user:
            return self.files_root, _error(403, f"User {user} may not access {'/'.join(parts[:3])}")
        if ".." in parts:
            return self.files_root, _error(500, "Path must not contain '..'")
        volume = self.files_root.joinpath(*parts[:3])
        if not volume.is_dir():
            return self.files_root, _error(404, f"User volume {'/'.join(parts[:3])} not found")
        return self.files_root.joinpath(*parts), None

    def _path(self, request: web.Request) -> tuple[Path, web.Response | None]:
        user = self._user(request)
        if not user:
            return self.files_root, _error(401, "Invalid or expired token")
        return self._resolve(request.match_info["path"], user)

    @staticmethod
    def _quiet(request: web.Request, name: str = "quiet") -> bool:
        return request.query.get(name, "false").lower() == "true"

    async def ping(self, request: web.Request) -> web.Response:
        return web.Response(text="pong")

    async def put_file(self, request: web.Request) -> web.Response:
        path, problem = self._path(request)
        if problem:
            return problem
        if path.exists() and not self._quiet(request):
            return _error(500, f"File {request.match_info['path']} already exists")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # written in place, like the real fileservice; a broken upload leaves no partial file
            with open(path, "wb") as file:
                async for chunk in request.content.iter_chunked(1 << 20):
                    file.write(chunk)
        except Exception:
            path.unlink(missing_ok=True)
            raise
        return web.json_response({"status": "ok"})

    async def get_file(self, request: web.Request) -> web.StreamResponse:
        path, problem = self._path(request)
        if problem:
            return problem
        if not path.is_file():
            return _error(404, f"File {request.match_info['path']} not found")
        return web.FileResponse(path)

    async def put_folder(self, request: web.Request) -> web.Response:
        path, problem = self._path(request)
        if problem:
            return problem
        if path.exists() and not self._quiet(request):
            return _error(500, f"Folder {request.match_info['path']} already exists")
        path.mkdir(parents=True, exist_ok=True)
        return web.json_response({"status": "ok"})

    async def delete_data(self, request: web.Request) -> web.Response:
        path, problem = self._path(request)
        if problem:
            return problem
        if not path.exists():
            if self._quiet(request):
                return web.json_response({"status": "ok"})
            return _error(404, f"{request.match_info['path']} not found")
        shutil.rmtree(path) if path.is_dir() else path.unlink()
        return web.json_response({"status": "ok"})

    async def move_data(self, request: web.Request) -> web.Response:
        source, problem = self._path(request)
        if problem:
            return problem
        body = await request.json()
        target_path = "/".join(
            [
                body.get("destinationRootVolume", ""),
                body.get("destinationOwnerName", ""),
                body.get("destinationUserVolume", ""),
                body.get("destinationPath", ""),
            ]
        )
        target, problem = self._resolve(target_path, self._user(request) or "")
        if problem:
            return problem
        if not source.exists():
            return _error(404, f"{request.match_info['path']} not found")
        if target.exists() and not self._quiet(request, "replaceExisting"):
            return _error(500, f"{target_path} already exists")
        target.parent.mkdir(parents=True, exist_ok=True)
        if self._quiet(request, "doCopy"):
            shutil.copytree(source, target) if source.is_dir() else shutil.copyfile(source, target)
        else:
            os.replace(source, target)
        return web.json_response({"status": "ok"})

    async def jsontree(self, request: web.Request) -> web.Response:
        path, problem = self._path(request)
        if problem:
            return problem
        if not path.is_dir():
            return _error(404, f"Folder {request.match_info['path']} not found")
        level = max(1, int(request.query.get("level", "1")))
        return web.json_response(
            {"root": _tree(path, level), "queryPath": request.match_info["path"]}
        )


def _tree(path: Path, level: int) -> dict[str, Any]:
    stat = path.stat()
    node: dict[str, Any] = {
        "name": path.name,
        "lastModified": int(stat.st_mtime * 1000),
        "creationTime": int(stat.st_ctime * 1000),
    }
    entries = sorted(path.iterdir())
    folders = [
        _tree(p, level - 1) if level > 1 else {"name": p.name} for p in entries if p.is_dir()
    ]
    files = [
        {"name": p.name, "size": p.stat().st_size, "lastModified": int(p.stat().st_mtime * 1000)}
        for p in entries
        if p.is_file()
    ]
    if folders:
        node["folders"] = folders
    if files:
        node["files"] = files
    return node


if __name__ == "__main__":
    import tempfile

    server = SciServerContractServer(tempfile.mkdtemp(prefix="sciserver-contract-")).start()
    print(json.dumps({**server.urls, "token": server.issue_token("alice")}, indent=2), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()
