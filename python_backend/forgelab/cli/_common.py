"""What the execution commands share: the store location, the owner and argument helpers."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..config import store_url_from_environment
from ..environment import user_name
from ..store import Store, default_url


def add_store_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="URL",
        help="SQLAlchemy URL of the store (default: sqlite in ./.forgelab/ of this directory)",
    )


def open_store(args: argparse.Namespace) -> Store:
    return Store(store_url(args))


def store_url(args: argparse.Namespace) -> str:
    """``--store``, else ``$FORGELAB_STORE`` or ``$FORGELAB_STORE_URL``, else ./.forgelab/."""
    return (
        getattr(args, "store", None)
        or os.environ.get("FORGELAB_STORE")
        or store_url_from_environment()
        or default_url(Path.cwd())
    )


def add_owner_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--all-users",
        action="store_true",
        help="show every user's records of a shared store (default: only your own)",
    )


def owner(args: argparse.Namespace) -> str | None:
    """Whose records a command shows: the user running it (:func:`forgelab.environment.user_name`,
    the same name the server and the kernels record), or everyone's with ``--all-users``."""
    return None if getattr(args, "all_users", False) else user_name()
