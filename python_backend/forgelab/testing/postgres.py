"""A throwaway PostgreSQL server on 127.0.0.1, for tests and benchmarks of the shared store.

:class:`PostgresServer` runs Debian's PostgreSQL binaries (``/usr/lib/postgresql/<n>/bin``, the
newest, else ``initdb`` on ``PATH``) in a temporary directory: ``initdb``, ``pg_ctl start`` on a
free port with ``fsync=off`` (test data need no durability), one database, then stop and remove
everything. PostgreSQL refuses to run as root, so as root the server runs as the ``postgres``
OS user (``runuser``) on a directory that user owns.

    with PostgresServer() as server:
        store = Store(server.url)           # postgresql+psycopg://forgelab@127.0.0.1:<port>/forgelab
        other = server.create_database("second")
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

INSTALL_HINT = (
    "install Debian's postgresql package (`apt-get install postgresql`, or `make postgresql`)"
)
_USER = "forgelab"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server binaries are not installed, or the server did not start."""


DEBIAN_BIN_DIRS = "/usr/lib/postgresql/*/bin"


def find_bin_dir(pattern: str = DEBIAN_BIN_DIRS, path: str | None = None) -> Path:
    """Where ``initdb``, ``pg_ctl`` and ``postgres`` are: the newest of ``pattern``, else ``path``.

    ``path`` is searched like ``$PATH`` (its default).
    """
    candidates = sorted(
        (Path(p) for p in glob.glob(pattern)),
        key=lambda p: _version_key(p.parent.name),
        reverse=True,
    )
    for directory in candidates:
        if (directory / "postgres").exists() and (directory / "initdb").exists():
            return directory
    initdb = shutil.which("initdb", path=path)
    if initdb and (Path(initdb).parent / "pg_ctl").exists():
        return Path(initdb).parent
    raise PostgresUnavailable(
        f"PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in {pattern} or on "
        f"PATH: {INSTALL_HINT}"
    )


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One PostgreSQL cluster in a temporary directory, listening on 127.0.0.1 only."""

    def __init__(
        self, *, database: str = "forgelab", bin_dir: str | os.PathLike[str] | None = None
    ):
        self.bin_dir = Path(bin_dir) if bin_dir else find_bin_dir()
        self.database = database
        self.port = 0
        self.directory: Path | None = None
        self._as_user: str | None = "postgres" if os.geteuid() == 0 else None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> str:
        """Create the cluster, start it, create the database; returns :attr:`url`."""
        self.directory = Path(tempfile.mkdtemp(prefix="forgelab-pg-"))
        data = self.directory / "data"
        if self._as_user:
            try:
                entry = pwd.getpwnam(self._as_user)
            except KeyError:
                raise PostgresUnavailable(
                    f"running as root, PostgreSQL needs the {self._as_user!r} OS user, which does "
                    f"not exist: {INSTALL_HINT}"
                ) from None
            os.chown(self.directory, entry.pw_uid, entry.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(data),
            "-U",
            _USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        self.port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c fsync=off "
            f"-c synchronous_commit=off -c full_page_writes=off "
            f"-c unix_socket_directories={self.directory} -c max_connections=200"
        )
        try:
            self._run(
                "pg_ctl",
                "-D",
                str(data),
                "-l",
                str(self.directory / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            )
        except PostgresUnavailable as error:
            log = self.directory / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            self.stop()
            raise PostgresUnavailable(f"{error}\nserver log:\n{tail}") from None
        self.create_database(self.database)
        return self.url

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory."""
        if self.directory is None:
            return
        data = self.directory / "data"
        if (data / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
            except PostgresUnavailable:
                pass
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None

    def __enter__(self) -> PostgresServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- databases -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """SQLAlchemy URL of :attr:`database`."""
        return self.url_for(self.database)

    def url_for(self, database: str) -> str:
        return f"postgresql+psycopg://{_USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database on this server; returns its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={_USER} dbname=postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url_for(name)

    # -- helpers ---------------------------------------------------------------------------
    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin_dir / tool), *args]
        if self._as_user:
            command = ["runuser", "-u", self._as_user, "--", *command]
        done = subprocess.run(
            command,
            cwd=self.directory,
            capture_output=True,
            text=True,
            timeout=120,
            # pg_ctl's server keeps running after pg_ctl exits: do not tie it to our stdio.
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            raise PostgresUnavailable(
                f"{tool} failed (exit {done.returncode}): "
                f"{(done.stderr or done.stdout).strip()[-1500:]}"
            )
