"""DownloadFits against the local SAS contract server: retries, resume, failures by name."""

from __future__ import annotations

import pytest
from forgelab.examples.redshift import frames
from forgelab.examples.redshift.sky import BANDS, frame_name


@pytest.fixture(autouse=True)
def _no_faults_left(sky_server):
    yield
    sky_server.clear_faults()


@pytest.fixture
def galaxies(sky_server, operations):
    """Galaxies of the sky's first two fields, from the CasJobs contract server."""
    table = operations.casjobs_query(casjobs_url=sky_server.casjobs_url, limit=40)
    fields = table.groupby(["run", "camcol", "field"]).ngroups
    assert fields == 2, "the fixture sky puts 25 objects (a few of them quasars) in each field"
    return table


def _names(table, index):
    run, camcol, field = table.groupby(["run", "camcol", "field"]).size().index[index]
    return {band: frame_name(band, run, camcol, field) for band in BANDS}, (run, camcol, field)


@pytest.mark.slow
def test_a_missing_and_a_corrupt_frame_are_retried_reported_by_name_and_the_rest_go_on(
    tmp_path, sky_server, galaxies, operations, capsys
):
    first, _ = _names(galaxies, 0)
    second, (run, camcol, field) = _names(galaxies, 1)
    sky_server.inject(first["g"], ["corrupt"])  # corrupt once: the retry gets a good copy
    sky_server.inject(second["i"], ["missing"], sticky=True)  # never there
    before = sky_server.requests.copy()

    kept, report = operations.download_fits(
        galaxies, sas_url=sky_server.sas_url, directory=str(tmp_path), retries=3
    )

    assert sky_server.requests[first["g"]] - before[first["g"]] == 2
    assert sky_server.requests[second["i"]] - before[second["i"]] == 3
    (failure,) = report["failed"]
    in_field = galaxies[
        (galaxies["run"] == run) & (galaxies["camcol"] == camcol) & (galaxies["field"] == field)
    ]
    assert failure["file"] == second["i"] and "HTTP 404" in failure["error"]
    assert failure["objids"] == in_field["objID"].tolist()
    assert len(kept) == len(galaxies) - len(in_field)
    assert set(kept["objID"]).isdisjoint(in_field["objID"])
    assert report["downloaded"] == 9 and report["galaxies"] == len(kept)
    for band in BANDS:
        for path in kept[f"frame_{band}"]:
            frames.verify(path)
    output = capsys.readouterr().out
    assert f"FAILED {second['i']}: HTTP 404" in output
    assert f"skipping galaxies {in_field['objID'].iloc[0]}" in output
    assert "1 failed" in output


def test_frames_are_shared_per_field_and_reused_by_the_next_run(tmp_path, sky_server, galaxies):
    keys = frames.frame_keys(
        zip(galaxies["run"], galaxies["rerun"], galaxies["camcol"], galaxies["field"], strict=True)
    )
    assert len(keys) == 2 * len(BANDS)  # 40 galaxies, 2 fields, 5 bands
    first = frames.download_frames(keys, sky_server.sas_url, tmp_path, log=lambda _: None)
    assert (first.downloaded, first.reused, first.failures) == (10, 0, [])
    before = sum(sky_server.requests.values())
    again = frames.download_frames(keys, sky_server.sas_url, tmp_path, log=lambda _: None)
    assert (again.downloaded, again.reused) == (0, 10)
    assert sum(sky_server.requests.values()) == before


def test_a_download_cut_half_way_resumes_with_a_range_request(tmp_path, sky_server, galaxies):
    names, _ = _names(galaxies, 0)
    key = [
        k
        for k in frames.frame_keys([(r, 301, c, f) for r, c, f in [_names(galaxies, 0)[1]]])
        if k.endswith(names["z"])
    ]
    sky_server.inject(names["z"], ["cut"])
    logged: list[str] = []
    report = frames.download_frames(
        key, sky_server.sas_url, tmp_path, backoff=0.01, log=logged.append
    )
    assert report.failures == [] and report.downloaded == 1
    assert sky_server.ranges[names["z"]] == 1
    assert "try 1/3 failed" in logged[0] and "Connection broken" in logged[0]
    frames.verify(report.paths[key[0]])
    assert not list(tmp_path.rglob("*.part"))


def test_a_damaged_local_frame_is_named_and_replaced(tmp_path, sky_server, galaxies):
    keys = frames.frame_keys(
        [(galaxies["run"][0], 301, galaxies["camcol"][0], galaxies["field"][0])]
    )
    report = frames.download_frames(keys[:1], sky_server.sas_url, tmp_path, log=lambda _: None)
    path = report.paths[keys[0]]
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 32] = bytes(32)
    path.write_bytes(bytes(data))
    with pytest.raises(frames.FrameError, match=f"{path.name} is not a complete bz2 file"):
        frames.verify(path)
    again = frames.download_frames(keys[:1], sky_server.sas_url, tmp_path, log=lambda _: None)
    assert again.downloaded == 1
    frames.verify(path)


def test_bad_settings_are_refused(tmp_path):
    with pytest.raises(ValueError, match="workers and retries must be at least 1"):
        frames.download_frames([], "http://127.0.0.1:9/", tmp_path, workers=0)
