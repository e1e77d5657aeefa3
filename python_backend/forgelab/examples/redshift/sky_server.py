"""Local CONTRACT SERVERS for CasJobs and the SDSS Science Archive Server — not SDSS itself.

They serve the synthetic sky of :class:`forgelab.examples.redshift.sky.Sky` on 127.0.0.1 with
the shapes of the real services, so the photo-z example and the CasJobs client run offline:

- CasJobs REST (``/CasJobs/RestApi``): ``POST contexts/{context}/query`` (``Accept:
  text/plain`` → CSV, ``application/json+array`` → ``{"Result": [{"TableName", "Columns",
  "Data"}]}``, ``application/fits`` → 406), ``PUT contexts/{context}/jobs`` (→ a plain-text job
  id), ``GET jobs/{id}`` (``Status`` 0/1 → 5, or 4 with the error), ``DELETE jobs/{id}``.
  Queries are real SQL run by SQLite on tables ``PhotoObj``, ``SpecObj`` and the view
  ``Galaxy`` (context ``DR17``, also ``DR16``), plus each user's ``MyDB``. Two T-SQL forms the
  example needs are translated: ``SELECT TOP n`` and ``SELECT ... INTO MyDB.t``. Errors have the
  CasJobs body ``{"Error Code", "Error Type", "Error Message", "LogMessageID"}``; an unknown or
  expired ``X-Auth-Token`` gets 401; synchronous queries to DR contexts need no token.
- SAS files (``/sas/``): ``dr17/eboss/photoObj/frames/301/{run}/{camcol}/frame-...fits.bz2``,
  rendered on first request, with HTTP ``Range`` support. :meth:`SkyServer.inject` makes chosen
  files fail (404, 500, corrupt bytes, a connection cut half-way) to test clients' retries.

Run it with ``forgelab example redshift --offline``.
"""

from __future__ import annotations

import asyncio
import collections
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aiohttp import web

from .sky import Sky

CONTEXTS = ("DR17", "DR16")
SAS_FRAME = re.compile(
    r"^dr17/eboss/photoObj/frames/(?P<rerun>\d+)/(?P<run>\d+)/(?P<camcol>\d)/"
    r"frame-(?P<band>[ugriz])-(?P<run6>\d{6})-(?P<camcol2>\d)-(?P<field>\d{4})\.fits\.bz2$"
)
FAULTS = ("missing", "error", "corrupt", "cut")
_TOP = re.compile(r"^\s*SELECT\s+TOP\s+(\d+)\s+", re.IGNORECASE)
_INTO = re.compile(
    r"^\s*SELECT\s+(?P<columns>.+?)\s+INTO\s+(?P<table>[\w.]+)\s+FROM\s", re.I | re.S
)


def _casjobs_error(status: int, kind: str, message: str) -> web.Response:
    return web.json_response(
        {
            "Error Code": status,
            "Error Type": kind,
            "Error Message": message,
            "LogMessageID": secrets.token_hex(8),
        },
        status=status,
    )


def translate(sql: str) -> str:
    """SQLite SQL for the T-SQL forms CasJobs users write (``TOP n``, ``INTO MyDB.t``)."""
    sql = sql.strip().rstrip(";")
    limit = None
    if match := _TOP.match(sql):
        limit = int(match.group(1))
        sql = "SELECT " + sql[match.end() :]
    if match := _INTO.match(sql):
        table = match.group("table")
        if "." not in table:
            table = f"mydb.{table}"
        sql = f"CREATE TABLE {table} AS SELECT {match.group('columns')} FROM " + sql[match.end() :]
    if limit is not None:
        sql += f" LIMIT {limit}"
    return sql


class SkyServer:
    """CasJobs + SAS contract servers for one :class:`Sky`, in a thread: ``start()``, ``stop()``."""

    def __init__(self, sky: Sky, root: str | Path | None = None, port: int = 0) -> None:
        self.sky = sky
        self.root = Path(root or sky.root)
        self.port = port
        self.tokens: dict[str, str] = {}
        self.jobs: dict[int, dict[str, Any]] = {}
        self.requests: collections.Counter[str] = collections.Counter()
        #: Requests that continued a file (an HTTP Range header), by file name.
        self.ranges: collections.Counter[str] = collections.Counter()
        self._faults: dict[str, collections.deque[str]] = {}
        self._next_job = 5000
        self._db_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._catalogue_db = self.root / "casjobs" / f"sky-{sky.seed}-{sky.galaxies}.sqlite"

    # -- control ---------------------------------------------------------------------------
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def casjobs_url(self) -> str:
        return f"{self.base}/CasJobs/RestApi"

    @property
    def sas_url(self) -> str:
        return f"{self.base}/sas/"

    def issue_token(self, user: str = "alice") -> str:
        token = secrets.token_hex(16)
        self.tokens[token] = user
        return token

    def expire(self, token: str) -> None:
        self.tokens.pop(token, None)

    def inject(self, file_name: str, faults: Iterable[str], sticky: bool = False) -> None:
        """Make the next requests of ``file_name`` fail, one fault each (``missing``: 404,
        ``error``: 500, ``corrupt``: damaged bytes, ``cut``: the connection closes half-way);
        ``sticky``: the last fault repeats forever."""
        faults = list(faults)
        for fault in faults:
            if fault not in FAULTS:
                raise ValueError(f"unknown fault {fault!r}; use one of {', '.join(FAULTS)}")
        queue = collections.deque(faults)
        if sticky:
            queue.append(faults[-1] + "*")
        self._faults[file_name] = queue

    def clear_faults(self) -> None:
        """Serve every file normally again."""
        self._faults.clear()

    def start(self) -> SkyServer:
        self._build_catalogue()
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            try:
                self._loop.run_until_complete(self._start())
            except BaseException as error:  # noqa: BLE001 - reported to start()'s caller
                failure.append(error)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, name="sky-contract", daemon=True)
        self._thread.start()
        if not ready.wait(60) or failure:
            raise RuntimeError(f"the sky contract server did not start: {failure or 'timeout'}")
        return self

    async def _start(self) -> None:
        app = web.Application()
        base = "/CasJobs/RestApi"
        app.add_routes(
            [
                web.post(base + "/contexts/{context}/query", self.query),
                web.put(base + "/contexts/{context}/jobs", self.submit),
                web.get(base + "/jobs/{job}", self.job),
                web.delete(base + "/jobs/{job}", self.cancel),
                web.get("/sas/{path:.*}", self.sas_file),
            ]
        )
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        if self._loop is None:
            return
        loop = self._loop

        async def shutdown() -> None:
            if self._runner:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread:
            self._thread.join(30)
        self._loop = None

    # -- the catalogue database ------------------------------------------------------------
    def _build_catalogue(self) -> None:
        if self._catalogue_db.exists():
            return
        self._catalogue_db.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._catalogue_db.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        cat = self.sky.catalogue
        photo = cat[
            ["objID", "ra", "dec", "colc", "rowc", "run", "rerun", "camcol", "field", "type"]
        ].copy()
        for band in ("u", "g", "r", "i"):
            photo[band] = cat[band]
        photo["z"] = cat["zmag"]
        photo["petroR50_r"] = cat["r_e_px"] * 0.396
        spec = cat[["objID", "z", "class"]].rename(columns={"objID": "bestObjID"})
        spec.insert(0, "specObjID", cat["objID"] + 3)
        spec["zErr"] = 1e-4
        spec["zWarning"] = 0
        with sqlite3.connect(tmp) as db:
            photo.to_sql("PhotoObj", db, index=False)
            spec.to_sql("SpecObj", db, index=False)
            db.execute("CREATE UNIQUE INDEX photo_id ON PhotoObj(objID)")
            db.execute("CREATE INDEX spec_best ON SpecObj(bestObjID)")
            db.execute("CREATE VIEW Galaxy AS SELECT * FROM PhotoObj WHERE type = 3")
        tmp.replace(self._catalogue_db)

    def _connect(self, user: str | None) -> sqlite3.Connection:
        db = sqlite3.connect(
            f"file:{self._catalogue_db}?mode=ro", uri=True, check_same_thread=False
        )
        if user:
            mydb = self.root / "casjobs" / "mydb" / f"{user}.sqlite"
            mydb.parent.mkdir(parents=True, exist_ok=True)
            db.execute("ATTACH DATABASE ? AS mydb", (str(mydb),))
        return db

    def _run_sql(self, sql: str, context: str, user: str | None) -> tuple[list[str], list[Any]]:
        statement = translate(sql)
        if context.lower() == "mydb":
            # In the MyDB context, unqualified tables are the user's own.
            db = sqlite3.connect(
                self.root / "casjobs" / "mydb" / f"{user}.sqlite", check_same_thread=False
            )
        else:
            db = self._connect(user)
        with self._db_lock:
            try:
                cursor = db.execute(statement)
                columns = [c[0] for c in cursor.description or []]
                rows = cursor.fetchall()
                db.commit()
            finally:
                db.close()
        return columns, rows

    # -- CasJobs ---------------------------------------------------------------------------
    def _auth(self, request: web.Request, required: bool) -> tuple[str | None, web.Response | None]:
        token = request.headers.get("X-Auth-Token")
        if token is None:
            if required:
                return None, _casjobs_error(
                    401,
                    "Unauthorized",
                    "You must be logged in (X-Auth-Token) to use this resource.",
                )
            return None, None
        user = self.tokens.get(token)
        if user is None:
            return None, _casjobs_error(
                401, "Unauthorized", "The token is not valid or has expired. Please log in again."
            )
        return user, None

    def _context(self, request: web.Request, user: str | None) -> tuple[str, web.Response | None]:
        context = request.match_info["context"]
        if context.upper() in CONTEXTS:
            return context.upper(), None
        if context.lower() == "mydb":
            if user is None:
                return context, _casjobs_error(
                    401, "Unauthorized", "MyDB needs a logged-in user (X-Auth-Token)."
                )
            return "MyDB", None
        return context, _casjobs_error(
            404,
            "NotFound",
            f"Context '{context}' does not exist. Available contexts: "
            + ", ".join((*CONTEXTS, "MyDB")),
        )

    async def _body(self, request: web.Request) -> tuple[str, web.Response | None]:
        try:
            body = await request.json()
            sql = body["Query"]
        except (ValueError, KeyError, TypeError):
            return "", _casjobs_error(
                400, "BadRequest", 'The request body must be JSON {"Query": "<SQL>"}.'
            )
        if not isinstance(sql, str) or not sql.strip():
            return "", _casjobs_error(400, "BadRequest", "The query is empty.")
        return sql, None

    async def query(self, request: web.Request) -> web.Response:
        user, problem = self._auth(request, required=False)
        if problem:
            return problem
        context, problem = self._context(request, user)
        if problem:
            return problem
        sql, problem = await self._body(request)
        if problem:
            return problem
        accept = request.headers.get("Accept", "application/json+array")
        if "fits" in accept:
            return _casjobs_error(406, "NotAcceptable", "FITS output is not offered here.")
        if "INTO" in sql.upper().split("FROM")[0]:
            return _casjobs_error(
                400, "BadRequest", "SELECT ... INTO needs a job: submit it with PUT .../jobs."
            )
        try:
            columns, rows = await asyncio.get_running_loop().run_in_executor(
                None, self._run_sql, sql, context, user
            )
        except sqlite3.Error as error:
            return _casjobs_error(500, "InternalServerError", f"Query failed: {error}")
        if "text/plain" in accept or "csv" in accept:
            lines = [",".join(columns)]
            lines += [",".join("" if v is None else str(v) for v in row) for row in rows]
            return web.Response(text="\n".join(lines) + "\n", content_type="text/plain")
        table = {"TableName": "Table1", "Columns": columns, "Data": [list(r) for r in rows]}
        return web.json_response({"Result": [table]})

    async def submit(self, request: web.Request) -> web.Response:
        user, problem = self._auth(request, required=True)
        if problem:
            return problem
        context, problem = self._context(request, user)
        if problem:
            return problem
        sql, problem = await self._body(request)
        if problem:
            return problem
        self._next_job += 1
        job_id = self._next_job
        job = {
            "JobID": job_id,
            "Status": 0,
            "Query": sql,
            "Context": context,
            "Message": "",
            "SubmitDate": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "user": user,
        }
        self.jobs[job_id] = job
        asyncio.get_running_loop().run_in_executor(None, self._run_job, job)
        return web.Response(text=str(job_id), content_type="text/plain")

    def _run_job(self, job: dict[str, Any]) -> None:
        time.sleep(0.1)  # jobs are queued, then started, as on CasJobs
        if job["Status"] != 0:
            return
        job["Status"] = 1
        try:
            _, rows = self._run_sql(job["Query"], job["Context"], job["user"])
        except sqlite3.Error as error:
            job.update(Status=4, Message=f"Query failed: {error}")
            return
        if job["Status"] == 1:
            job.update(Status=5, Message="Query complete", Rows=len(rows))

    async def job(self, request: web.Request) -> web.Response:
        user, problem = self._auth(request, required=True)
        if problem:
            return problem
        job = self.jobs.get(
            int(request.match_info["job"]) if request.match_info["job"].isdigit() else -1
        )
        if job is None or job["user"] != user:
            return _casjobs_error(
                404, "NotFound", f"Job {request.match_info['job']} was not found."
            )
        return web.json_response({k: v for k, v in job.items() if k != "user"})

    async def cancel(self, request: web.Request) -> web.Response:
        user, problem = self._auth(request, required=True)
        if problem:
            return problem
        job = self.jobs.get(
            int(request.match_info["job"]) if request.match_info["job"].isdigit() else -1
        )
        if job is None or job["user"] != user:
            return _casjobs_error(
                404, "NotFound", f"Job {request.match_info['job']} was not found."
            )
        if job["Status"] in (0, 1):
            job.update(Status=3, Message="Canceled by user")
        return web.json_response({k: v for k, v in job.items() if k != "user"})

    # -- SAS -------------------------------------------------------------------------------
    async def sas_file(self, request: web.Request) -> web.StreamResponse:
        key = request.match_info["path"]
        match = SAS_FRAME.match(key)
        name = key.rsplit("/", 1)[-1]
        self.requests[name] += 1
        if "Range" in request.headers:
            self.ranges[name] += 1
        if not match or match["run"].lstrip("0") != match["run6"].lstrip("0"):
            raise web.HTTPNotFound(text=f"Not Found: /sas/{key}")
        fault = None
        queue = self._faults.get(name)
        if queue:
            fault = queue[0].rstrip("*")
            if not queue[0].endswith("*"):
                queue.popleft()
        if fault == "missing":
            raise web.HTTPNotFound(text=f"Not Found: /sas/{key}")
        if fault == "error":
            raise web.HTTPInternalServerError(text="Internal Server Error")
        try:
            path = await asyncio.get_running_loop().run_in_executor(
                None,
                self.sky.frame_path,
                match["band"],
                int(match["run"]),
                int(match["camcol"]),
                int(match["field"]),
            )
        except KeyError:
            raise web.HTTPNotFound(text=f"Not Found: /sas/{key}") from None
        if fault in ("corrupt", "cut"):
            data = bytearray(path.read_bytes())
            response = web.StreamResponse(headers={"Content-Type": "application/x-bzip2"})
            response.content_length = len(data)
            await response.prepare(request)
            if fault == "corrupt":
                middle = len(data) // 2
                data[middle : middle + 64] = bytes(64)
                await response.write(bytes(data))
                await response.write_eof()
            else:
                await response.write(bytes(data[: len(data) // 2]))
                assert request.transport is not None
                request.transport.close()
            return response
        return web.FileResponse(path, headers={"Content-Type": "application/x-bzip2"})
