"""The offline sky as configuration: serve it, and point the operations at it through the
environment, so that code which uses the example needs no URLs of its own.

The operations of ``examples/redshift/operations.py`` read ``$REDSHIFT_CASJOBS_URL``,
``$REDSHIFT_SAS_URL`` and ``$REDSHIFT_FRAMES`` when their ``casjobs_url``, ``sas_url`` and
``directory`` attributes are left empty. :func:`serve` starts a :class:`SkyServer` and sets
those variables in this process (for a notebook's kernel, and for the jobs it starts);
``forgelab example redshift --offline`` prints them for a shell.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .sky import Sky
from .sky_server import SkyServer

#: Where skies and their downloaded frames are cached, unless ``$REDSHIFT_SKY`` says otherwise.
DEFAULT_ROOT = "~/.cache/forgelab/redshift-sky"
DEFAULT_GALAXIES = 12000
DEFAULT_SEED = 8


def locations(root: str | os.PathLike[str], galaxies: int, seed: int) -> tuple[Path, Path]:
    """The folder of the sky ``(galaxies, seed)`` under ``root``, and of the frames downloaded
    from it (one per sky: two skies share field names but not pixels)."""
    base = Path(os.path.expanduser(os.fspath(root)))
    return base / f"sky-{seed}-{galaxies}", base / f"downloads-{seed}-{galaxies}"


def environment(casjobs_url: str, sas_url: str, frames: str | os.PathLike[str]) -> dict[str, str]:
    """The variables that point the operations at the given services and frame folder."""
    return {
        "REDSHIFT_CASJOBS_URL": casjobs_url,
        "REDSHIFT_SAS_URL": sas_url,
        "REDSHIFT_FRAMES": os.fspath(frames),
    }


@dataclass
class OfflineSky:
    """A served synthetic sky and the environment that points the operations at it."""

    server: SkyServer
    frames: Path
    variables: dict[str, str] = field(default_factory=dict)
    _saved: dict[str, str | None] = field(default_factory=dict, repr=False)

    def stop(self) -> None:
        """Stop the servers and restore the variables :func:`serve` set."""
        self.server.stop()
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved.clear()

    def __str__(self) -> str:
        sky = self.server.sky
        lines = [
            f"Synthetic sky of {sky.galaxies} galaxies (seed {sky.seed}), NOT SDSS data",
            *(f"  {key}={value}" for key, value in self.variables.items()),
        ]
        return "\n".join(lines)


def serve(
    root: str | os.PathLike[str] | None = None,
    galaxies: int | None = None,
    seed: int = DEFAULT_SEED,
    port: int = 0,
) -> OfflineSky:
    """Serve a synthetic sky on 127.0.0.1 and set ``$REDSHIFT_*`` in this process to use it.

    ``root`` defaults to ``$REDSHIFT_SKY``, else ``~/.cache/forgelab/redshift-sky``; ``galaxies``
    to ``$REDSHIFT_SKY_GALAXIES``, else 12,000 (the sky of ``forgelab example redshift
    --offline``, so both share their cache).
    """
    root = root or os.environ.get("REDSHIFT_SKY") or DEFAULT_ROOT
    if galaxies is None:
        text = os.environ.get("REDSHIFT_SKY_GALAXIES") or str(DEFAULT_GALAXIES)
        try:
            galaxies = int(text)
        except ValueError:
            raise ValueError(
                f"$REDSHIFT_SKY_GALAXIES must be a whole number, not {text!r}"
            ) from None
    if galaxies < 1:
        raise ValueError(f"the sky needs at least 1 galaxy, not {galaxies}")
    sky_dir, frames = locations(root, galaxies, seed)
    server = SkyServer(Sky(sky_dir, galaxies, seed), port=port).start()
    variables = environment(server.casjobs_url, server.sas_url, frames)
    saved = {key: os.environ.get(key) for key in variables}
    os.environ.update(variables)
    return OfflineSky(server, frames, variables, saved)
