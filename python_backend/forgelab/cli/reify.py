"""``forgelab reify NOTEBOOK --target NAME``: a notebook's value as a checked pipeline."""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from pathlib import Path
from typing import Any

from . import UsageError
from ._recorded import check_paths, print_constants, print_verdict, recorded_run, write_pipeline

NAME = "reify"
HELP = (
    "Run a notebook headless with provenance recording, turn the history of one variable into "
    "a pipeline file, and (--run) check that the pipeline reproduces the notebook's value."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("notebook", help="a *.ipynb file (run in its own folder)")
    parser.add_argument("--target", metavar="NAME", help="the variable to reify")
    parser.add_argument(
        "--cell",
        type=int,
        metavar="N",
        help="instead of --target: reify the output (last expression or figure) of code cell N",
    )
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="pipeline file (default: NOTEBOOK-NAME.pipeline.json)"
    )
    parser.add_argument(
        "--run",
        dest="check",
        action="store_true",
        help="run the pipeline and compare with the notebook's value",
    )
    parser.add_argument(
        "--lift-constants",
        action="store_true",
        help="make top-level `x = <literal>` assignments operation attributes",
    )
    parser.add_argument(
        "--allow-network",
        action="store_true",
        help="keep cells that get data from the network as operations that fetch it again",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary")


def run_and_reify(
    notebook: str | Path,
    target: str,
    *,
    output: str | Path | None = None,
    run: bool = False,
    lift_constants: bool = False,
    workdir: str | Path | None = None,
    allow_network: bool = False,
) -> dict[str, Any]:
    """Execute, reify and optionally check; returns the summary the command prints.

    The summary has ``pipeline`` (path), ``operations``, ``records``, and with ``run``:
    ``outcome`` ("reproduced", "differs" or "cannot compare"), ``detail`` (where and how, or
    why; None when reproduced), ``reproduced`` (bool) and ``execution``.
    """
    from ..provenance import reify

    path = Path(notebook).resolve()
    out = Path(output) if output else path.with_name(f"{path.stem}-{target}.pipeline.json")
    check_paths(notebook, out)

    def keep(_results: list[Any], _records: list[dict[str, Any]]) -> str | None:
        return target if run else None

    with recorded_run(path, workdir=workdir, keep=keep) as recorded:
        doc = reify.reify(
            recorded.records, target, lift_constants=lift_constants, allow_network=allow_network
        )
        failed = [(i, r) for i, r in enumerate(recorded.results) if r.status != "ok"]
        summary: dict[str, Any] = {
            **write_pipeline(doc, out),
            "target": target,
            "failedCells": [f"cell {i + 1}: {r.error}" for i, r in failed],
        }
        if run:
            if recorded.saved.get("missing"):
                raise UsageError(f"{target!r} is not defined at the end of {notebook}")
            summary.update(recorded.check(doc, target))
    return summary


def print_target(summary: dict[str, Any]) -> None:
    """Say what ``run_and_reify`` wrote (and reproduced)."""
    print(
        f"wrote {summary['pipeline']}: {len(summary['operations'])} operation(s) from "
        f"{len(summary['records'])} recorded cell(s)"
    )
    if "outcome" in summary:
        print_verdict(summary)


def run(args: argparse.Namespace) -> int:
    from ..provenance.errors import ReifyError
    from ..provenance.reproduce import ReproductionError

    if (args.target is None) == (args.cell is None):
        raise UsageError("give either --target NAME (a variable) or --cell N (a cell's output)")
    options = {
        "output": args.output,
        "run": args.check,
        "lift_constants": args.lift_constants,
        "allow_network": args.allow_network,
    }
    if args.cell is not None:
        from .reify_cell import print_cell, run_and_reify_cell

        what, show = f"cell {args.cell}", print_cell
        make = partial(run_and_reify_cell, args.notebook, args.cell, **options)
    else:
        what, show = repr(args.target), print_target
        make = partial(run_and_reify, args.notebook, args.target, **options)
    try:
        summary = make()
    except ReifyError as error:
        if args.json:
            print(json.dumps({"error": "ReifyError", "message": str(error)}, indent=2))
        print(f"forgelab reify: cannot reify {what}: {error}", file=sys.stderr)
        return 1
    except ReproductionError as error:
        print(f"forgelab reify: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        show(summary)
        print_constants(summary)
    return 0 if summary.get("reproduced", True) else 1
