"""Schema revisions of the store on SQLite and PostgreSQL: new, old, newer-than-the-code stores."""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from forgelab.cli import main
from forgelab.config import ForgeLabConfig, export_store_url
from forgelab.store import Store, StoreError, migrations
from forgelab.store.models import Base
from forgelab.store.store import open_engine
from sqlalchemy import inspect, text

FIXTURES = Path(__file__).parent / "fixtures"


def _schema_differences(url: str) -> list:
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            return compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()


def test_an_empty_database_gets_the_schema_of_the_models(store_url: str) -> None:
    store = Store(store_url)
    assert migrations.current(store.engine) == migrations.HEAD
    store.close()
    assert _schema_differences(store_url) == []
    assert migrations.known_revisions() == ["0001", "0002"]
    assert migrations.known_revisions()[-1] == migrations.HEAD


# -- a store written before revisions existed -----------------------------------------------
PIPELINE = {"format": "forgelab.pipeline", "version": 1, "nodes": [], "connections": []}


def _old_store(url: str) -> None:
    """The tables ``create_all`` made before revisions (committed SQL), filled like a real run.

    Alice's execution ran two jobs: ``make`` wrote an artifact, ``total`` read it and wrote one.
    An uploaded file has its own record and artifact with no execution; an execution without an
    owner (written before owners were recorded) made one more artifact.
    """
    engine = open_engine(url)
    schema = FIXTURES / f"pre_revisions.{engine.dialect.name}.sql"
    with engine.begin() as connection:
        for statement in schema.read_text().split(";\n"):
            lines = [line for line in statement.splitlines() if not line.startswith("--")]
            if "".join(lines).strip():
                connection.exec_driver_sql("\n".join(lines))
    rows = {
        "executions": [
            dict(
                id="e1",
                name="sum",
                owner="alice",
                status="succeeded",
                pipeline=json.dumps(PIPELINE),
                compute="local",
                storage="local",
                created_at="2026-01-01T00:00:00.000Z",
                settings="{}",
            ),
            dict(
                id="e2",
                name=None,
                owner=None,
                status="failed",
                pipeline=json.dumps(PIPELINE),
                compute="local",
                storage="local",
                created_at="2026-01-02T00:00:00.000Z",
                settings="{}",
            ),
        ],
        "jobs": [
            dict(
                id="j1",
                execution_id="e1",
                position=0,
                node="make",
                status="succeeded",
                attempt=1,
                compute="local",
                outputs=json.dumps({"numbers": "a1"}),
                provenance="p1",
                input_records=None,
            ),
            dict(
                id="j2",
                execution_id="e1",
                position=1,
                node="total",
                status="succeeded",
                attempt=1,
                compute="local",
                outputs=json.dumps({"result": "a2"}),
                provenance="p2",
                input_records=json.dumps({"numbers": "p1"}),
            ),
            dict(
                id="j3",
                execution_id="e2",
                position=0,
                node="make",
                status="failed",
                attempt=1,
                compute="local",
                outputs=json.dumps({"numbers": "a4"}),
                provenance=None,
                input_records=None,
            ),
        ],
        "events": [
            dict(job_id=j, execution_id=e, seq=s, kind="stdout", time="t", data=json.dumps(d))
            for j, e in (("j1", "e1"), ("j2", "e1"), ("j3", "e2"))
            for s, d in enumerate(["line 0", "line 1", {"n": 2}])
        ],
        "artifacts": [
            dict(id="a1", name="numbers", execution="e1", job="j1", provenance="p1"),
            dict(id="a2", name="result", execution="e1", job="j2", provenance="p2"),
            dict(id="a3", name="upload.csv", execution=None, job=None, provenance="p3"),
            dict(id="a4", name="numbers", execution="e2", job="j3", provenance=None),
        ],
        "provenance": [
            dict(id=p, kind=k, started_at="2026-01-01T00:00:00.000Z", record=json.dumps(r))
            for p, k, r in (
                ("p1", "job", {"id": "p1", "job": {"execution": "e1", "jobId": "j1"}}),
                ("p2", "job", {"id": "p2", "job": {"execution": "e1", "inputs": {"n": "p1"}}}),
                ("p3", "upload", {"id": "p3", "filesRead": [{"path": "/data/upload.csv"}]}),
                ("p4", "cell", {"id": "p4", "code": "x = 1"}),
            )
        ],
    }
    for artifact in rows["artifacts"]:
        artifact.update(
            storage="local", uri=f"file:///data/{artifact['id']}", created_at="2026-01-01"
        )
    with engine.begin() as connection:
        for table, table_rows in rows.items():
            for row in table_rows:
                columns = ", ".join(f'"{c}"' for c in row)
                values = ", ".join(f":{c}" for c in row)
                connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)
    engine.dispose()


def _counts(url: str) -> dict[str, int]:
    engine = open_engine(url)
    with engine.connect() as connection:
        counts = {
            table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            for table in ("executions", "jobs", "events", "artifacts", "provenance")
        }
    engine.dispose()
    return counts


def test_a_store_from_before_revisions_is_upgraded_in_place_with_owners(store_url: str) -> None:
    _old_store(store_url)
    before = _counts(store_url)
    assert before == {"executions": 2, "jobs": 3, "events": 9, "artifacts": 4, "provenance": 4}
    engine = open_engine(store_url)
    assert migrations.current(engine) == migrations.BASELINE
    engine.dispose()

    store = Store(store_url)
    assert migrations.current(store.engine) == migrations.HEAD
    assert _counts(store_url) == before
    with store.engine.connect() as connection:
        artifact_owners = dict(connection.execute(text("SELECT id, owner FROM artifacts")).all())
        record_owners = dict(connection.execute(text("SELECT id, owner FROM provenance")).all())
    me = getpass.getuser()
    # a1, a2 and p1, p2: alice's execution; the rest belong to nobody known: the upgrading user.
    assert artifact_owners == {"a1": "alice", "a2": "alice", "a3": me, "a4": me}
    assert record_owners == {"p1": "alice", "p2": "alice", "p3": me, "p4": me}

    # every row reads back through the Store API exactly as it was written
    execution = store.get_execution("e1")
    assert [j["node"] for j in execution["jobs"]] == ["make", "total"]
    assert execution["jobs"][1]["outputs"]["result"]["uri"] == "file:///data/a2"
    events, following = store.events("j2")
    assert [e["data"] for e in events] == ["line 0", "line 1", {"n": 2}] and following == 3
    assert store.add_event("j2", "e1", "stdout", "line 3")["seq"] == 3
    assert [r["id"] for r in store.provenance_chain("a2")] == ["p2", "p1"]
    store.close()
    assert _schema_differences(store_url) == []


def _describe_schema(url: str) -> dict:
    engine = open_engine(url)
    found = inspect(engine)
    schema = {
        table: (
            [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)],
            sorted((i["name"], tuple(i["column_names"])) for i in found.get_indexes(table)),
            sorted(tuple(u["column_names"]) for u in found.get_unique_constraints(table)),
            sorted(
                (tuple(f["constrained_columns"]), f["referred_table"])
                for f in found.get_foreign_keys(table)
            ),
        )
        for table in found.get_table_names()
        if table != "alembic_version"
    }
    engine.dispose()
    return schema


def test_revision_0001_is_the_schema_stores_had_before_revisions(store_url: str, request) -> None:
    engine = open_engine(store_url)
    with engine.begin() as connection:
        command.upgrade(migrations.alembic_config(connection), "0001")
    engine.dispose()
    if store_url.startswith("postgresql"):
        committed = request.getfixturevalue("postgres").create_database("committed_schema")
    else:
        committed = f"sqlite:///{request.getfixturevalue('tmp_path') / 'committed.db'}"
    _old_store(committed)
    assert _describe_schema(store_url) == _describe_schema(committed)


def test_a_store_at_an_older_revision_is_upgraded(store_url: str) -> None:
    engine = open_engine(store_url)
    with engine.begin() as connection:
        command.upgrade(migrations.alembic_config(connection), "0001")
    assert migrations.current(engine) == "0001"
    assert migrations.upgrade(engine) == ("0001", migrations.HEAD)
    assert migrations.upgrade(engine) == (migrations.HEAD, migrations.HEAD)
    engine.dispose()
    assert _schema_differences(store_url) == []


def test_a_store_written_by_a_newer_forgelab_is_refused_untouched(store_url: str, cli) -> None:
    Store(store_url).close()
    engine = open_engine(store_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
        connection.execute(text("CREATE TABLE from_the_future (id INTEGER)"))
    tables = set(inspect(engine).get_table_names())
    with pytest.raises(StoreError) as caught:
        Store(store_url)
    message = str(caught.value)
    assert "'0099'" in message and "'0002'" in message and "upgrade ForgeLab" in message
    assert migrations.current(engine) == "0099"
    assert set(inspect(engine).get_table_names()) == tables
    engine.dispose()

    done = cli("store", "upgrade", "--url", store_url)
    assert done.returncode == 1
    assert "upgrade ForgeLab" in done.stderr and "Traceback" not in done.stderr
    current = cli("store", "current", "--url", store_url)
    assert current.returncode == 1 and "revision 0099 (this ForgeLab: 0002)" in current.stdout
    assert "newer than this ForgeLab: upgrade ForgeLab" in current.stdout


@dataclass
class _Done:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run ``forgelab ARGS...`` (its real ``main``) and return its exit status and output."""

    def run(*args: str) -> _Done:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return _Done(code, out, err)

    return run


def test_cli_prints_the_revision_before_and_after(sqlite_url: str, cli) -> None:
    current = cli("store", "current", "--url", sqlite_url)
    assert current.returncode == 0, current.stderr
    assert "revision none (empty)" in current.stdout and "this ForgeLab: 0002" in current.stdout
    _old_store(sqlite_url)
    upgraded = cli("store", "upgrade", "--url", sqlite_url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "upgraded from revision 0001 to 0002" in upgraded.stdout
    again = cli("store", "upgrade", "--url", sqlite_url)
    assert "already at revision 0002" in again.stdout


def test_cli_passwords_are_masked_and_errors_are_one_line(cli) -> None:
    # a port nothing listens on: connection refused at once
    closed = f"postgresql+psycopg://forgelab:s3cret@127.0.0.1:{_closed_port()}/forgelab"
    done = cli("store", "current", "--url", closed)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "cannot open the store at postgresql+psycopg://forgelab:***@127.0.0.1" in done.stderr
    assert "s3cret" not in done.stderr and "database server is running" in done.stderr
    bad = cli("store", "upgrade", "--url", "nosuchdb://x/y")
    assert bad.returncode == 1 and "not a usable store URL" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_the_store_api_reports_an_unreachable_database_and_bad_urls() -> None:
    with pytest.raises(StoreError, match="cannot open the store at .*Connection refused"):
        Store(f"postgresql+psycopg://forgelab@127.0.0.1:{_closed_port()}/forgelab")
    with pytest.raises(StoreError, match=r"'garbage' is not a usable store URL .*expected e\.g\."):
        Store("garbage")
    with pytest.raises(StoreError) as caught:
        Store("postgresql+nosuchdriver://forgelab:s3cret@127.0.0.1/forgelab")
    assert "forgelab:***@127.0.0.1" in str(caught.value) and "s3cret" not in str(caught.value)


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_store_url_comes_from_the_environment(
    sqlite_url: str, tmp_path, monkeypatch: pytest.MonkeyPatch, cli
) -> None:
    monkeypatch.setenv("FORGELAB_STORE_URL", sqlite_url)
    monkeypatch.delenv("FORGELAB_STORE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert ForgeLabConfig().store_url == sqlite_url
    done = cli("store", "upgrade")
    assert done.stdout == f"{sqlite_url}: upgraded from revision none (empty) to 0002\n"
    # what a server exports for its kernels is not configuration of a later server here
    export_store_url(f"sqlite:///{tmp_path / 'exported.db'}")
    assert ForgeLabConfig().store_url == ""
