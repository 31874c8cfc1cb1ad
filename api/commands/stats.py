"""``dolbom stats``: how many records of each kind the store holds."""

from __future__ import annotations

import argparse
from typing import TextIO

from api.terminal import DB_HELP
from graph.factory import open_store
from graph.store import Store


def print_counts(store: Store, out: TextIO) -> None:
    counts = store.counts()
    width = max(len(label) for label in counts)
    for label, n in counts.items():
        out.write(f"  {label:<{width}}  {n:>9,}\n")


def run(args: argparse.Namespace, out: TextIO) -> int:
    with open_store(args.db) as store:
        out.write(f"{store.__class__.__name__}\n")
        print_counts(store, out)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:

    p = sub.add_parser("stats", help="count the records in the store")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=run)
