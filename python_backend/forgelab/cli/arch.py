"""``forgelab arch``: the layer catalog, checking architectures and exporting them as Python."""

from __future__ import annotations

import argparse
import json
import sys

NAME = "arch"
HELP = (
    "Neural-network architectures (*.arch.json): layer catalog, shape check, Python export, "
    "import from a model."
)


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="arch_command", metavar="ACTION", required=True)
    catalog = actions.add_parser("catalog", help="list the layers of an installed framework")
    catalog.add_argument(
        "--framework",
        default="keras",
        help="the architecture library: keras (default), torch, or a registered one",
    )
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
    importer = actions.add_parser(
        "import", help="write the architecture of a saved or importable model (Keras or PyTorch)"
    )
    importer.add_argument(
        "model", help="a saved model (model.keras) or a Python object (package.module:attribute)"
    )
    importer.add_argument("-o", "--output", required=True, help="the file to write (*.arch.json)")
    importer.add_argument(
        "--input-shape",
        action="append",
        metavar="D,D,...",
        help="a PyTorch input's shape without the batch dimension (once per input), e.g. 3,32,32",
    )
    importer.add_argument("--force", action="store_true", help="overwrite the output file")


def run(args: argparse.Namespace) -> int:
    from ..formats import FormatError
    from ..libraries import LibraryUnavailable
    from ..libraries.base import ModelImportError
    from ..libraries.errors import ArchitectureError

    action = {"catalog": _catalog, "check": _check, "codegen": _codegen, "import": _import}[
        args.arch_command
    ]
    try:
        return action(args)
    except (LibraryUnavailable, FormatError, ModelNotFound, ModelImportError) as error:
        print(f"forgelab arch {args.arch_command}: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(
            f"forgelab arch {args.arch_command}: cannot read {error.filename}: {error.strerror}",
            file=sys.stderr,
        )
        return 2
    except ArchitectureError as error:
        print(f"forgelab arch {args.arch_command}: {error}", file=sys.stderr)
        return 1


class ModelNotFound(LookupError):
    """``forgelab arch import`` could not find or read the model it was given."""


def _catalog(args: argparse.Namespace) -> int:
    from ..libraries import registry

    library = registry.get(args.framework)
    data = library.catalog(refresh=args.refresh)
    if args.json:
        print(json.dumps(data, indent=1))
        return 0
    if library.name == "keras":
        print(
            f"Keras {data['keras_version']} ({data['backend']} backend): "
            f"{len(data['layers'])} layers"
        )
    else:
        print(f"{library.title} {library.version()}: {len(data['layers'])} layers")
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
    from ..libraries.inference import format_shape

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


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .. import architecture, formats

    output = Path(args.output)
    if output.exists() and not args.force:
        raise ModelNotFound(f"{output} exists; pass --force to overwrite it.")
    options: dict[str, object] = {}
    if args.input_shape:
        options["input_shapes"] = [_shape(text) for text in args.input_shape]
    if Path(args.model).is_file():
        document = architecture.import_file(args.model, **options)
    else:
        document = architecture.from_model(_python_object(args.model), **options)
    # The file's name says what the architecture is better than a class name (Sequential).
    document["name"] = output.name.removesuffix(".arch.json").removesuffix(".json")
    formats.validate("architecture", document)
    output.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {output} ({document['framework']}, {len(document['layers'])} layers)")
    return 0


def _shape(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ModelNotFound(
            f"--input-shape {text!r} is not a list of integers like 3,32,32."
        ) from None


def _python_object(reference: str) -> object:
    """``package.module:attribute`` imported (the current folder first on the path); a callable
    that is not a model class instance (a class, a factory) is called without arguments."""
    import importlib
    import os

    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise ModelNotFound(
            f"{reference!r} is neither a file nor module:attribute (e.g. mynet:Net or model.keras)."
        )
    sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ModelNotFound(f"cannot import {module_name}: {error}") from error
    finally:
        sys.path.pop(0)
    target: object = module
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise ModelNotFound(f"{module_name} has no attribute {attribute!r}.")
        target = getattr(target, part)
    if isinstance(target, type) or (
        callable(target) and not hasattr(target, "parameters") and not hasattr(target, "layers")
    ):
        target = target()
    return target
