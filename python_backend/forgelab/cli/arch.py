"""``forgelab arch``: the layer catalog, checking architectures and exporting them as Python."""

from __future__ import annotations

import argparse
import json
import sys

NAME = "arch"
HELP = "Neural-network architectures (*.arch.json): layer catalog, shape check, Python export."


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="arch_command", metavar="ACTION", required=True)
    catalog = actions.add_parser("catalog", help="list the layers of the installed Keras")
    catalog.add_argument("--json", action="store_true", help="print the whole catalog as JSON")
    catalog.add_argument("--refresh", action="store_true", help="rebuild the cached catalog")
    check = actions.add_parser(
        "check", help="output shapes, parameter counts and errors per layer; exit 1 on any error"
    )
    check.add_argument("file", help="an architecture file (*.arch.json)")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    codegen = actions.add_parser(
        "codegen", help="print Keras functional-API code for an architecture"
    )
    codegen.add_argument("file", help="an architecture file (*.arch.json)")


def run(args: argparse.Namespace) -> int:
    from ..keras.errors import ArchitectureError

    action = {"catalog": _catalog, "check": _check, "codegen": _codegen}[args.arch_command]
    try:
        return action(args)
    except OSError as error:
        print(
            f"forgelab arch {args.arch_command}: cannot read {error.filename}: {error.strerror}",
            file=sys.stderr,
        )
        return 2
    except ArchitectureError as error:
        print(f"forgelab arch {args.arch_command}: {error}", file=sys.stderr)
        return 1


def _catalog(args: argparse.Namespace) -> int:
    from ..keras.catalog import catalog

    data = catalog(refresh=args.refresh)
    if args.json:
        print(json.dumps(data, indent=1))
        return 0
    print(
        f"Keras {data['keras_version']} ({data['backend']} backend): {len(data['layers'])} layers"
    )
    by_category: dict[str, list[str]] = {}
    for name, entry in data["layers"].items():
        if "alias_of" not in entry:
            by_category.setdefault(entry["category"], []).append(name)
    for category in sorted(by_category):
        print(f"{category}:")
        for name in by_category[category]:
            print(f"  {name:<32} {data['layers'][name]['summary'][:70]}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from .. import architecture
    from ..keras.inference import format_shape

    report = architecture.check(args.file)
    if args.json:
        print(json.dumps(report, indent=1))
        return 0 if report["ok"] else 1
    for error in report["document_errors"]:
        print(f"error: {error}", file=sys.stderr)
    width = max((len(i) for i in report["layers"]), default=5)
    for layer_id, layer in report["layers"].items():
        if layer["status"] == "ok":
            shapes = ", ".join(format_shape(s) for s in layer["output_shapes"])
            print(
                f"{layer_id:<{width}}  {layer['type']:<20} {shapes:<24} "
                f"{layer['params']:>12,} params"
            )
        else:
            marker = "ERROR" if layer["status"] == "error" else "-"
            print(f"{layer_id:<{width}}  {layer['type']:<20} {marker}: {layer['error']}")
    outputs = ", ".join(format_shape(s) for s in report["output_shapes"]) or "none"
    print(f"Output shape: {outputs}; total parameters: {report['total_params']:,}")
    if not report["ok"]:
        count = len(report["document_errors"]) + sum(
            1 for layer in report["layers"].values() if layer["status"] == "error"
        )
        print(f"{args.file}: {count} error{'s' if count != 1 else ''}", file=sys.stderr)
        return 1
    return 0


def _codegen(args: argparse.Namespace) -> int:
    from .. import architecture

    sys.stdout.write(architecture.to_code(args.file))
    return 0
