"""``dolbom export DIR``: write the store as a CSV bundle (see docs/loaders.md)."""

from __future__ import annotations

import argparse
from typing import TextIO

from api.terminal import DB_HELP
from graph.factory import open_store
from loaders.csvbundle import ENCODINGS, export_bundle


def run(args: argparse.Namespace, out: TextIO) -> int:
    with open_store(args.db) as store:
        counts = export_bundle(store, args.directory, encoding=args.encoding)
    out.write(f"exported {sum(counts.values()):,} rows to {args.directory}\n")
    out.writelines(f"  {name:<18} {n:>10,}\n" for name, n in counts.items())
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:

    p = sub.add_parser("export", help="write the store as a CSV bundle that `dolbom load` reads back")
    p.add_argument("directory", metavar="DIR", help="folder to write (created if missing; files replaced)")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--encoding", choices=ENCODINGS, default="utf-8-sig",
                   help="utf-8-sig (default: UTF-8 with a BOM, which Excel opens correctly), utf-8 or cp949")
    p.set_defaults(func=run)
