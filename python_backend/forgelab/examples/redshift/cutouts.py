"""Cut-outs around galaxies from SDSS frames with astropy (FITS + WCS).

Each band's frame has its own WCS, so a galaxy's RA/Dec is converted to pixels per band; the
five ``size``×``size`` cut-outs are stacked into a ``size``×``size``×5 cube (ugriz order). A
cut-out that does not fit entirely inside a frame is skipped and counted, never padded.
"""

from __future__ import annotations

import bz2
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .sky import BANDS

#: Radius (pixels) of the circular aperture used to measure magnitudes from a cut-out.
APERTURE_RADIUS = 10.0


@dataclass
class Cutouts:
    """Cubes (N, size, size, 5) float32 of the galaxies kept, their row positions in the
    input, their aperture magnitudes (N, 5), and the skipped galaxies with the reason."""

    cubes: np.ndarray
    kept: np.ndarray
    magnitudes: np.ndarray
    skipped: dict[int, str] = field(default_factory=dict)


def read_frame(path: str | os.PathLike[str]) -> tuple[np.ndarray, object]:
    """The image (float32) and :class:`astropy.wcs.WCS` of a ``.fits`` or ``.fits.bz2`` frame."""
    from astropy.io import fits
    from astropy.wcs import WCS

    raw = open(path, "rb").read()  # noqa: SIM115 - read whole, then close
    if str(path).endswith(".bz2"):
        raw = bz2.decompress(raw)
    with fits.open(io.BytesIO(raw)) as hdus:
        return np.asarray(hdus[0].data, dtype=np.float32), WCS(hdus[0].header)


def aperture_magnitudes(cubes: np.ndarray, radius: float = APERTURE_RADIUS) -> np.ndarray:
    """ugriz magnitudes (nanomaggy zero point 22.5) in a circle at the centre of each cube."""
    size = cubes.shape[1]
    yy, xx = np.mgrid[0:size, 0:size]
    centre = (size - 1) / 2.0
    mask = ((xx - centre) ** 2 + (yy - centre) ** 2) <= radius**2
    flux = (cubes * mask[None, :, :, None]).sum(axis=(1, 2))
    # A floor keeps faint or negative-flux measurements finite (they are upper limits).
    return (22.5 - 2.5 * np.log10(np.maximum(flux, 0.05))).astype(np.float32)


def cut(
    ra: Sequence[float],
    dec: Sequence[float],
    frames: Sequence[Sequence[str]],
    size: int = 64,
) -> Cutouts:
    """Cut ``size``×``size`` stamps at (ra[k], dec[k]) from the five frames ``frames[k]``.

    ``frames[k]`` lists the local ugriz frame paths of galaxy k; frames shared by several
    galaxies are read once.
    """
    from astropy.nddata import Cutout2D
    from astropy.nddata.utils import NoOverlapError, PartialOverlapError

    if len(ra) != len(dec) or len(ra) != len(frames):
        raise ValueError(
            f"ra, dec and frames must have one entry per galaxy ({len(ra)}, {len(dec)}, "
            f"{len(frames)})"
        )
    cache: dict[str, tuple[np.ndarray, object]] = {}
    cubes: list[np.ndarray] = []
    kept: list[int] = []
    skipped: dict[int, str] = {}
    order = sorted(range(len(ra)), key=lambda k: tuple(frames[k]))  # one field at a time
    for k in order:
        paths = list(frames[k])
        if len(paths) != len(BANDS):
            raise ValueError(f"galaxy {k}: expected {len(BANDS)} frames (ugriz), got {len(paths)}")
        if any(p not in cache for p in paths):
            cache.clear()  # galaxies come field by field: the previous field is done
        planes = []
        for band, path in zip(BANDS, paths, strict=True):
            if path not in cache:
                cache[path] = read_frame(path)
            image, wcs = cache[path]
            x, y = wcs.world_to_pixel_values(ra[k], dec[k])  # type: ignore[attr-defined]
            try:
                planes.append(Cutout2D(image, (float(x), float(y)), size, mode="strict").data)
            except (NoOverlapError, PartialOverlapError):
                skipped[k] = (
                    f"the {size}×{size} cut-out at pixel ({float(x):.1f}, {float(y):.1f}) "
                    f"falls off the {band} frame ({image.shape[1]}×{image.shape[0]})"
                )
                break
        else:
            cubes.append(np.stack(planes, axis=-1))
            kept.append(k)
    order_kept = np.argsort(kept)
    stacked = (
        np.stack(cubes)[order_kept].astype(np.float32)
        if cubes
        else np.zeros((0, size, size, len(BANDS)), np.float32)
    )
    return Cutouts(
        cubes=stacked,
        kept=np.asarray(kept, dtype=np.int64)[order_kept],
        magnitudes=aperture_magnitudes(stacked) if len(stacked) else np.zeros((0, 5), np.float32),
        skipped=skipped,
    )
