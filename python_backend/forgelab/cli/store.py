"""``forgelab store``: the schema revision of a store, and upgrading it in place."""

from __future__ import annotations

import argparse

from ..store import migrations
from ..store.store import open_engine, reporting_connection_errors
from ._common import store_url

NAME = "store"
HELP = "Show or upgrade the schema revision of the store (SQLite or PostgreSQL)."


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action, text in (
        ("current", "print the store's schema revision and the newest this ForgeLab knows"),
        ("upgrade", "upgrade the store to this ForgeLab's schema (rows are kept)"),
    ):
        sub = actions.add_parser(action, help=text, description=text)
        sub.add_argument(
            "--url",
            dest="store",
            metavar="URL",
            help="SQLAlchemy URL of the store (default: $FORGELAB_STORE or $FORGELAB_STORE_URL, "
            "else SQLite in ./.forgelab/ of this directory, as the other commands)",
        )


def run(args: argparse.Namespace) -> int:
    engine = open_engine(store_url(args))
    where = migrations.describe_url(engine)
    try:
        with reporting_connection_errors(engine):
            before = migrations.current(engine)
            if args.action == "current":
                state = before or "none (empty)"
                print(f"{where}: revision {state} (this ForgeLab: {migrations.HEAD})")
                if before and before not in migrations.known_revisions():
                    print("the store is newer than this ForgeLab: upgrade ForgeLab to use it")
                    return 1
                return 0
            before, after = migrations.upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        print(f"{where}: already at revision {after}")
    else:
        print(f"{where}: upgraded from revision {before or 'none (empty)'} to {after}")
    return 0
