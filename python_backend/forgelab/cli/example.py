"""``forgelab example redshift --offline``: serve the synthetic sky for the photo-z example."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from . import UsageError

NAME = "example"
HELP = "Run the local services of a worked example (redshift: CasJobs + SDSS SAS, offline)."

DEFAULT_ROOT = "~/.cache/forgelab/redshift-sky"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", choices=["redshift"], help="the example")
    parser.add_argument(
        "--offline",
        action="store_true",
        help="serve a synthetic sky on 127.0.0.1 instead of using SDSS's services",
    )
    parser.add_argument("--galaxies", type=int, default=12000, help="galaxies in the sky")
    parser.add_argument("--seed", type=int, default=8, help="seed of the sky (same seed, same sky)")
    parser.add_argument(
        "--root", default=DEFAULT_ROOT, help=f"cache folder (default {DEFAULT_ROOT})"
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: free)")
    parser.add_argument("--json", action="store_true", help="print the settings as one JSON line")


def settings(casjobs_url: str, sas_url: str, frames: str) -> dict[str, object]:
    """The ``forgelab run`` overrides that point the example at the given services."""
    overrides = {
        "query.casjobs_url": casjobs_url,
        "download.sas_url": sas_url,
        "download.directory": frames,
    }
    command = "forgelab run examples/redshift/train.pipeline.json " + " ".join(
        f"--set {key}={value}" for key, value in overrides.items()
    )
    from ..examples.redshift.offline import environment

    return {
        "casjobs_url": casjobs_url,
        "sas_url": sas_url,
        "set": overrides,
        "command": command,
        "environment": environment(casjobs_url, sas_url, frames),
    }


def run(args: argparse.Namespace) -> int:
    from ..examples.redshift.frames import DEFAULT_SAS_URL
    from ..sciserver.casjobs import DEFAULT_CASJOBS_URL

    if not args.offline:
        print(
            "The redshift example uses SDSS's services by default:\n"
            f"  CasJobs: {DEFAULT_CASJOBS_URL}\n"
            "           (token: $SCISERVER_TOKEN or SciServer Compute's token file)\n"
            f"  SAS:     {DEFAULT_SAS_URL}\n"
            "Run: forgelab run examples/redshift/train.pipeline.json\n"
            "Add --offline to serve a synthetic sky on 127.0.0.1 instead."
        )
        return 0
    if args.galaxies < 1:
        raise UsageError(f"--galaxies must be at least 1, not {args.galaxies}")
    from ..examples.redshift.offline import locations
    from ..examples.redshift.sky import Sky
    from ..examples.redshift.sky_server import SkyServer

    sky_dir, frames = locations(args.root, args.galaxies, args.seed)
    sky = Sky(sky_dir, args.galaxies, args.seed)
    server = SkyServer(sky, port=args.port).start()
    found = settings(server.casjobs_url, server.sas_url, str(frames))
    if args.json:
        print(json.dumps(found), flush=True)
    else:
        print(
            f"Synthetic sky of {args.galaxies} galaxies (seed {args.seed}), NOT SDSS data, "
            f"cached in {sky.root}\n"
            f"  CasJobs REST: {found['casjobs_url']}\n"
            f"  SAS files:    {found['sas_url']}\n"
            f"Run the example with:\n  {found['command']}\n"
            "or set these variables (for forgelab run, or before starting JupyterLab for "
            "explore.ipynb with OFFLINE = False):\n"
            + "".join(f"  export {k}={v}\n" for k, v in found["environment"].items())
            + "Ctrl-C stops the servers.",
            flush=True,
        )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    server.stop()
    print("stopped", file=sys.stderr)
    return 0
