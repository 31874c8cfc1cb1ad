"""``dolbom load DIR``: load a CSV bundle (see docs/loaders.md)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from api.progress import progress_bar
from api.terminal import CREATE_HELP, DB_HELP
from graph.factory import open_store
from loaders.csvbundle import ENCODINGS, BundleInvalid, LoadReport, load_bundle

#: problems printed in text form (all of them go to --format json)
SHOWN = 50


def _problems(report: LoadReport, stream: TextIO) -> None:
    stream.writelines(f"  {p}\n" for p in report.problems[:SHOWN])
    if report.invalid > SHOWN:
        stream.write(f"  ... and {report.invalid - SHOWN:,} more\n")


def _where(store: object) -> str:
    """The store as the progress bar names it: the embedded file, or Neo4j's address."""
    path = getattr(store, "path", None)
    return str(path) if path is not None else f"Neo4j at {getattr(store, 'where', '?')}"


def run(args: argparse.Namespace, out: TextIO) -> int:
    with open_store(args.db, create=args.create) as store, \
            progress_bar(f"loading {args.directory} into {_where(store)}", None) as update:
        try:
            report = load_bundle(store, args.directory, skip_invalid=args.skip_invalid,
                                 encoding=args.encoding, progress=update)
        except BundleInvalid as e:
            if args.format == "json":
                out.write(json.dumps(e.report.to_dict(), ensure_ascii=False, indent=2) + "\n")
            sys.stderr.write(f"dolbom: error: {e.report.invalid:,} invalid row(s); nothing was written "
                             "(--skip-invalid writes the good rows):\n")
            _problems(e.report, sys.stderr)
            return 2
    if args.format == "json":
        out.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return 0
    rate = report.total_rows / report.seconds if report.seconds else 0
    out.write(f"loaded {args.directory}: {report.total_rows:,} rows in {report.seconds:.1f} s "
              f"({rate:,.0f} rows/s); {report.written:,} written, {report.unchanged:,} unchanged\n")
    out.writelines(f"  {name:<18} {n:>10,}  {report.encodings[name]}\n" for name, n in report.rows.items())
    if report.invalid:
        out.write(f"skipped {report.invalid:,} invalid row(s):\n")
        _problems(report, out)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:

    p = sub.add_parser("load", help="load a CSV bundle (one file per record kind) into the store",
                       description="Load a CSV bundle. Every row is checked; one bad row aborts the "
                       "whole load and nothing is written, unless --skip-invalid. Loading the same "
                       "bundle twice changes nothing.")
    p.add_argument("directory", metavar="DIR", help="the bundle's folder (regions.csv, services.csv, ...)")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--create", action="store_true", help=CREATE_HELP)
    p.add_argument("--skip-invalid", action="store_true", help="write the good rows and report the bad ones")
    p.add_argument("--encoding", choices=ENCODINGS,
                   help="the files' encoding (default: detected; UTF-8, UTF-8 with BOM or CP949)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="how to print the report")
    p.set_defaults(func=run)
