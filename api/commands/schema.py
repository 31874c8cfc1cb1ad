"""``dolbom schema``: print the served GraphQL schema (SDL)."""

from __future__ import annotations

import argparse
from typing import TextIO


def run(args: argparse.Namespace, out: TextIO) -> int:
    from schema.build import schema

    out.write(schema.as_str().rstrip("\n") + "\n")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("schema", help="print the served GraphQL schema (SDL)")
    p.set_defaults(func=run)
