"""``dolbom init``: make a new, empty Dolbom database.

The other commands and the server open only a database that exists: a
missing or empty (0-byte) ``--db`` is refused with a one-line error, so that a
mistyped path never starts a new empty store. ``dolbom init`` is how a new one
is made (``dolbom load --create`` and ``dolbom import-hsds --create`` too). It
refuses a file that already holds anything. On Neo4j (``NEO4J_URI``, no
``--db``) it opens the store, which puts its constraints and indexes in place.
"""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from graph.embedded import SCHEMA_VERSION
from graph.embedded.auditlog import path_for
from graph.errors import StoreError
from graph.factory import embedded_path, open_store


def run(args: argparse.Namespace, out: TextIO) -> int:
    path = embedded_path(args.db)
    if path is None:
        store = open_store(args.db)
        store.close()
        out.write(f"Neo4j store ready ({getattr(store, 'where', 'Neo4j')}): its constraints and indexes "
                  "are in place\n")
        return 0
    if os.path.isfile(path) and os.path.getsize(path) > 0:
        raise StoreError(f"{path!r} already exists: `dolbom init` makes new databases only (the other "
                         "commands open this one as it is)")
    open_store(path, create=True).close()
    out.write(f"made a new, empty Dolbom database (schema version {SCHEMA_VERSION}): {path}\n"
              f"its audit log: {path_for(path)}\n")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help="make a new, empty database (the other commands open only one that "
                       "exists)")
    p.add_argument("--db", help="the new embedded database file (default: $DOLBOM_DB or dolbom.db; "
                   "NEO4J_URI selects Neo4j instead)")
    p.set_defaults(func=run)
