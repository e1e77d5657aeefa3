"""The ``forgelab`` command line.

Each subcommand is a module of this package with ``NAME``, ``HELP``, ``configure(parser)`` and
``run(args) -> int``; :data:`SUBCOMMANDS` lists them in the order ``--help`` shows them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .. import __version__
from ..config import ConfigFileError
from ..formats import FormatError
from ..store.errors import StoreError

SUBCOMMANDS: tuple[str, ...] = (
    "status",
    "arch",
    "run",
    "export",
    "executions",
    "artifacts",
    "reify",
    "example",
    "store",
)


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="forgelab",
        description="ForgeLab: provenance, pipelines and executions for JupyterLab.",
    )
    main_parser.add_argument("--version", action="version", version=f"forgelab {__version__}")
    sub = main_parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"{__name__}.{name}")
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.configure(command)
        command.set_defaults(run=module.run)
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not getattr(args, "run", None):
        parser().print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except FormatError as error:
        print(f"forgelab: {error}", file=sys.stderr)
        return 2
    except (UsageError, ConfigFileError) as error:
        print(f"forgelab: {error}", file=sys.stderr)
        return 2
    except StoreError as error:
        print(f"forgelab: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("forgelab: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
