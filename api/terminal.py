"""What the CLI's commands share: the ``--db`` help, argument types, and
tables that line up in a terminal where Hangul takes two columns."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import unicodedata
from collections.abc import Sequence
from typing import Any, TextIO

from i18n import LOCALES
from i18n.locale import normalise

DB_HELP = ("embedded database file, which must exist (`dolbom init` makes one; default: $DOLBOM_DB or "
           "dolbom.db; NEO4J_URI selects Neo4j instead)")
CREATE_HELP = "make a new, empty database first when the --db file is missing or empty (0 bytes)"


def width(text: str) -> int:
    """Terminal columns: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, cols: int) -> str:
    """``text`` cut (with …) or padded to exactly ``cols`` terminal columns."""
    if width(text) > cols:
        while text and width(text + "…") > cols:
            text = text[:-1]
        text += "…"
    return text + " " * (cols - width(text))


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str], out: TextIO) -> None:
    """Rows under headers, each column as wide as its widest cell."""
    text = [[str(v) for v in row] for row in rows]
    widths = [max([width(h), *(width(r[i]) for r in text)]) for i, h in enumerate(headers)]
    out.write("  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    out.writelines("  ".join(pad(v, w) for v, w in zip(r, widths, strict=True)).rstrip() + "\n" for r in text)


def date_arg(text: str) -> dt.date:
    """An argparse type: a date as YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date as YYYY-MM-DD (got {text!r})") from None


def default_lang() -> str:
    """The CLI's language when ``--lang`` is not given: ``DOLBOM_LOCALE``, else Korean."""
    return normalise(os.environ.get("DOLBOM_LOCALE")) or "ko"


def lang_arg(p: argparse.ArgumentParser) -> None:
    """``--lang ko|en`` (``--locale`` is the older spelling) for headers, labels and messages."""
    p.add_argument("--lang", "--locale", dest="lang", choices=LOCALES, default=default_lang(),
                   help="language of headers, labels and messages: ko or en (default: $DOLBOM_LOCALE or ko)")
