"""The one writer of tables as files: CSV for any program, XLSX for Excel.

Every report and list of the CLI writes through :func:`write`:

* **CSV** is UTF-8 with a byte-order mark, so Korean Excel opens it as UTF-8
  instead of garbling the Hangul (CP949); rows end in ``\\r\\n`` as RFC 4180 says.
* **XLSX** (openpyxl) has one sheet with a bold, frozen header row and columns
  roughly as wide as their text.
* **Formula injection** (CSV injection): a text cell that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return would run as a formula when a
  spreadsheet opens the file. In CSV such a cell gets a leading apostrophe
  (``'=1+1``), which Excel shows as text; in XLSX it is stored as a string with
  Excel's quote prefix (never as a formula). Numbers are numbers: ``-3`` stays
  a number.

Headers come from the catalogue (``col.*`` in ``i18n/texts/cli.py``), Korean by default.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from graph.errors import ValidationError

#: what a cell may not start with (OWASP's list for CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
FORMATS = ("csv", "xlsx")


def safe_text(value: Any) -> Any:
    """A cell value that no spreadsheet runs as a formula: text starting with one of
    :data:`FORMULA_STARTS` gets a leading apostrophe; numbers, None and other text are kept."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    return str(value)


def write_csv(out: TextIO, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> int:
    """Rows under headers as CSV to a text stream (a BOM first unless ``bom=False``); returns the
    row count."""
    if bom:
        out.write(BOM)
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([safe_text(h) for h in headers])
    n = 0
    for row in rows:
        w.writerow([safe_text(_cell(v)) for v in row])
        n += 1
    return n


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buf = io.StringIO(newline="")
    write_csv(buf, headers, rows)
    return buf.getvalue().encode("utf-8")


def write_xlsx(out: BinaryIO | str | Path, headers: Sequence[str], rows: Iterable[Sequence[Any]],
               sheet: str = "report") -> int:
    """Rows under headers as one XLSX sheet; returns the row count."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _sheet_name(sheet)
    widths = [_width(h) for h in headers]
    ws.append([str(h) for h in headers])
    for c in ws[1]:
        c.font = Font(bold=True)
    n = 0
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            v = _cell(value)
            cell = ws.cell(row=r, column=col)
            if isinstance(v, str):
                cell.value = v
                cell.data_type = "s"  # never a formula, whatever it starts with
                if v.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True
            else:
                cell.value = v
            widths[col - 1] = max(widths[col - 1], _width(str(v)))
        n += 1
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(60, w + 2)
    ws.freeze_panes = "A2"
    wb.save(out)
    return n


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x1100 else 1 for ch in text)


def _sheet_name(name: str) -> str:
    bad = set("[]:*?/\\")
    return "".join(ch for ch in name if ch not in bad)[:31] or "report"


def write(fmt: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, out: TextIO | None = None,
          path: str | None = None, sheet: str = "report") -> int:
    """Write rows as ``fmt`` ("csv" or "xlsx") to ``path``, or CSV to the text stream
    ``out``. XLSX needs a path (it is not text). Returns the row count."""
    if fmt not in FORMATS:
        raise ValidationError("format", f"must be one of {', '.join(FORMATS)} (got {fmt!r})")
    if fmt == "xlsx":
        if not path:
            raise ValidationError("output", "--format xlsx needs --output FILE.xlsx (not text)")
        return write_xlsx(path, headers, rows, sheet)
    if path:
        with open(path, "w", encoding="utf-8", newline="") as f:
            return write_csv(f, headers, rows)
    assert out is not None
    return write_csv(out, headers, rows)
