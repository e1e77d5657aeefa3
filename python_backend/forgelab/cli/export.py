"""``forgelab export P -o DIR|X.zip``: a pipeline as a standalone folder or zip (plain Python)."""

from __future__ import annotations

import argparse
import sys

from ..executions.export import ExportError, export
from ..executions.pipeline import PipelineError

NAME = "export"
HELP = "Export a pipeline as a folder or zip that runs with `python main.py`, no server needed."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pipeline", help="the *.pipeline.json file")
    parser.add_argument(
        "-o", "--output", required=True, help="a new folder, or a file name ending in .zip"
    )


def run(args: argparse.Namespace) -> int:
    try:
        written = export(args.pipeline, args.output)
    except (ExportError, PipelineError) as error:
        print(f"forgelab: {error}", file=sys.stderr)
        return 2
    print(f"exported {args.pipeline} to {written}; run it with `python main.py` there")
    return 0
