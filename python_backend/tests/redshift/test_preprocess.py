"""Preprocess: astropy cut-outs (FITS + WCS), edge skipping, bins, and the photo-z metrics."""

from __future__ import annotations

import numpy as np
import pytest
from forgelab.examples.redshift import cutouts, metrics


@pytest.fixture(scope="module")
def downloaded(tmp_path_factory, sky_server, operations):
    table = operations.casjobs_query(casjobs_url=sky_server.casjobs_url, limit=75)
    kept, report = operations.download_fits(
        table, sas_url=sky_server.sas_url, directory=str(tmp_path_factory.mktemp("frames"))
    )
    assert report["failed"] == []
    return kept


def test_cutouts_off_a_frame_edge_are_skipped_and_counted_never_padded(
    downloaded, sky, operations, capsys
):
    cubes, labels, redshifts, magnitudes = operations.preprocess(downloaded)
    truth = sky.catalogue.set_index("objID").loc[downloaded["objID"]]
    near_edge = truth["near_edge"].to_numpy()
    assert near_edge.sum() > 0, "the fixture sky must have galaxies near an edge"
    assert cubes.shape == (len(downloaded) - near_edge.sum(), 64, 64, 5)
    assert np.isfinite(cubes).all()
    assert redshifts == pytest.approx(truth["z"].to_numpy()[~near_edge])
    output = capsys.readouterr().out
    assert f"skipped {near_edge.sum()} of {len(downloaded)} galaxies" in output
    assert "falls off the" in output
    assert labels.dtype == np.int64 and labels.min() >= 0 and labels.max() < 32
    assert (labels == np.floor(redshifts / 0.4 * 32)).all()
    # The galaxy sits at the centre of its cube in every band (the WCS of each band is used).
    centre = cubes[:, 28:36, 28:36, :].mean(axis=(1, 2))
    border = cubes[:, :4, :4, :].mean(axis=(1, 2))
    assert (np.median(centre - border, axis=0) > 0).all()
    # Aperture magnitudes follow the catalogue's (r band, bright galaxies).
    r_true = truth["r"].to_numpy()[~near_edge]
    assert np.corrcoef(magnitudes[:, 2], r_true)[0, 1] > 0.8


def test_cut_reports_why_a_galaxy_was_skipped(downloaded):
    row = downloaded.iloc[0]
    paths = [[row[f"frame_{b}"] for b in "ugriz"]] * 2
    # The second position is far outside the frame.
    result = cutouts.cut([row["ra"], row["ra"] + 1.0], [row["dec"], row["dec"]], paths)
    assert result.kept.tolist() == [0]
    assert "falls off the u frame" in result.skipped[1]
    with pytest.raises(ValueError, match="one entry per galaxy"):
        cutouts.cut([1.0], [1.0, 2.0], paths)
    with pytest.raises(ValueError, match="expected 5 frames"):
        cutouts.cut([row["ra"]], [row["dec"]], [paths[0][:3]])


def test_preprocess_with_no_usable_galaxy_says_why(downloaded, operations):
    shifted = downloaded.head(3).assign(ra=downloaded["ra"].head(3) + 1.0)
    with pytest.raises(ValueError, match="none of the 3 galaxies has a complete 64x64 cut-out"):
        operations.preprocess(shifted)
    with pytest.raises(ValueError, match="none of the 0 galaxies"):
        operations.preprocess(downloaded.head(0))


def test_scores_are_the_usual_photo_z_metrics():
    z = np.array([0.1, 0.2, 0.3, 0.1])
    predicted = np.array([0.1, 0.2, 0.3, 0.3])
    result = metrics.scores(z, predicted)
    assert result["sigma_nmad"] == pytest.approx(0.0)
    assert result["outlier_fraction"] == pytest.approx(0.25)
    assert result["bias"] == pytest.approx(0.2 / 1.1 / 4)
    with pytest.raises(ValueError, match="same non-zero length"):
        metrics.scores([], [])


def test_bins_and_expected_redshift():
    assert metrics.to_bins(np.array([0.0, 0.0124, 0.0126, 0.3999])).tolist() == [0, 0, 1, 31]
    with pytest.raises(ValueError, match=r"1 redshift\(s\) outside \[0, 0.4\)"):
        metrics.to_bins(np.array([0.1, 0.45]))
    one_hot = np.eye(32)[[0, 31]]
    assert metrics.expected_z(one_hot) == pytest.approx([0.00625, 0.39375])
