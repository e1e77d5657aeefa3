"""Download SDSS frames from a Science Archive Server (SAS) URL layout: parallel, retried,
resumable, each file verified before it is used.

A field's five frames are shared by every galaxy in that field, so each file is fetched once.
A file is first written as ``<name>.part``; an interrupted download continues from there with an
HTTP ``Range`` request, and the file gets its final name only once it decompresses (bz2 checks
its CRCs), parses as FITS with a 2-D image of the size its header announces, and matches its
``CHECKSUM``/``DATASUM`` cards when it has them. Files already present and valid are reused.
"""

from __future__ import annotations

import bz2
import io
import os
import time
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

from .sky import BANDS, frame_key

#: The real SDSS Science Archive Server.
DEFAULT_SAS_URL = "https://data.sdss.org/sas/"


class FrameError(OSError):
    """A frame could not be downloaded or is not a valid FITS frame."""


@dataclass
class Failure:
    """A frame that could not be had after every try, and the galaxies that need it."""

    key: str
    error: str
    tries: int
    objids: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        affected = ", ".join(str(o) for o in self.objids[:10])
        more = f" and {len(self.objids) - 10} more" if len(self.objids) > 10 else ""
        return (
            f"{self.key.rsplit('/', 1)[-1]}: {self.error} after {self.tries} tries; "
            f"skipping galaxies {affected}{more}"
        )


@dataclass
class DownloadReport:
    """What :func:`download_frames` did: local paths by SAS key, counts, and failures."""

    paths: dict[str, Path] = field(default_factory=dict)
    downloaded: int = 0
    reused: int = 0
    failures: list[Failure] = field(default_factory=list)


def verify(path: str | os.PathLike[str]) -> None:
    """Check a ``.fits.bz2`` frame; raise :class:`FrameError` saying what is wrong."""
    from astropy.io import fits
    from astropy.utils.exceptions import AstropyUserWarning

    name = Path(path).name
    try:
        raw = bz2.decompress(Path(path).read_bytes())
    except (OSError, ValueError, EOFError) as error:
        raise FrameError(f"{name} is not a complete bz2 file ({error})") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", AstropyUserWarning)
            with fits.open(io.BytesIO(raw), checksum=True) as hdus:
                data = hdus[0].data
                shape = (hdus[0].header.get("NAXIS2"), hdus[0].header.get("NAXIS1"))
    except AstropyUserWarning as warning:
        raise FrameError(f"{name} fails its FITS checksum ({warning})") from None
    except (OSError, ValueError, TypeError) as error:
        raise FrameError(f"{name} is not a valid FITS file ({error})") from None
    if data is None or data.ndim != 2 or data.shape != shape:
        raise FrameError(f"{name} holds no 2-D image of the size its header announces {shape}")


def frame_keys(rows: Iterable[tuple[int, int, int, int]]) -> list[str]:
    """The SAS keys of the five frames of each distinct (run, rerun, camcol, field)."""
    keys: list[str] = []
    for run, rerun, camcol, number in sorted(set(rows)):
        keys.extend(frame_key(b, run, camcol, number, rerun) for b in BANDS)
    return keys


def _fetch(url: str, target: Path, session: requests.Session, timeout: float) -> None:
    """One download attempt into ``target.part``, continuing a previous partial one."""
    part = target.with_name(target.name + ".part")
    offset = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    with session.get(url, headers=headers, stream=True, timeout=timeout) as response:
        if response.status_code == 416:  # the part is already complete
            pass
        elif response.status_code not in (200, 206):
            raise FrameError(f"HTTP {response.status_code} {response.reason} for {url}")
        else:
            mode = "ab" if response.status_code == 206 else "wb"
            with open(part, mode) as out:
                for chunk in response.iter_content(1 << 16):
                    out.write(chunk)
    try:
        verify(part)
    except FrameError:
        part.unlink(missing_ok=True)  # a corrupt part cannot be continued: start over next time
        raise
    os.replace(part, target)


def download_frames(
    keys: Iterable[str],
    base_url: str,
    directory: str | os.PathLike[str],
    *,
    workers: int = 4,
    retries: int = 3,
    timeout: float = 60.0,
    backoff: float = 0.2,
    log: Callable[[str], None] = print,
) -> DownloadReport:
    """Fetch each SAS ``key`` below ``base_url`` into ``directory`` (same relative layout).

    Each file gets up to ``retries`` tries, ``backoff`` × 2ⁿ seconds apart; the ones that still
    fail are listed in the report and the others go on.
    """
    if workers < 1 or retries < 1:
        raise ValueError(f"workers and retries must be at least 1 (got {workers}, {retries})")
    root = Path(directory)
    base = base_url if base_url.endswith("/") else base_url + "/"
    report = DownloadReport()
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=workers))
    session.mount("https://", requests.adapters.HTTPAdapter(pool_maxsize=workers))

    def one(key: str) -> tuple[str, Path | None, bool, str, int]:
        target = root / key
        if target.exists():
            try:
                verify(target)
                return key, target, False, "", 0
            except FrameError:
                target.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        error = ""
        for attempt in range(1, retries + 1):
            try:
                _fetch(base + key, target, session, timeout)
                return key, target, True, "", attempt
            except (FrameError, requests.RequestException, OSError) as failure:
                error = str(failure)
                log(f"{target.name}: try {attempt}/{retries} failed: {error}")
                if attempt < retries:
                    time.sleep(backoff * 2 ** (attempt - 1))
        return key, None, False, error, retries

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for key, path, fetched, error, tries in pool.map(one, list(dict.fromkeys(keys))):
            if path is None:
                report.failures.append(Failure(key, error, tries))
            else:
                report.paths[key] = path
                report.downloaded += fetched
                report.reused += not fetched
    return report
