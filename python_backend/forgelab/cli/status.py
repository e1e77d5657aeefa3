"""``forgelab status``: the same facts as ``GET /forgelab/api/status``."""

from __future__ import annotations

import argparse
import json

from .. import environment

NAME = "status"
HELP = "Show versions of ForgeLab and its dependencies, and the available adapters."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    facts = {"status": "ok", **environment.describe().to_json()}
    if args.json:
        print(json.dumps(facts, indent=2))
        return 0
    print(f"ForgeLab {facts['forgelab']} on Python {facts['python']} ({facts['platform']})")
    for name, component in facts["components"].items():
        if component["available"]:
            print(f"  {name:<15} {component.get('version') or 'available'}")
        else:
            print(f"  {name:<15} unavailable: {component['detail']}")
            print(f"  {'':<15} install: {component['install']}")
    for kind, adapters in facts["adapters"].items():
        print(f"{kind} adapters:")
        for adapter in adapters:
            state = "available" if adapter["available"] else f"unavailable: {adapter['reason']}"
            print(f"  {adapter['name']:<15} {state}")
    gpus = facts["gpus"]
    names = f": {', '.join(gpus['names'])}" if gpus.get("names") else ""
    print(f"GPUs on this machine: {gpus['count']} ({gpus['source']}){names}")
    print("architecture libraries:")
    for library in facts["libraries"]:
        state = "available" if library["available"] else f"unavailable: {library['reason']}"
        print(f"  {library['name']:<15} {state}")
    return 0
