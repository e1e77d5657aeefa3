"""What the execution commands share: the store location and argument helpers."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..store import Store, default_url


def add_store_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="URL",
        help="SQLAlchemy URL of the store (default: sqlite in ./.forgelab/ of this directory)",
    )


def open_store(args: argparse.Namespace) -> Store:
    return Store(args.store or os.environ.get("FORGELAB_STORE") or default_url(Path.cwd()))
