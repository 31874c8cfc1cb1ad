"""``dolbom export-hsds DIR``: the store's organizations and services as HSDS 3.0.

Writes ``organizations.json`` and ``services.json`` (arrays of HSDS objects
with their service areas, cost options and taxonomy-term attributes) and,
unless ``--no-csv``, ``csv/`` (a tabular data package). The output validates
against the official HSDS 3.0 schema; what HSDS cannot carry is counted in
the report. See ``docs/hsds.md``.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from api.terminal import DB_HELP
from graph.factory import open_store
from loaders.hsds import export_hsds


def run(args: argparse.Namespace, out: TextIO) -> int:
    with open_store(args.db) as store:
        report = export_hsds(store, args.dir, csv=not args.no_csv)
    out.write(report.format())
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:

    p = sub.add_parser("export-hsds", help="write organizations and services as Open Referral HSDS 3.1")
    p.add_argument("dir", metavar="DIR", help="output directory (created if missing)")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--no-csv", action="store_true",
                   help="write only the JSON files, not the CSV data package")
    p.set_defaults(func=run)
