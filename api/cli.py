"""The ``dolbom`` command.

Subcommands (more arrive with the loaders, matching and the server):

* ``dolbom demo [--db PATH]`` — writes the built-in sample graph into the
  embedded store (if it is not there yet) and shows what the store holds and
  what it hands the matcher for one household.
* ``dolbom stats [--db PATH]`` — how many records of each kind the store holds.

The store is chosen as :func:`graph.factory.open_store` says: ``--db`` (or
``DOLBOM_DB``) for the embedded file, ``NEO4J_URI`` for Neo4j.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence, TextIO

from graph.errors import DolbomError
from graph.factory import open_store
from graph.store import Store

DEMO_DB = "dolbom-demo.db"
DEMO_HOUSEHOLD = "hh-0001"


def _print_counts(store: Store, out: TextIO) -> None:
    counts = store.counts()
    width = max(len(label) for label in counts)
    for label, n in counts.items():
        out.write(f"  {label:<{width}}  {n:>9,}\n")


def cmd_stats(args: argparse.Namespace, out: TextIO) -> int:
    with open_store(args.db) as store:
        out.write(f"{store.__class__.__name__}\n")
        _print_counts(store, out)
    return 0


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from loaders.sample import sample_records

    from .demo_text import describe_neighbourhood

    with open_store(args.db, default=DEMO_DB) as store:
        if store.get("Household", DEMO_HOUSEHOLD) is None:
            store.put(*sample_records())
            out.write("Wrote the built-in sample graph (Gyeonggi: Suwon and Seongnam).\n")
        where = getattr(store, "path", "Neo4j")
        out.write(f"Store: {store.__class__.__name__} ({where})\n")
        _print_counts(store, out)
        out.write("\n")
        describe_neighbourhood(store.neighbourhood(DEMO_HOUSEHOLD), DEMO_HOUSEHOLD, out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dolbom", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    db_help = "embedded database file (default: $DOLBOM_DB or dolbom.db; NEO4J_URI selects Neo4j instead)"

    demo = sub.add_parser("demo", help="load the built-in sample graph and show it")
    demo.add_argument("--db", help=f"embedded database file (default: $DOLBOM_DB or {DEMO_DB})")
    demo.set_defaults(func=cmd_demo)

    stats = sub.add_parser("stats", help="count the records in the store")
    stats.add_argument("--db", help=db_help)
    stats.set_defaults(func=cmd_stats)
    return p


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = out or sys.stdout
    try:
        return args.func(args, out)
    except DolbomError as e:
        sys.stderr.write(f"dolbom: error: {e}\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
