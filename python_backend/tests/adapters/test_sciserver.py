"""SciServer client and adapters against the local SciServer contract server (127.0.0.1)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sys

import pytest
from forgelab.adapters.compute.base import JobSpec
from forgelab.adapters.compute.sciserver import SciServerCompute
from forgelab.adapters.storage.sciserver import SciServerStorage
from forgelab.sciserver import SciServer, SciServerAuthError, SciServerError, SciServerNotFound

from .conftest import free_port, pid_alive, wait_for

VOLUME = "Storage/alice/persistent"


def config(server, **extra) -> dict:
    return {**server.urls, "token": server.issue_token("alice"), **extra}


# -- client ----------------------------------------------------------------------------------
def test_login_with_password_and_whoami(sciserver):
    client = SciServer.from_config(
        {**sciserver.urls, "username": "alice", "password": "alice-password"}
    )
    assert client.username == "alice"


def test_wrong_password_is_readable(sciserver):
    client = SciServer.from_config({**sciserver.urls, "username": "alice", "password": "nope"})
    with pytest.raises(
        SciServerAuthError, match="refused the login of 'alice'.*Invalid username or password"
    ):
        _ = client.username


def test_files_round_trip_and_quiet_semantics(sciserver):
    files = SciServer.from_config(config(sciserver)).files
    files.upload(f"{VOLUME}/dir one/a.txt", b"hello")
    assert files.download(f"{VOLUME}/dir one/a.txt") == b"hello"
    tree = files.listing(f"{VOLUME}/dir one")
    assert tree["files"] == [
        {"name": "a.txt", "size": 5, "lastModified": tree["files"][0]["lastModified"]}
    ]
    with pytest.raises(SciServerError, match="already exists"):
        files.upload(f"{VOLUME}/dir one/a.txt", b"again", overwrite=False)
    files.move(f"{VOLUME}/dir one/a.txt", f"{VOLUME}/b.txt")
    assert files.stat(f"{VOLUME}/dir one/a.txt") is None
    assert files.stat(f"{VOLUME}/b.txt")["size"] == 5
    files.delete(f"{VOLUME}/b.txt")
    with pytest.raises(SciServerNotFound, match=r"Could not download .*not found on SciServer"):
        files.download(f"{VOLUME}/b.txt")


def test_another_users_volume_is_forbidden(sciserver):
    files = SciServer.from_config(config(sciserver)).files
    with pytest.raises(SciServerAuthError, match="not allowed"):
        files.upload("Storage/bob/persistent/x.txt", b"x")


def test_expired_token_is_readable_and_renewed_with_a_password(sciserver):
    settings = config(sciserver)
    client = SciServer.from_config(settings)
    client.files.upload(f"{VOLUME}/a.txt", b"x")
    sciserver.expire(settings["token"])
    with pytest.raises(
        SciServerAuthError, match=r"refused the token \(expired or invalid.*Get a new token"
    ):
        client.files.download(f"{VOLUME}/a.txt")
    renewing = SciServer.from_config(
        {**settings, "username": "alice", "password": "alice-password"}
    )
    assert renewing.files.download(f"{VOLUME}/a.txt") == b"x"


def test_unreachable_sciserver_is_readable():
    port = free_port()
    client = SciServer.from_config(
        {
            "login_url": f"http://127.0.0.1:{port}/login",
            "racm_url": f"http://127.0.0.1:{port}/racm",
            "token": "t",
            "timeout": 2,
        }
    )
    with pytest.raises(SciServerError, match=r"cannot be reached\. Check that SciServer is up"):
        client.jobs.compute_domains()


@pytest.mark.skipif(os.path.exists("/home/idies/keystone.token"), reason="inside SciServer Compute")
def test_missing_credentials_say_what_to_set(sciserver, tmp_path):
    with pytest.raises(SciServerAuthError, match="No SciServer credentials: set 'token'"):
        _ = SciServer.from_config(sciserver.urls).username
    with pytest.raises(SciServerAuthError, match="Cannot read the SciServer token file .*missing"):
        _ = SciServer.from_config(
            {**sciserver.urls, "token_file": str(tmp_path / "missing")}
        ).username


# -- compute ---------------------------------------------------------------------------------
def spec(directory: str, job_id: str, **kw) -> JobSpec:
    return JobSpec(
        job_id=job_id,
        execution_id="ex1",
        directory=directory,
        command=[sys.executable, "main.py"],
        env={"GREETING": "hi there"},
        **kw,
    )


def compute(server) -> SciServerCompute:
    return SciServerCompute(config(server, python=sys.executable, poll_interval=0.1))


def test_job_runs_streams_while_running_and_returns_result(sciserver, make_job, tmp_path):
    go = tmp_path / "go"
    directory = make_job(f"""
        print("first", os.environ["GREETING"], flush=True)
        wait_file({str(go)!r})
        event("metric", {{"name": "loss", "value": 0.5}})
        print("oops", file=sys.stderr)
        result(outputs={{"y": {{"uri": "sciserver://x"}}}})
    """)
    adapter = compute(sciserver)

    async def scenario():
        events = []
        first = asyncio.Event()

        def on_event(event):
            events.append(event)
            if event["kind"] == "stdout":
                first.set()

        handle = await adapter.submit(spec(directory, "j1"), on_event)
        await asyncio.wait_for(first.wait(), 60)  # the job waits for `go`: it still runs
        go.touch()
        return await adapter.wait(handle), events

    outcome, events = asyncio.run(scenario())
    assert outcome.status == "succeeded", outcome.error
    assert outcome.result["outputs"]["y"]["uri"] == "sciserver://x"
    kinds = [(e["kind"], e["data"]) for e in events]
    assert ("stdout", "first hi there") in kinds and ("stderr", "oops") in kinds
    assert ("metric", {"name": "loss", "value": 0.5}) in kinds
    assert kinds[0] == ("status", {"status": "running", "sciserver_job": 1001})
    # The job ran from its folder in the user's volume.
    job_folder = sciserver.files_root / VOLUME / "forgelab-jobs/ex1/j1"
    assert (job_folder / "main.py").is_file() and (job_folder / "result.json").is_file()


@pytest.mark.parametrize(
    "body, error",
    [
        (
            """
            result("failed", error={"type": "KeyError", "message": "'label'", "traceback": ""})
            sys.exit(1)
         """,
            "KeyError: 'label'",
        ),
        (
            """
            print("no memory left", file=sys.stderr)
            sys.exit(3)
         """,
            "ended with an error: Command exited with code 3.\n"
            "Last lines of its stderr:\nno memory left",
        ),
        ("print('forgot the result')", "without writing a valid result.json"),
    ],
    ids=["raises", "exit-code", "no-result"],
)
def test_failing_jobs_explain_themselves(sciserver, make_job, body, error):
    adapter = compute(sciserver)

    async def scenario():
        handle = await adapter.submit(spec(make_job(body), "bad"), lambda e: None)
        return await adapter.wait(handle)

    outcome = asyncio.run(scenario())
    assert outcome.status == "failed"
    assert error in outcome.error


def test_cancel_stops_the_job_process(sciserver, make_job):
    directory = make_job("""
        print("pid", os.getpid(), flush=True)
        time.sleep(600)
    """)
    adapter = compute(sciserver)

    async def scenario():
        pids = []
        seen = asyncio.Event()

        def on_event(event):
            if event["kind"] == "stdout":
                pids.append(int(event["data"].split()[1]))
                seen.set()

        handle = await adapter.submit(spec(directory, "long"), on_event)
        await asyncio.wait_for(seen.wait(), 60)
        assert pid_alive(pids[0])
        await adapter.cancel(handle)
        return await asyncio.wait_for(adapter.wait(handle), 30), pids[0]

    outcome, pid = asyncio.run(scenario())
    assert outcome.status == "cancelled"
    wait_for(lambda: not pid_alive(pid), 10, "the cancelled job's process exiting")


def test_timeout_cancels_the_sciserver_job(sciserver, make_job):
    adapter = compute(sciserver)

    async def scenario():
        handle = await adapter.submit(
            spec(make_job("time.sleep(600)"), "slow", timeout=0.5), lambda e: None
        )
        return await adapter.wait(handle)

    outcome = asyncio.run(scenario())
    assert outcome.status == "failed" and "timed out after 0.5 s" in outcome.error
    assert all(job.status == 128 for job in sciserver.jobs.values())


def test_expired_token_at_submit_and_test_connection(sciserver, make_job):
    settings = config(sciserver, python=sys.executable)
    sciserver.expire(settings["token"])
    adapter = SciServerCompute(settings)
    with pytest.raises(SciServerAuthError, match="refused the token"):
        asyncio.run(adapter.test_connection())
    with pytest.raises(SciServerAuthError, match="refused the token"):
        asyncio.run(adapter.submit(spec(make_job("result()"), "j"), lambda e: None))


def test_test_connection_names_user_domain_and_folder(sciserver):
    answer = asyncio.run(compute(sciserver).test_connection())
    assert answer == {
        "ok": True,
        "message": "Signed in to SciServer as alice; jobs run in compute "
        "domain 'Local contract domain' from Storage/alice/persistent/forgelab-jobs.",
    }


def test_unknown_compute_domain(sciserver):
    adapter = SciServerCompute(config(sciserver, compute_domain="GPU"))
    with pytest.raises(
        SciServerError,
        match="No SciServer compute domain 'GPU'; this user has 'Local contract domain'",
    ):
        asyncio.run(adapter.test_connection())


# -- storage ---------------------------------------------------------------------------------
def test_storage_put_get_exists_delete(sciserver, tmp_path):
    storage = SciServerStorage(config(sciserver))
    data = os.urandom(3 * 1024 * 1024 + 5)
    source = tmp_path / "a.bin"
    source.write_bytes(data)
    stored = storage.put_file(str(source), "ex1/j1/model")
    assert stored.uri == "sciserver://Storage/alice/persistent/forgelab/ex1/j1/model"
    assert stored.size == len(data) and stored.hash == "sha256:" + hashlib.sha256(data).hexdigest()
    on_disk = sciserver.files_root / VOLUME / "forgelab"
    assert (on_disk / "ex1/j1/model").read_bytes() == data
    assert not list((on_disk / ".forgelab-tmp").iterdir())
    assert storage.exists(stored.uri)
    target = tmp_path / "b.bin"
    storage.get_file(stored.uri, str(target))
    assert target.read_bytes() == data
    assert storage.open(stored.uri).read() == data
    assert storage.filesystem().cat_file(storage.path_of(stored.uri)) == data
    storage.delete(stored.uri)
    assert not storage.exists(stored.uri)
    with pytest.raises(FileNotFoundError, match="No artifact at sciserver://"):
        storage.get_file(stored.uri, str(target))


def test_storage_connection_and_masked_description(sciserver):
    settings = config(sciserver, password="pw", username="alice")
    storage = SciServerStorage(settings)
    assert storage.test_connection()["ok"]
    described = storage.describe()
    assert described["config"]["token"] == "***" and described["config"]["password"] == "***"
    assert settings["token"] not in json.dumps(described)
    sciserver.expire(settings["token"])
    with pytest.raises(SciServerAuthError, match="refused the login of 'alice'"):
        SciServerStorage({**settings, "password": "wrong"}).exists(storage.uri_for("x"))


def test_storage_with_expired_token(sciserver, tmp_path):
    settings = config(sciserver)
    sciserver.expire(settings["token"])
    source = tmp_path / "a.bin"
    source.write_bytes(b"abc")
    with pytest.raises(SciServerAuthError, match="refused the token"):
        SciServerStorage(settings).put_file(str(source), "k")


def test_reattach_follows_a_running_job_with_offsets(sciserver, make_job, tmp_path):
    go = tmp_path / "go"
    directory = make_job(f"""
        print("one", flush=True)
        wait_file({str(go)!r})
        print("two", flush=True)
        result()
    """)
    settings = config(sciserver, python=sys.executable, poll_interval=0.1)

    async def scenario():
        first = asyncio.Event()
        events: list[dict] = []

        def on_first(event):
            if event["kind"] == "stdout":
                first.set()

        before = SciServerCompute(settings)
        handle = await before.submit(spec(directory, "again"), on_first)
        await asyncio.wait_for(first.wait(), 60)
        # A new adapter (as after a server restart) follows the same SciServer job.
        after = SciServerCompute(settings)
        assert await after.reattach(handle, spec(directory, "again"), events.append)
        assert not await after.reattach(
            '{"job": 999999, "folder": "x"}', spec(directory, "x"), events.append
        )
        go.touch()
        return await after.wait(handle), events

    outcome, events = asyncio.run(scenario())
    assert outcome.status == "succeeded", outcome.error
    stdout = [(e["data"], e["_stream"], e["_offset"]) for e in events if e["kind"] == "stdout"]
    assert stdout == [("one", "stdout", 4), ("two", "stdout", 8)]


def test_generated_job_on_sciserver_with_outputs_in_sciserver_files(sciserver, tmp_path):
    """forgelab.jobs.codegen output run as a SciServer job, its artifact kept in SciServer Files."""
    from forgelab.jobs import codegen, serializers

    settings = config(sciserver)
    storage = SciServerStorage(settings)
    operation = {
        "id": "square",
        "name": "Square",
        "source": {"function": "square", "code": "def square(value):\n    return value * value\n"},
        "inputs": [],
        "outputs": [{"name": "result"}],
    }
    directory = codegen.generate(
        tmp_path / "gen",
        job_id="gen1",
        execution_id="exg",
        operation=operation,
        attributes={"value": 7},
        references={},
        inputs={},
        outputs={"result": {"storage": "sciserver", "key": "exg/gen1/result"}},
        storage={"sciserver": storage.job_config()},
    )
    adapter = SciServerCompute({**settings, "python": sys.executable, "poll_interval": 0.1})

    async def scenario():
        handle = await adapter.submit(
            JobSpec("gen1", "exg", str(directory), [sys.executable, "main.py"]), lambda e: None
        )
        return await adapter.wait(handle)

    outcome = asyncio.run(scenario())
    assert outcome.status == "succeeded", outcome.error
    output = outcome.result["outputs"]["result"]
    assert output["uri"] == "sciserver://Storage/alice/persistent/forgelab/exg/gen1/result"
    local = tmp_path / "out"
    storage.get_file(output["uri"], str(local))
    assert serializers.load(str(local), output["serializer"]) == 49


def test_sciserver_going_away_mid_job_fails_it_clearly(sciserver, make_job):
    adapter = compute(sciserver)

    async def scenario():
        seen = asyncio.Event()

        def on_event(event):
            if event["kind"] == "stdout":
                seen.set()

        handle = await adapter.submit(
            spec(make_job("print('up', flush=True)\ntime.sleep(600)"), "orphan"), on_event
        )
        await asyncio.wait_for(seen.wait(), 60)
        await asyncio.to_thread(sciserver.stop)
        return await asyncio.wait_for(adapter.wait(handle), 60)

    outcome = asyncio.run(scenario())
    assert outcome.status == "failed"
    assert outcome.error.startswith(
        "Lost track of SciServer job 1001: Could not read SciServer job"
    )
    assert "cannot be reached" in outcome.error
