"""``forgelab executions``: list the executions kept in the store."""

from __future__ import annotations

import argparse
import json

from ._common import add_owner_argument, add_store_argument, open_store, owner

NAME = "executions"
HELP = "List executions (newest first) with their job states."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--status", help="only executions in this state")
    parser.add_argument("--pipeline", help="only executions of this pipeline path")
    parser.add_argument("--json", action="store_true", help="print JSON")
    add_store_argument(parser)
    add_owner_argument(parser)


def run(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        executions = store.list_executions(
            pipeline=args.pipeline, status=args.status, owner=owner(args)
        )
    finally:
        store.close()
    if args.json:
        print(json.dumps({"executions": executions}, indent=2))
        return 0
    for e in executions:
        counts: dict[str, int] = {}
        for job in e["jobs"]:
            counts[job["status"]] = counts.get(job["status"], 0) + 1
        jobs = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        print(
            f"{e['id']}  {e['status']:<11} {e.get('createdAt', '')}  "
            f"{e.get('name') or ''}  ({jobs})"
        )
    return 0
