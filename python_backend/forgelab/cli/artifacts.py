"""``forgelab artifacts``: list the artifacts kept in the store."""

from __future__ import annotations

import argparse
import json

from ._common import add_owner_argument, add_store_argument, open_store, owner

NAME = "artifacts"
HELP = "List artifacts (newest first) with their storage, URI and hash."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--execution", help="only artifacts of this execution")
    parser.add_argument("--json", action="store_true", help="print JSON")
    add_store_argument(parser)
    add_owner_argument(parser)


def run(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        artifacts = store.list_artifacts(execution=args.execution, owner=owner(args))
    finally:
        store.close()
    if args.json:
        print(json.dumps({"artifacts": artifacts}, indent=2))
        return 0
    for a in artifacts:
        print(f"{a['id']}  {a['name']:<24} {a.get('size', 0):>10}  {a['storage']}  {a['uri']}")
    return 0
