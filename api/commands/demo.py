"""``dolbom demo``: load the built-in sample graph and show it."""

from __future__ import annotations

import argparse
from typing import TextIO

from graph.factory import open_store

from ..demo_text import describe_neighbourhood
from .stats import print_counts

DEMO_DB = "dolbom-demo.db"
DEMO_HOUSEHOLD = "hh-0001"


def run(args: argparse.Namespace, out: TextIO) -> int:
    from loaders.sample import sample_records

    with open_store(args.db, default=DEMO_DB) as store:
        if store.get("Household", DEMO_HOUSEHOLD) is None:
            store.put(*sample_records())
            out.write("Wrote the built-in sample graph (Gyeonggi: Suwon and Seongnam).\n")
        where = getattr(store, "path", "Neo4j")
        out.write(f"Store: {store.__class__.__name__} ({where})\n")
        print_counts(store, out)
        out.write("\n")
        describe_neighbourhood(store.neighbourhood(DEMO_HOUSEHOLD), DEMO_HOUSEHOLD, out)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="load the built-in sample graph and show it")
    p.add_argument("--db", help=f"embedded database file (default: $DOLBOM_DB or {DEMO_DB})")
    p.set_defaults(func=run)
