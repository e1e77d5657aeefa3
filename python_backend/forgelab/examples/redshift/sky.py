"""A deterministic synthetic SDSS sky: galaxies with known redshifts and their ugriz frames.

Nothing here reaches SDSS. :class:`Sky` stands in for it with the same shapes of data:

- a catalogue (:meth:`Sky.catalogue`) of galaxies (``type`` 3) with spectroscopic redshifts in
  (0, 0.4) and a few quasars (``type`` 6, z > 0.5) that a redshift query must leave out, each
  with ``objID``, ``ra``/``dec``, ``run``/``rerun``/``camcol``/``field`` and ugriz magnitudes;
- per field, five frames (:meth:`Sky.frame_path`) written as the SAS layout
  ``dr17/eboss/photoObj/frames/301/{run}/{camcol}/frame-{band}-{run:06d}-{camcol}-{field:04d}.fits.bz2``:
  bz2-compressed FITS, float32 nanomaggies, a TAN WCS (each band slightly offset, as on the
  real camera), ``CHECKSUM``/``DATASUM`` cards, Sérsic-profile galaxies blurred by a Gaussian
  PSF, plus noise.

Colours redden and apparent sizes shrink with redshift (sizes from a flat ΛCDM angular scale), so
that a network can learn z from the images. Everything derives from ``seed``: the same seed gives
the same catalogue and byte-identical frames. Frames are rendered on first use and cached.
"""

from __future__ import annotations

import bz2
import io
import os
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

BANDS = ("u", "g", "r", "i", "z")
RERUN = 301
#: Frame size in pixels (rows, columns); real SDSS frames are 1489 × 2048.
FRAME_SHAPE = (400, 400)
PIXEL_SCALE = 0.396  # arcsec per pixel, as SDSS
OBJECTS_PER_FIELD = 25
#: Fraction of objects placed near a frame's edge, where a 64×64 cut-out does not fit.
EDGE_FRACTION = 0.05
#: Pixels kept free at the border for interior objects: half a 64-pixel cut-out plus offsets.
INTERIOR_MARGIN = 36
QSO_FRACTION = 0.04
Z_RANGE = (0.02, 0.395)
#: Per band: PSF FWHM (arcsec), per-pixel noise (nanomaggies), pixel offset of the band's frame.
PSF_FWHM = {"u": 1.5, "g": 1.4, "r": 1.3, "i": 1.25, "z": 1.3}
NOISE = {"u": 0.10, "g": 0.03, "r": 0.04, "i": 0.06, "z": 0.15}
BAND_OFFSET = {
    "u": (1.6, -0.8),
    "g": (0.7, 0.4),
    "r": (0.0, 0.0),
    "i": (-0.9, 0.5),
    "z": (-1.5, 1.1),
}
#: Frames keep values to this precision (nanomaggies); SDSS frames are lossily quantised too.
QUANTUM = 0.002
RUNS = (756, 1035, 1140, 1231, 1345)
SAS_PREFIX = "dr17/eboss/photoObj/frames"


def frame_name(band: str, run: int, camcol: int, field: int) -> str:
    """The SAS file name of one frame, e.g. ``frame-r-000756-1-0011.fits.bz2``."""
    return f"frame-{band}-{run:06d}-{camcol}-{field:04d}.fits.bz2"


def parse_frame_name(name: str) -> tuple[str, int, int, int]:
    """``(band, run, camcol, field)`` of a frame file name or SAS key."""
    stem = name.rsplit("/", 1)[-1].split(".", 1)[0]
    parts = stem.split("-")
    if len(parts) != 5 or parts[0] != "frame" or parts[1] not in BANDS:
        raise ValueError(f"{name!r} is not an SDSS frame name (frame-BAND-RUN-CAMCOL-FIELD)")
    return parts[1], int(parts[2]), int(parts[3]), int(parts[4])


def frame_key(band: str, run: int, camcol: int, field: int, rerun: int = RERUN) -> str:
    """The SAS path of one frame below the SAS root URL."""
    return f"{SAS_PREFIX}/{rerun}/{run}/{camcol}/{frame_name(band, run, camcol, field)}"


@dataclass(frozen=True)
class Field:
    """One imaging field: its SDSS identifiers and the sky position of its centre."""

    index: int
    run: int
    camcol: int
    field: int
    ra: float
    dec: float

    def key(self, band: str) -> str:
        return frame_key(band, self.run, self.camcol, self.field)


def _field(index: int) -> Field:
    run = RUNS[(index // 300) % len(RUNS)]
    camcol = 1 + (index // 50) % 6
    number = 11 + index % 50
    # Fields along a stripe; neighbours 0.05° apart so frames (0.044°) never overlap.
    ra = 140.0 + (index % 50) * 0.05
    dec = 5.0 + ((index // 50) % 6) * 0.3 + ((index // 300) % len(RUNS)) * 2.0
    return Field(index, run, camcol, number, ra, dec)


def wcs_header(field: Field, band: str) -> dict[str, object]:
    """FITS WCS cards of one band's frame: TAN projection centred on the field."""
    rows, cols = FRAME_SHAPE
    dx, dy = BAND_OFFSET[band]
    scale = PIXEL_SCALE / 3600.0
    return {
        "WCSAXES": 2,
        "CTYPE1": "RA---TAN",
        "CTYPE2": "DEC--TAN",
        "CUNIT1": "deg",
        "CUNIT2": "deg",
        "CRPIX1": (cols + 1) / 2.0 + dx,
        "CRPIX2": (rows + 1) / 2.0 + dy,
        "CRVAL1": field.ra,
        "CRVAL2": field.dec,
        "CD1_1": -scale,
        "CD1_2": 0.0,
        "CD2_1": 0.0,
        "CD2_2": scale,
        "RADESYS": "ICRS",
        "EQUINOX": 2000.0,
    }


def _sersic_b(n: np.ndarray | float) -> np.ndarray | float:
    return 2.0 * n - 1.0 / 3.0 + 0.009876 / n


def _render(
    x: float, y: float, flux: float, r_e: float, n: float, q: float, pa: float, sigma: float
) -> tuple[np.ndarray, int, int]:
    """A PSF-blurred Sérsic stamp of total ``flux`` and the frame pixel of its corner."""
    from scipy.ndimage import gaussian_filter

    half = 32
    x0, y0 = int(round(x)) - half, int(round(y)) - half
    yy, xx = np.mgrid[0 : 2 * half, 0 : 2 * half].astype(np.float64)
    dx, dy = xx + x0 - x, yy + y0 - y
    if r_e <= 0:  # a point source: the PSF itself, at its sub-pixel position
        stamp = np.exp(-(dx**2 + dy**2) / (2 * sigma**2))
    else:
        cos, sin = np.cos(pa), np.sin(pa)
        major = dx * cos + dy * sin
        minor = -dx * sin + dy * cos
        radius = np.sqrt(major**2 + (minor / q) ** 2)
        stamp = np.exp(-_sersic_b(n) * ((radius / r_e) ** (1.0 / n) - 1.0))
        stamp = gaussian_filter(stamp, sigma, mode="constant")
    stamp *= flux / stamp.sum()
    return stamp, x0, y0


class Sky:
    """The synthetic sky of ``galaxies`` galaxies (plus a few quasars), cached under ``root``.

    ``Sky(root, galaxies=12000, seed=8)``: :meth:`catalogue` is computed in memory (cheap);
    :meth:`frame_path` renders a field's five frames the first time one of them is asked for.
    """

    def __init__(self, root: str | os.PathLike[str], galaxies: int = 12000, seed: int = 8) -> None:
        if galaxies < 1:
            raise ValueError(f"a sky needs at least one galaxy, not {galaxies}")
        self.root = Path(root)
        self.galaxies = int(galaxies)
        self.seed = int(seed)
        self._locks: dict[int, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    # -- catalogue -----------------------------------------------------------------------
    @cached_property
    def catalogue(self) -> pd.DataFrame:
        """Every object: identifiers, position, field, type, true z, magnitudes and shape.

        ``colc``/``rowc`` are the r-band pixel position (as SDSS's PhotoObj columns).
        """
        from astropy.cosmology import FlatLambdaCDM
        from astropy.wcs import WCS

        rng = np.random.default_rng([self.seed, 0])
        n_qso = int(round(self.galaxies * QSO_FRACTION / (1 - QSO_FRACTION)))
        total = self.galaxies + n_qso
        is_qso = np.zeros(total, dtype=bool)
        is_qso[rng.choice(total, n_qso, replace=False)] = True

        # Redshifts skewed to low z, like a magnitude-limited spectroscopic sample.
        z = Z_RANGE[0] + (Z_RANGE[1] - Z_RANGE[0]) * rng.beta(2.0, 3.0, total)
        z[is_qso] = rng.uniform(0.6, 2.5, is_qso.sum())
        blue = rng.uniform(0, 1, total)  # 0: red elliptical, 1: blue star-forming
        r = 14.6 + 2.9 * np.log10(z / Z_RANGE[0]) + rng.normal(0, 0.35, total)
        r[is_qso] = rng.uniform(17.5, 19.0, is_qso.sum())
        r = np.clip(r, 13.5, 19.5)
        colours = np.stack(
            [
                1.75 - 0.60 * blue + 1.6 * z + rng.normal(0, 0.10, total),  # u - g
                0.75 - 0.35 * blue + 2.3 * z + rng.normal(0, 0.05, total),  # g - r
                0.38 - 0.12 * blue + 0.9 * z + rng.normal(0, 0.04, total),  # r - i
                0.28 - 0.06 * blue + 0.5 * z + rng.normal(0, 0.05, total),  # i - z
            ]
        )
        colours[:, is_qso] = np.array([[0.2], [0.2], [0.15], [0.1]]) + rng.normal(
            0, 0.1, (4, is_qso.sum())
        )
        g = r + colours[1]
        u = g + colours[0]
        i = r - colours[2]
        zmag = i - colours[3]

        cosmology = FlatLambdaCDM(H0=70, Om0=0.3)
        kpc_per_arcsec = cosmology.kpc_proper_per_arcmin(np.minimum(z, 2.5)).value / 60.0
        r_e_kpc = np.exp(rng.normal(np.log(4.0), 0.25, total)) * (1.0 + 0.3 * blue)
        r_e_px = np.clip(r_e_kpc / kpc_per_arcsec / PIXEL_SCALE, 0.8, 20.0)
        r_e_px[is_qso] = 0.0
        sersic = 4.0 - 3.0 * blue
        axis_ratio = rng.uniform(0.35, 1.0, total)
        angle = rng.uniform(0, np.pi, total)

        rows, cols = FRAME_SHAPE
        near_edge = rng.uniform(0, 1, total) < EDGE_FRACTION
        px = rng.uniform(INTERIOR_MARGIN, cols - 1 - INTERIOR_MARGIN, total)
        py = rng.uniform(INTERIOR_MARGIN, rows - 1 - INTERIOR_MARGIN, total)
        # Near the edge: within 20 pixels of one side, so a 64-pixel cut-out falls off the frame.
        side = rng.integers(0, 4, total)
        depth = rng.uniform(2, 20, total)
        px = np.where(near_edge & (side == 0), depth, px)
        px = np.where(near_edge & (side == 1), cols - 1 - depth, px)
        py = np.where(near_edge & (side == 2), depth, py)
        py = np.where(near_edge & (side == 3), rows - 1 - depth, py)

        field_index = np.arange(total) // OBJECTS_PER_FIELD
        fields = [_field(k) for k in range(int(field_index.max()) + 1)]
        ra = np.empty(total)
        dec = np.empty(total)
        for f in fields:
            mine = field_index == f.index
            world = WCS(wcs_header(f, "r")).pixel_to_world_values(px[mine], py[mine])
            ra[mine], dec[mine] = world
        return pd.DataFrame(
            {
                "objID": 1237650000000000000 + np.arange(total, dtype=np.int64) * 7,
                "ra": ra,
                "dec": dec,
                "colc": px,
                "rowc": py,
                "run": [fields[k].run for k in field_index],
                "rerun": RERUN,
                "camcol": [fields[k].camcol for k in field_index],
                "field": [fields[k].field for k in field_index],
                "type": np.where(is_qso, 6, 3),
                "class": np.where(is_qso, "QSO", "GALAXY"),
                "z": z,
                "u": u,
                "g": g,
                "r": r,
                "i": i,
                "zmag": zmag,
                "r_e_px": r_e_px,
                "sersic_n": sersic,
                "axis_ratio": axis_ratio,
                "angle": angle,
                "field_index": field_index,
                "near_edge": near_edge,
            }
        )

    @property
    def fields(self) -> list[Field]:
        """Every field of the sky, in catalogue order."""
        count = int(self.catalogue["field_index"].max()) + 1
        return [_field(k) for k in range(count)]

    def find_field(self, run: int, camcol: int, field: int) -> Field | None:
        for candidate in self.fields:
            if (candidate.run, candidate.camcol, candidate.field) == (run, camcol, field):
                return candidate
        return None

    # -- frames --------------------------------------------------------------------------
    def frame_path(self, band: str, run: int, camcol: int, field: int) -> Path:
        """The cached ``.fits.bz2`` of one frame, rendered (with its field) if missing.

        Raises :class:`KeyError` for a band or field that is not in this sky.
        """
        if band not in BANDS:
            raise KeyError(f"no band {band!r}: SDSS frames are {', '.join(BANDS)}")
        found = self.find_field(run, camcol, field)
        if found is None:
            raise KeyError(f"no field run={run} camcol={camcol} field={field} in this sky")
        path = self.root / found.key(band)
        if not path.exists():
            with self._lock(found.index):
                if not path.exists():
                    self.render_field(found)
        return path

    def _lock(self, index: int) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(index, threading.Lock())

    def field_images(self, field: Field) -> dict[str, np.ndarray]:
        """The five float32 images of a field (nanomaggies), before compression."""
        objects = self.catalogue[self.catalogue["field_index"] == field.index]
        images: dict[str, np.ndarray] = {}
        for b, band in enumerate(BANDS):
            rng = np.random.default_rng([self.seed, 1, field.index, b])
            image = rng.normal(0.0, NOISE[band], FRAME_SHAPE)
            dx, dy = BAND_OFFSET[band]
            sigma = PSF_FWHM[band] / 2.3548 / PIXEL_SCALE
            magnitudes = objects["zmag" if band == "z" else band].to_numpy()
            for row, mag in zip(objects.itertuples(index=False), magnitudes, strict=True):
                flux = 10 ** (-0.4 * (mag - 22.5))
                # Position in this band's pixels: the r-band pixel plus the band's offset.
                x, y = row.colc + dx, row.rowc + dy
                stamp, x0, y0 = _render(
                    x, y, flux, row.r_e_px, row.sersic_n, row.axis_ratio, row.angle, sigma
                )
                _add(image, stamp, x0, y0)
            images[band] = (np.round(image / QUANTUM) * QUANTUM).astype(np.float32)
        return images

    def render_field(self, field: Field) -> None:
        """Write the five frames of ``field`` (each atomically: temporary name, then rename)."""
        from astropy.io import fits

        for band, image in self.field_images(field).items():
            header = fits.Header()
            for key, value in wcs_header(field, band).items():
                header[key] = value
            header["BUNIT"] = "nanomaggy"
            header["FILTER"] = band
            header["RUN"] = field.run
            header["RERUN"] = str(RERUN)
            header["CAMCOL"] = field.camcol
            header["FIELD"] = field.field
            header["ORIGIN"] = "ForgeLab synthetic sky (not SDSS data)"
            buffer = io.BytesIO()
            hdu = fits.PrimaryHDU(image, header)
            # A fixed comment: astropy's default one holds the time, and frames must be
            # byte-identical for the same seed.
            hdu.add_checksum(when=f"synthetic sky, seed {self.seed}")
            hdu.writeto(buffer)
            path = self.root / field.key(band)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_bytes(bz2.compress(buffer.getvalue(), 9))
            os.replace(tmp, path)


def _add(image: np.ndarray, stamp: np.ndarray, x0: int, y0: int) -> None:
    """Add ``stamp`` into ``image`` at column ``x0``, row ``y0``, clipped to the image."""
    rows, cols = image.shape
    h, w = stamp.shape
    top, left = max(0, y0), max(0, x0)
    bottom, right = min(rows, y0 + h), min(cols, x0 + w)
    if top >= bottom or left >= right:
        return
    image[top:bottom, left:right] += stamp[top - y0 : bottom - y0, left - x0 : right - x0]
