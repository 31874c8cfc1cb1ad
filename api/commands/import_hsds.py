"""``dolbom import-hsds PATH``: Open Referral HSDS 3.0 into the store.

PATH is an HSDS JSON file (one object, an array, a paged list or the tabular
JSON), a directory holding ``datapackage.json`` and its CSV tables, or a
directory of JSON files (what ``dolbom export-hsds`` writes). One unit of
work: an error anywhere writes nothing. The report lists what was read,
imported and changed, the HSDS version read (3.0 and 3.1; older is refused),
the tables and fields not imported, and every object that could not be mapped,
by kind and id. Exit code 0 on success (1 with ``--strict`` when anything read
was not imported), 2 on an error. See ``docs/hsds.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from api.terminal import CREATE_HELP, DB_HELP
from graph.factory import open_store
from loaders.hsds import import_hsds, load_mapping


def run(args: argparse.Namespace, out: TextIO) -> int:
    err = sys.stderr
    mapping = load_mapping(args.mapping)
    with open_store(args.db, create=args.create) as store:
        report = import_hsds(store, args.path, mapping=mapping, region_parent=args.region_parent,
                             dry_run=args.dry_run)
    if args.json:
        json.dump(report.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(report.format())
    if args.strict and not report.complete:
        err.write(f"dolbom: import-hsds --strict: not everything read was imported: "
                  f"{report.strict_failures()} (see the report above)\n")
        return 1
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:

    p = sub.add_parser("import-hsds",
                       help="import Open Referral HSDS 3.0 or 3.1 (JSON, CSV data package or CSV folder)")
    p.add_argument("path", metavar="PATH",
                   help="HSDS JSON file, or a directory (datapackage.json + CSVs, or JSON files)")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--create", action="store_true", help=CREATE_HELP)
    p.add_argument("--mapping", metavar="FILE",
                   help="JSON mapping table merged over the default loaders/hsds_mapping.json")
    p.add_argument("--region-parent", metavar="ID",
                   help="create regions for unknown service-area names under this region (PROVINCE or CITY)")
    p.add_argument("--dry-run", action="store_true", help="map and check everything, write nothing")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when anything read was not imported: unmapped objects, tables or fields")
    p.set_defaults(func=run)
