"""Known error types of a job are told in one line (cause and remedy), from real failures."""

from __future__ import annotations

import socket

import pytest
import requests
from forgelab.jobs.known_errors import explain
from forgelab.jobs.runtime import failure
from forgelab.sciserver.casjobs import CasJobs, CasJobsAuthError


def _dead_url() -> str:
    """A URL on a port nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/CasJobs"


def _raised(call) -> BaseException:
    with pytest.raises(Exception) as caught:
        call()
    return caught.value


def test_an_unreachable_casjobs_of_the_redshift_example_says_to_start_the_offline_sky():
    url = _dead_url()
    error = _raised(lambda: CasJobs(url=url, timeout=5).query("SELECT 1"))
    line, row = explain(error, environ={"REDSHIFT_CASJOBS_URL": url})
    assert row.kind == "unreachable"
    assert line == (
        f"{url} cannot be reached — start `forgelab example redshift --offline` "
        "and set the variables it prints"
    )


def test_the_offline_skys_address_set_by_hand_gets_the_examples_remedy_too():
    url = _dead_url().replace("/CasJobs", "/CasJobs/RestApi")
    error = _raised(lambda: CasJobs(url=url, timeout=5).query("SELECT 1"))
    line, _ = explain(error, environ={})
    assert line.endswith(
        "— start `forgelab example redshift --offline` and set the variables it prints"
    )


def test_any_other_unreachable_url_says_to_check_the_service():
    url = _dead_url()
    error = _raised(lambda: requests.get(url, timeout=5))
    line, _ = explain(error, environ={})
    assert line == (
        f"{url} cannot be reached — check that the service runs and that its URL is right"
    )


def test_a_refused_login_keeps_the_services_own_remedy():
    error = CasJobsAuthError(
        "Could not submit a job: CasJobs refused the token: expired. Get a new one."
    )
    line, row = explain(error, environ={})
    assert row.kind == "login"
    assert line == (
        "CasJobs refused the login: Could not submit a job: CasJobs refused the token: "
        "expired. Get a new one."
    )


def test_a_missing_file_names_it(tmp_path):
    error = _raised(lambda: open(tmp_path / "absent.csv"))
    line, _ = explain(error, environ={})
    assert line == f"{tmp_path / 'absent.csv'} does not exist — check the path, or upload the file"


def test_other_errors_keep_their_own_text_and_every_failure_keeps_its_traceback():
    assert explain(ValueError("the numbers are wrong"), environ={}) is None
    plain = failure(ValueError("the numbers are wrong"), "Traceback ...")
    assert plain == {
        "type": "ValueError",
        "message": "the numbers are wrong",
        "traceback": "Traceback ...",
    }
    known = failure(FileNotFoundError(2, "No such file", "x.csv"), "Traceback ...")
    assert known["known"] is True and known["traceback"] == "Traceback ..."
    assert known["message"].startswith("x.csv does not exist")
