"""``offline.serve()``: the synthetic sky as environment, which the operations then use."""

from __future__ import annotations

import os

import pytest
from forgelab.examples.redshift import offline

VARIABLES = ("REDSHIFT_CASJOBS_URL", "REDSHIFT_SAS_URL", "REDSHIFT_FRAMES")


@pytest.fixture
def clean_environment(monkeypatch):
    for key in (*VARIABLES, "REDSHIFT_SKY", "REDSHIFT_SKY_GALAXIES"):
        monkeypatch.delenv(key, raising=False)


def test_serve_points_the_operations_at_the_sky_then_restores_the_environment(
    tmp_path, monkeypatch, clean_environment, operations
):
    monkeypatch.setenv("REDSHIFT_SAS_URL", "http://example.invalid/sas/")
    monkeypatch.setenv("REDSHIFT_SKY", str(tmp_path))
    sky = offline.serve(galaxies=40, seed=3)
    try:
        assert os.environ["REDSHIFT_CASJOBS_URL"] == sky.server.casjobs_url
        assert os.environ["REDSHIFT_SAS_URL"] == sky.server.sas_url
        assert os.environ["REDSHIFT_FRAMES"] == str(tmp_path / "downloads-3-40")
        assert sky.server.sky.root == tmp_path / "sky-3-40"
        assert "NOT SDSS data" in str(sky) and sky.server.casjobs_url in str(sky)
        # The query's empty casjobs_url means the environment's: this sky's 40 galaxies.
        galaxies = operations.casjobs_query(100)
        assert 0 < len(galaxies) <= 40
    finally:
        sky.stop()
    assert "REDSHIFT_CASJOBS_URL" not in os.environ and "REDSHIFT_FRAMES" not in os.environ
    assert os.environ["REDSHIFT_SAS_URL"] == "http://example.invalid/sas/"


def test_serve_refuses_a_sky_size_that_is_not_a_number(tmp_path, monkeypatch, clean_environment):
    monkeypatch.setenv("REDSHIFT_SKY_GALAXIES", "many")
    with pytest.raises(
        ValueError, match=r"\$REDSHIFT_SKY_GALAXIES must be a whole number, not 'many'"
    ):
        offline.serve(tmp_path)
    with pytest.raises(ValueError, match="the sky needs at least 1 galaxy, not 0"):
        offline.serve(tmp_path, galaxies=0)
    assert not any(key in os.environ for key in VARIABLES)


def test_configure_refuses_an_unknown_scale(operations):
    assert tuple(operations.configure(scale="paper")) == (10000, 10)
    with pytest.raises(ValueError, match="scale must be one of tiny, small, paper, not 'huge'"):
        operations.configure(scale="huge")
