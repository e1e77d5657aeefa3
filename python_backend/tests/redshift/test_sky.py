"""The synthetic sky: deterministic, valid FITS + WCS frames, and redshift trends to learn."""

from __future__ import annotations

import bz2
import io

import numpy as np
import pytest
from astropy.io import fits
from astropy.wcs import WCS
from forgelab.examples.redshift import frames
from forgelab.examples.redshift.sky import (
    BAND_OFFSET,
    BANDS,
    FRAME_SHAPE,
    Sky,
    frame_key,
    parse_frame_name,
)


def _first_field(sky: Sky) -> tuple[int, int, int]:
    f = sky.fields[0]
    return f.run, f.camcol, f.field


def test_same_seed_gives_the_same_catalogue_and_identical_frames(tmp_path, sky):
    again = Sky(tmp_path, galaxies=sky.galaxies, seed=sky.seed)
    assert again.catalogue.equals(sky.catalogue)
    run, camcol, field = _first_field(sky)
    assert (
        again.frame_path("g", run, camcol, field).read_bytes()
        == sky.frame_path("g", run, camcol, field).read_bytes()
    )
    other = Sky(tmp_path / "other", galaxies=sky.galaxies, seed=sky.seed + 1)
    assert not np.allclose(other.catalogue["z"], sky.catalogue["z"])


def test_frames_are_laid_out_as_the_sas_and_valid_fits_with_wcs(sky):
    run, camcol, field = _first_field(sky)
    objects = sky.catalogue[sky.catalogue["field_index"] == 0]
    for band in BANDS:
        path = sky.frame_path(band, run, camcol, field)
        assert path.relative_to(sky.root).as_posix() == frame_key(band, run, camcol, field)
        assert path.name == f"frame-{band}-{run:06d}-{camcol}-{field:04d}.fits.bz2"
        assert parse_frame_name(path.name) == (band, run, camcol, field)
        frames.verify(path)  # bz2 CRC, FITS structure, CHECKSUM/DATASUM
        with fits.open(io.BytesIO(bz2.decompress(path.read_bytes())), checksum=True) as hdus:
            header, data = hdus[0].header, hdus[0].data
        assert data.shape == FRAME_SHAPE and data.dtype.kind == "f" and data.dtype.itemsize == 4
        assert header["FILTER"] == band and header["BUNIT"] == "nanomaggy"
        wcs = WCS(header)
        assert wcs.has_celestial and wcs.wcs.ctype[0] == "RA---TAN"
        # The catalogue's RA/Dec land on the object's pixel in every band, offset included.
        x, y = wcs.world_to_pixel_values(objects["ra"].to_numpy(), objects["dec"].to_numpy())
        dx, dy = BAND_OFFSET[band]
        assert np.allclose(x, objects["colc"] + dx, atol=0.01)
        assert np.allclose(y, objects["rowc"] + dy, atol=0.01)


def test_galaxies_are_brighter_than_the_noise_where_the_catalogue_puts_them(sky):
    run, camcol, field = _first_field(sky)
    path = sky.frame_path("r", run, camcol, field)
    with fits.open(io.BytesIO(bz2.decompress(path.read_bytes()))) as hdus:
        data = hdus[0].data
    objects = sky.catalogue[(sky.catalogue["field_index"] == 0) & ~sky.catalogue["near_edge"]]
    peaks = [data[int(round(r.rowc)), int(round(r.colc))] for r in objects.itertuples()]
    assert np.median(peaks) > 5 * np.std(data[:8, :])


def test_colours_redden_and_sizes_shrink_with_redshift(tmp_path):
    cat = Sky(tmp_path, galaxies=2000, seed=1).catalogue
    galaxies = cat[cat["type"] == 3]
    assert galaxies["z"].between(0, 0.4, inclusive="neither").all()
    assert np.corrcoef(galaxies["g"] - galaxies["r"], galaxies["z"])[0, 1] > 0.8
    assert np.corrcoef(np.log(galaxies["r_e_px"]), np.log(galaxies["z"]))[0, 1] < -0.8
    quasars = cat[cat["type"] == 6]
    assert len(quasars) > 0 and (quasars["z"] > 0.5).all()
    assert 0.02 < cat["near_edge"].mean() < 0.1


def test_unknown_band_or_field_is_refused_with_what_exists(sky):
    run, camcol, field = _first_field(sky)
    with pytest.raises(KeyError, match="no band 'y': SDSS frames are u, g, r, i, z"):
        sky.frame_path("y", run, camcol, field)
    with pytest.raises(KeyError, match="no field run=1 camcol=1 field=1"):
        sky.frame_path("r", 1, 1, 1)
    with pytest.raises(ValueError, match="not an SDSS frame name"):
        parse_frame_name("image-r-000756-1-0011.fits.bz2")
    with pytest.raises(ValueError, match="at least one galaxy"):
        Sky("unused", galaxies=0)
