"""The CasJobs client against the local CasJobs contract server (real HTTP, real SQL)."""

from __future__ import annotations

import pytest
from forgelab.examples.redshift.sky_server import translate
from forgelab.sciserver.casjobs import (
    DEFAULT_CASJOBS_URL,
    CasJobs,
    CasJobsAuthError,
    CasJobsError,
)

GALAXIES = (
    "SELECT TOP 30 p.objID, p.ra, p.dec, p.run, p.rerun, p.camcol, p.field, s.z "
    "FROM PhotoObj AS p JOIN SpecObj AS s ON s.bestObjID = p.objID "
    "WHERE p.type = 3 AND s.class = 'GALAXY' AND s.z > 0 AND s.z < 0.4"
)


def test_a_synchronous_query_returns_the_selected_galaxies_as_csv_and_json(sky, sky_server):
    client = CasJobs(url=sky_server.casjobs_url)
    table = client.query(GALAXIES)
    assert list(table.columns) == ["objID", "ra", "dec", "run", "rerun", "camcol", "field", "z"]
    assert len(table) == 30 and table["z"].between(0, 0.4, inclusive="neither").all()
    truth = sky.catalogue.set_index("objID").loc[table["objID"]]
    assert (truth["type"] == 3).all()
    assert table["z"].to_numpy() == pytest.approx(truth["z"].to_numpy())
    (result,) = client.query_json("SELECT COUNT(*) AS n FROM Galaxy")
    assert result["Columns"] == ["n"] and result["Data"] == [[sky.galaxies]]


def test_quasars_are_left_out_by_the_redshift_cut(sky, sky_server):
    client = CasJobs(url=sky_server.casjobs_url)
    everything = client.query(GALAXIES.replace("TOP 30", "TOP 100000"))
    assert len(everything) == sky.galaxies
    quasars = client.query("SELECT COUNT(*) AS n FROM SpecObj WHERE class = 'QSO'")
    assert quasars["n"][0] > 0


def test_bad_sql_shows_casjobs_own_message(sky_server):
    client = CasJobs(url=sky_server.casjobs_url)
    with pytest.raises(CasJobsError) as caught:
        client.query("SELECT * FORM PhotoObj")
    assert caught.value.status == 500
    assert 'near "FORM": syntax error' in caught.value.detail
    assert "Could not run a query in DR17" in str(caught.value)
    with pytest.raises(CasJobsError, match="no such table: PhotoObjAll"):
        client.query("SELECT * FROM PhotoObjAll")


def test_an_expired_token_is_refused_with_what_to_do(sky_server):
    token = sky_server.issue_token("alice")
    client = CasJobs(url=sky_server.casjobs_url, token=token)
    assert len(client.query("SELECT TOP 1 objID FROM PhotoObj")) == 1
    sky_server.expire(token)
    with pytest.raises(
        CasJobsAuthError, match="not valid or has expired.*Get a new SciServer token"
    ):
        client.query("SELECT TOP 1 objID FROM PhotoObj")


def test_an_unknown_context_lists_the_available_ones(sky_server):
    with pytest.raises(CasJobsError, match="Context 'DR99' does not exist.*DR17"):
        CasJobs(url=sky_server.casjobs_url).query("SELECT 1", context="DR99")


def test_an_asynchronous_job_fills_mydb_and_its_table_can_be_queried(sky_server):
    client = CasJobs(url=sky_server.casjobs_url, token=sky_server.issue_token("bob"))
    job_id = client.submit("SELECT bestObjID, z INTO MyDB.nearby FROM SpecObj WHERE z < 0.1")
    job = client.wait(job_id, poll=0.05, timeout=30)
    assert job["Status"] == 5
    nearby = client.query("SELECT COUNT(*) AS n, MAX(z) AS zmax FROM nearby", context="MyDB")
    assert nearby["n"][0] > 0 and nearby["zmax"][0] < 0.1
    failing = client.submit("SELECT nope INTO MyDB.broken FROM SpecObj")
    with pytest.raises(
        CasJobsError, match=f"job {failing} failed: Query failed: no such column: nope"
    ):
        client.wait(failing, poll=0.05, timeout=30)


def test_jobs_need_a_token_before_anything_is_sent(sky_server, monkeypatch):
    monkeypatch.delenv("SCISERVER_TOKEN", raising=False)
    client = CasJobs(url=sky_server.casjobs_url)
    with pytest.raises(CasJobsAuthError, match="needs a SciServer token"):
        client.submit("SELECT 1 INTO MyDB.t")
    with pytest.raises(CasJobsError, match="SELECT ... INTO needs a job"):
        client.query("SELECT objID INTO MyDB.t FROM PhotoObj")


def test_configuration_defaults_to_skyserver_and_reads_the_token_from_the_environment(
    monkeypatch,
):
    monkeypatch.setenv("SCISERVER_TOKEN", "abc")
    client = CasJobs.from_config({})
    assert client.url == DEFAULT_CASJOBS_URL and client.token == "abc"
    assert CasJobs.from_config({"url": "http://127.0.0.1:1/x/", "token": "t"}).url == (
        "http://127.0.0.1:1/x"
    )


def test_an_unreachable_casjobs_says_which_url():
    with pytest.raises(CasJobsError, match=r"http://127.0.0.1:9/CasJobs cannot be reached"):
        CasJobs(url="http://127.0.0.1:9/CasJobs", timeout=5).query("SELECT 1")


@pytest.mark.parametrize(
    ("sql", "sqlite"),
    [
        ("SELECT TOP 5 objID FROM PhotoObj;", "SELECT objID FROM PhotoObj LIMIT 5"),
        (
            "SELECT objID INTO MyDB.t FROM PhotoObj WHERE z < 1",
            "CREATE TABLE MyDB.t AS SELECT objID FROM PhotoObj WHERE z < 1",
        ),
        ("select top 2 a into t from b", "CREATE TABLE mydb.t AS SELECT a FROM b LIMIT 2"),
    ],
)
def test_t_sql_forms_are_translated_for_sqlite(sql, sqlite):
    assert translate(sql) == sqlite
