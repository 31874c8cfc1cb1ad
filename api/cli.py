"""The ``dolbom`` command.

Each subcommand lives in its own module under :mod:`api.commands` and adds
itself with ``register(subparsers)``; its handler takes the parsed arguments
and an output stream and returns the exit code. Errors the domain raises on
purpose (:class:`graph.errors.DolbomError`) are printed as one line on stderr
with exit code 2, never as a traceback.

The store is chosen as :func:`graph.factory.open_store` says: ``--db`` (or
``DOLBOM_DB``) for the embedded file, ``NEO4J_URI`` for Neo4j.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from typing import TextIO

from graph.errors import DolbomError

from . import commands


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dolbom",
        description="Dolbom: coordinated service packages for households in crisis.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"{commands.__name__}.{info.name}").register(sub)
    return p


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args, out or sys.stdout) or 0)
    except DolbomError as e:
        sys.stderr.write(f"dolbom: error: {e}\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
