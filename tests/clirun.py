"""Running the ``dolbom`` command line in-process, as the CLI tests do."""

from __future__ import annotations

import io

from api.cli import main


def run(*argv: str) -> tuple[int, str]:
    """``dolbom *argv``: its exit code and what it wrote to stdout."""
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()
