"""What the execution commands share: the configuration, the store location, the owner and
argument helpers."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..config import ForgeLabConfig, load_server_config
from ..environment import user_name
from ..store import Store, default_url


def add_store_argument(parser: argparse.ArgumentParser) -> None:
    """``--store`` and ``--config``: where records are, and the configuration naming it."""
    parser.add_argument(
        "--store",
        metavar="URL",
        help="SQLAlchemy URL of the store (default: c.ForgeLabConfig.store_url, else sqlite in "
        "./.forgelab/ of this directory)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="a jupyter_server_config.py or .json read after the Jupyter server's own "
        "(those on `jupyter --paths`'s config path, $JUPYTER_CONFIG_DIR included)",
    )


def settings(args: argparse.Namespace) -> ForgeLabConfig:
    """``c.ForgeLabConfig`` as the Jupyter server reads it, ``--config`` on top (read once)."""
    found = getattr(args, "_settings", None)
    if found is None:
        found = ForgeLabConfig(config=load_server_config(getattr(args, "config", None)))
        args._settings = found
    return found


def open_store(args: argparse.Namespace) -> Store:
    return Store(store_url(args))


def store_url(args: argparse.Namespace) -> str:
    """``--store``, else ``$FORGELAB_STORE``, the configured ``store_url`` (default
    ``$FORGELAB_STORE_URL``), else ./.forgelab/."""
    return (
        getattr(args, "store", None)
        or os.environ.get("FORGELAB_STORE")
        or settings(args).store_url
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
