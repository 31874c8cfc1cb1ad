"""The ``dolbom`` command.

Each subcommand lives in its own module under :mod:`api.commands` and adds
itself with ``register(subparsers)``; its handler takes the parsed arguments
and an output stream and returns the exit code. Errors the domain raises on
purpose (:class:`graph.errors.DolbomError`) are printed as one line on stderr
with exit code 2, never as a traceback: in the command's ``--lang`` (else
``DOLBOM_LOCALE``, else Korean) when the error carries a catalogue message, as
raised otherwise (a store's plain text, e.g. that a file is missing). A reader that goes away
(``dolbom match ... | head``) ends the command quietly with exit code 141.

The store is chosen as :func:`graph.factory.open_store` says: ``--db`` (or
``DOLBOM_DB``) for the embedded file, ``NEO4J_URI`` for Neo4j.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from typing import TextIO

from graph.errors import DolbomError
from i18n import render

from . import commands
from .terminal import default_lang


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of ``command`` when one of :mod:`api.commands` is named
    so (``dolbom serve`` then does not import what the reports and loaders need: it starts sooner)."""
    p = argparse.ArgumentParser(
        prog="dolbom",
        description="Dolbom: coordinated service packages for households in crisis.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    names = sorted(m.name for m in pkgutil.iter_modules(commands.__path__))
    wanted = (command or "").replace("-", "_")
    chosen = [wanted, *commands.EXTENDED_BY.get(wanted, ())] if wanted in names else names
    for name in chosen:
        importlib.import_module(f"{commands.__name__}.{name}").register(sub)
    return p


#: the exit code of a command whose reader went away (128 + SIGPIPE, as a shell reports it)
EXIT_PIPE = 141


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(given[0] if given else None).parse_args(given)
    stream = out or sys.stdout
    try:
        code = int(args.func(args, stream) or 0)
        stream.flush()
        return code
    except DolbomError as e:
        sys.stderr.write(error_line(e, getattr(args, "lang", None) or default_lang()) + "\n")
        return 2
    except BrokenPipeError:  # `dolbom match ... | head`: the reader has what it wanted
        _quiet_stdout()
        return EXIT_PIPE


def error_line(e: DolbomError, lang: str) -> str:
    """The one line ``dolbom`` prints for a domain error."""
    if e.text is None:  # plain text: printed as raised
        return f"dolbom: error: {e}"
    return render("cli.error", lang, text=e.localized(lang))


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush finds no broken pipe either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (tests pass their own stream)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
